/**
 * A machine and its procedure view in words: state and event labels read from the machine's own
 * meta, the bases it cites, and the view with each basis in the statute's form, without codes or
 * UTC instants. The labels themselves are domain/labels.zh.ts.
 */
import { authorityLateness } from '../domain/authority-lateness.js';
import { basisText } from '../domain/citation.js';
import {
  AUDIT_KIND_LABELS,
  AUTHORITY_LATE_CONSEQUENCES,
  AUTHORITY_LATE_READING,
  deliveryErrorText,
  SUBJECTS,
  subjectText,
  textInWords,
} from '../domain/labels.zh.js';
import type { ProcedureView } from '../domain/procedure-view.js';
import type { ProcedureDefinition, ProcedureStateNode } from './procedure.js';

/** Events the driver sends and transitions XState makes itself. */
const INTERNAL_EVENT_LABELS: Record<string, string> = { DEADLINE_PASSED: '期限届满', always: '条件满足' };

/** Every state node of a machine (regions of parallel states too), root excluded, in document order. */
export function stateNodes(def: ProcedureDefinition): ProcedureStateNode[] {
  const out: ProcedureStateNode[] = [];
  const walk = (node: ProcedureStateNode) => {
    for (const child of Object.values(node.states)) {
      out.push(child);
      walk(child);
    }
  };
  walk(def.machine.root);
  return out;
}

/** The Chinese label of a state by its dotted path (e.g. 'open.toAuthority.pending'), from its meta. */
export function stateLabel(def: ProcedureDefinition, path: string): string | undefined {
  let node: ProcedureStateNode | undefined = def.machine.root;
  for (const key of path.split('.')) node = node?.states[key];
  return node && node !== def.machine.root ? node.meta?.label : undefined;
}

/** The Chinese label of an event: its EventSpec label, or what the driver or XState sends. */
export function eventLabel(def: ProcedureDefinition, type: string): string | undefined {
  if (def.events[type]) return def.events[type].label;
  if (INTERNAL_EVENT_LABELS[type]) return INTERNAL_EVENT_LABELS[type];
  if (type.startsWith('xstate.done.state')) return '各项均已完成';
  return undefined;
}

type ActionLike = { type?: string; params?: unknown };

/**
 * Every notify a machine declares (entry, exit, transitions), with params computed ones evaluated
 * for each event that can reach them: a transition's own event, or any for entry, exit and always.
 */
export function notifyParams(def: ProcedureDefinition): Array<{ to: string; subject: string; basis: string }> {
  const out: Array<{ to: string; subject: string; basis: string }> = [];
  const anyEvent = [{}, ...Object.keys(def.events).map((type) => ({ type }))];
  const take = (events: object[]) => (action: unknown) => {
    const a = action as ActionLike;
    if (a?.type !== 'notify') return;
    const results =
      typeof a.params === 'function'
        ? events.map((event) => (a.params as (x: unknown) => unknown)({ context: { parties: {} }, event }))
        : [a.params];
    for (const p of results) out.push(p as { to: string; subject: string; basis: string });
  };
  for (const node of stateNodes(def)) {
    [...node.entry, ...node.exit].forEach(take(anyEvent));
    for (const [type, list] of node.transitions) for (const t of list) t.actions.forEach(take([{ type }]));
    for (const t of node.always ?? []) t.actions.forEach(take(anyEvent));
  }
  return out;
}

/** Every basis a machine cites: the procedure's, states', deadlines', events' and notifications'. */
export function machineBases(def: ProcedureDefinition): string[] {
  const bases = new Set<string>([def.basis]);
  for (const node of stateNodes(def)) {
    const meta = node.meta;
    if (meta?.basis) bases.add(meta.basis);
    if (meta?.deadline) bases.add(meta.deadline.basis);
    for (const b of Object.values(meta?.eventBasis ?? {})) bases.add(b);
  }
  for (const e of Object.values(def.events)) if (e.basis) bases.add(e.basis);
  for (const n of notifyParams(def)) bases.add(n.basis);
  return [...bases];
}

/** Every `basis` string in a value (the context's decisions, routes, late flags), with its text. */
function citationsIn(value: unknown, out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) value.forEach((v) => citationsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'basis' && typeof v === 'string') out[v] = basisText(v)!;
      else citationsIn(v, out);
    }
  }
  return out;
}

