import type { ProcedureView } from '../domain/procedure-view.js';
import type { Caller } from './auth.js';

/** Shown instead of another receiver's delivery error. */
export const HIDDEN = '［已隐去：仅收件方可见］';
const ADDRESS = /\b(?:https?|smtps?):\/\/[^\s，。；：）)]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;

/** The national authority sees every party's contact data (it supervises all, Law 6); nobody else does. */
export const seesAllContacts = (c: Caller) => c.party.type === 'authority' && c.party.tier === 'national';

/**
 * The procedure as one caller may see it: its own contact data (webhook URL, e-mail) and its own
 * delivery errors, and of every other receiver only the name. An error message may quote an
 * address, so another receiver's error is withheld and addresses are scrubbed from the audit trail.
 */
export function redactView(view: ProcedureView, caller: Caller): ProcedureView {
  if (seesAllContacts(caller)) return view;
  const own = (partyId: string) => partyId === caller.party.id;
  return {
    ...view,
    inbox: view.inbox.map((entry) => ({
      ...entry,
      recipients: entry.recipients.map((r) => (own(r.party.id) ? r : { ...r, contact: { name: r.contact.name } })),
      deliveries: entry.deliveries.map((d) => (own(d.to) || d.error === undefined ? d : { ...d, error: HIDDEN })),
    })),
    audit: view.audit.map((a) => {
      // "Webhook无法送达<name>：<error>": the error belongs to that receiver.
      const summary = a.kind === 'delivery-failed' ? `${a.summary.split('：')[0]}：${HIDDEN}` : a.summary.replace(ADDRESS, HIDDEN);
      return summary === a.summary ? a : { ...a, summary };
    }),
  };
}
