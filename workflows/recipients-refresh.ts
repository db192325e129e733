/**
 * An operator's refresh of a procedure's recipients after a registry change: the contacts and
 * escalation ladders the start recorded (prepared.ts) are those of the registry then, and a new
 * secrecy officer or a restructured tier reaches an open procedure only through this explicit,
 * audited Update (scripts/refresh-recipients.ts). The parties themselves stay as resolved at the
 * start: who is competent for the procedure is not changed by a later registry.
 */
import type { PartyRef } from '../domain/parties.js';
import { ctx, record } from './run-view.js';
import { acts, type Run } from './state.js';
import type { Actor } from '../domain/procedure-view.js';

/** Every party the procedure names: those resolved at the start and those its machine added since. */
function partiesOf(run: Run): PartyRef[] {
  const all = [...Object.values(run.s.prepared.parties), ...Object.values(ctx(run).parties ?? {})];
  return [...new Map(all.filter((p): p is PartyRef => !!p).map((p) => [p.id, p])).values()];
}

/** The same entries by party id, in whatever order they were recorded. */
const same = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((id) => JSON.stringify(a[id]) === JSON.stringify(b[id]));

/** Takes the recipients from the registry in force; records the change, or nothing when none. */
export async function refreshRecipients(run: Run, actor: Actor, reason: string): Promise<{ changed: boolean; registryVersion: string }> {
  const prepared = run.s.prepared;
  const fresh = await acts.registryRecipients({ parties: partiesOf(run) });
  const changed =
    fresh.registryVersion !== prepared.registryVersion ||
    !same(fresh.contacts, prepared.contacts) ||
    !same(fresh.ladders, prepared.ladders);
  if (changed) {
    const before = prepared.registryVersion;
    run.s.prepared = { ...prepared, ...fresh };
    record(run, {
      kind: 'recipients-refreshed',
      actor,
      summary: `通知、提醒和督办的对象按登记册 ${fresh.registryVersion} 更新（原为 ${before}；${reason}）`,
    });
  }
  return { changed, registryVersion: fresh.registryVersion };
}