/**
 * The procedure view in words, beside its machine-readable fields (additive): each basis in the
 * statute's form (`basisText`), audit summaries and inbox subjects without codes or UTC instants,
 * the active states by label, and `citations`: the text of every basis in the context.
 */
export function viewInWords<V extends ProcedureView>(def: ProcedureDefinition, view: V) {
  const words = (basis: string | undefined) => (basis ? { basisText: basisText(basis)! } : {});
  // The active states of a parallel state are recorded joined by " + " (workflows/events.ts).
  const state = (path: string | undefined) =>
    path
      ? path
          .split(' + ')
          .map((p) => stateLabel(def, p) ?? p)
          .join('、')
      : undefined;
  /**
   * Who acted so that a notification went out (“广东省国家保密局 张某（负责人）”): the entry's id starts
   * with its cause (workflows/deliveries.ts): 'start', or "<event type>-<audit length>" when the
   * event's entry was the latest of its type up to then. Reminders and escalations: the system.
   */
  const causeOf = (entryId: string) => {
    const cause = entryId.split(':')[0]!;
    const m = /^([A-Z_]+)-(\d+)$/.exec(cause);
    const entry =
      cause === 'start'
        ? view.audit.find((a) => a.kind === 'started')
        : m
          ? view.audit.findLast((a) => a.kind === 'event' && a.event?.type === m[1] && a.seq <= Number(m[2]))
          : undefined;
    return entry && (entry.by ?? entry.actor.name ?? entry.actor.id);
  };
  const summary = (a: ProcedureView['audit'][number]): string => {
    if (a.kind === 'event' && a.event) {
      const moved = a.from && a.to && a.from !== a.to ? `：${state(a.from)} → ${state(a.to)}` : '';
      return `${eventLabel(def, a.event.type) ?? a.summary.split('：')[0]}${moved}`;
    }
    // "<channel>无法送达<party>：<technical error>" (workflows/deliveries.ts)
    if (a.kind === 'delivery-failed') {
      const i = a.summary.indexOf('：');
      if (i >= 0) return `${a.summary.slice(0, i)}：${deliveryErrorText(a.summary.slice(i + 1))}`;
    }
    // "通知<party>：<subject code>" (workflows/driver.ts)
    if (a.kind === 'notification') {
      const i = a.summary.lastIndexOf('：');
      if (i >= 0 && SUBJECTS[a.summary.slice(i + 1)]) return `${a.summary.slice(0, i)}：${SUBJECTS[a.summary.slice(i + 1)]}`;
    }
    // A step taken again (each tier of a relay): one instance met is not the step met.
    if (a.kind === 'deadline-met' && a.deadlineKey) {
      const i = view.deadlines.findIndex((d) => d.key === a.deadlineKey);
      const d = view.deadlines[i];
      if (d && view.deadlines.slice(i + 1).some((x) => x.specId === d.specId))
        return `${textInWords(a.summary)}（仅为${d.responsible.name}这一环节）`;
    }
    return textInWords(a.summary);
  };
  const { deadlines, allowedEvents, audit, inbox, ...rest } = view;
  return {
    ...rest,
    // The authorities' own late steps (Regs 72; Law 61), flagged as an organ's late report is.
    authorityLate: authorityLateness(deadlines, {
      consequences: AUTHORITY_LATE_CONSEQUENCES.map((c) => ({ ...c, ...words(c.basis) })),
      reading: AUTHORITY_LATE_READING,
    }),
    ...words(view.basis),
    citations: citationsIn(view.context),
    activeStateLabels: view.activeStates.map((p) => state(p)!),
    deadlines: deadlines.map((d) => ({ ...(d as V['deadlines'][number]), ...words(d.basis) })),
    allowedEvents: allowedEvents.map((e) => ({ ...e, ...words(def.events[e.type]?.basis) })),
    audit: audit.map((a) => ({ ...a, ...words(a.basis), kindText: AUDIT_KIND_LABELS[a.kind], summaryText: summary(a) })),
    inbox: inbox.map((i) => {
      // Entries since the driver names the person carry `by`; older ones are traced to their cause.
      const by = i.kind === 'notification' ? (i.by ?? causeOf(i.id)) : undefined;
      return {
        ...i,
        ...words(i.basis),
        kindText: AUDIT_KIND_LABELS[i.kind],
        subjectText: subjectText(i.subject),
        ...(by ? { byText: by } : {}),
      };
    }),
  };
}
