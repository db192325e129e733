import type { MachineSnapshot, StateMachine, StateNode, StateValue } from 'xstate';
import { shanghaiDateOf } from '../domain/time.js';
import type { z } from 'zod';
import type { Rule } from '../domain/deadline/types.js';
import type { PartyRef, Role } from '../domain/parties.js';
import type { ResolvedParties } from '../domain/resolve-parties.js';
import type { Policy, PolicyKey, PolicyListKey } from '../domain/policy.js';
import type { Registry } from '../domain/registry/registry.js';

/**
 * A statutory deadline a state declares in its meta: the driver computes it through an
 * activity on entry, arms the timers, and records it.
 */
export interface DeadlineSpec {
  id: string;
  label: string;
  rule: Rule;
  /**
   * Statutory period; or the policy key that sets it (shown as 本地策略); or a context key
   * holding a period set during the procedure (e.g. a rectification deadline the authority sets).
   */
  n: number | { policy: PolicyKey } | { context: string };
  /** Context key holding the start date (day rules) or instant (hours). */
  from: string;
  basis: string;
  /** Key in context.parties of the party that must meet it. */
  responsible: string;
  maxExtensions?: number;
  /** Context key whose value starts a new instance of this step (e.g. the relay tier). */
  instanceFrom?: string;
  /** Reminders at days before the deadline (policy key) instead of shares of the period. */
  remindersDaysBefore?: PolicyListKey;
  /**
   * false for a date that ends a period (e.g. the end of a suspension) rather than a duty:
   * its passing is told to the machine, with no overdue reminder and no escalation.
   */
  obligation?: false;
  /** The local-policy key a period held in context derives from (e.g. a due date): shown as 本地策略. */
  policyKey?: keyof Policy;
  /**
   * Key in context.parties of the party a statute names for the overdue step: the first rung of
   * its escalation, instead of the ladder's (e.g. Regs 48 para 3: the authority that granted the licence).
   */
  escalateTo?: string;
  /** Context keys holding the recorded extensions and suspensions (SPEC §2). */
  extensionsFrom?: string;
  suspensionsFrom?: string;
  /**
   * The edition of the rules that added this deadline: procedures of an earlier edition do not
   * declare it, so their recorded histories replay as they ran (see CURRENT_EDITION).
   */
  sinceEdition?: number;
}

export interface StateMeta {
  label: string;
  /** Key in context.parties of the party expected to act in this state. */
  responsible?: string;
  basis?: string;
  deadline?: DeadlineSpec;
  /**
   * The article an event taken in this state records, where it differs from the event's own
   * `basis` (e.g. the holders told after a removal rest on Law 22 para 3, not Law 23 para 2).
   */
  eventBasis?: Readonly<Record<string, string>>;
}

/** A field a check refuses, in English (the log, API clients) and Chinese (the pages). */
export interface FieldIssue {
  field: string;
  message: string;
  messageZh?: string;
}

/** What a check beyond the schema finds: errors refuse; notes go into the audit entry (e.g. the other provision a term rests on). */
export interface CheckResult {
  errors: FieldIssue[];
  notes: string[];
}

export interface EventSpec {
  label: string;
  schema: z.ZodType;
  /** Keys in context.parties whose members may send this event. */
  by: readonly string[];
  basis?: string;
  /**
   * The event records a fact (reported, received, accepted, decided, relayed, discovered):
   * it accepts an optional `occurredAt`, and deadlines and late flags judge by it (SPEC §2).
   */
  fact?: true;
  /** The role the sending person must hold in the sending party (e.g. 'head' 负责人, Regs 63). */
  role?: Role;
  /**
   * A binding decision of an authority (确定, 异议决定, 鉴定结论): from edition 5 (`true`) or the
   * edition given, while the policy `headSignOff` holds (本地策略, on by default), only its 负责人
   * sends it (see requiredRole).
   */
  signOff?: true | { sinceEdition: number };
  /**
   * An event no party sends: another procedure of this kind records it here (e.g. the licensing
   * authority's decision in a leak procedure reaching the enterprise's 年度自检, Regs 71 para 3(3)).
   * The driver takes it only through the linked-event Update its activity sends (workflows/linked.ts), never from the API.
   */
  linkedFrom?: string;
  /**
   * Who may send it from an edition of the rules on, where a reading narrows `by` (e.g. Regs 26 para 2(2),
   * edition 4: the objector alone appeals): the allowed events, the driver's refusal and the docs take it from here.
   */
  narrowed?: SendersNarrowed;
  /**
   * A decision's fields that start from what the procedure already holds (what was ordered,
   * proposed or found): field → a dotted path into the context, `-1` the last of a list. The form
   * shows them filled in, for the decider to change (issue 25).
   */
  prefill?: Readonly<Record<string, string>>;
  /**
   * A repeatable event's cap per procedure (本地策略: the statute sets none): beyond it the driver
   * refuses it ('limit-reached', nothing recorded), so no party can grow a procedure without bound.
   */
  max?: number;
  /**
   * A check that needs the procedure's context (e.g. Law 20 para 2, from the term's start): its
   * errors refuse the event in the validator only, so events accepted before it existed replay;
   * its notes are added to the audit entry.
   */
  check?(payload: Record<string, unknown>, context: Record<string, unknown>): CheckResult;
}

/** The senders of an event from an edition on, and the rule that narrows them, in English and Chinese. */
export interface SendersNarrowed {
  sinceEdition: number;
  by: readonly string[];
  rule: string;
  ruleZh: string;
}

/** The context an event's senders and role depend on: the edition and the policy fixed at start. */
type SenderContext = { edition?: number; policy?: { headSignOff?: boolean } };

/** The party keys that may send the event in a procedure of this edition. */
export function sendersOf(spec: Pick<EventSpec, 'by' | 'narrowed'>, context: SenderContext): readonly string[] {
  const n = spec.narrowed;
  return n && (context.edition ?? 1) >= n.sinceEdition ? n.by : spec.by;
}

/** The edition from which a binding decision needs its authority's 负责人 (EventSpec.signOff `true`). */
export const SIGN_OFF_EDITION = 5;
/** The edition from which this binding decision needs its authority's 负责人, if it is one. */
export const signOffEdition = (spec: Pick<EventSpec, 'signOff'>): number | undefined =>
  spec.signOff === true ? SIGN_OFF_EDITION : spec.signOff?.sinceEdition;
/** The sign-off rests on no article (the statute names no signer): 本地策略, modelled on Regs 63's 负责人 approval. */
export const SIGN_OFF_BASIS = '本地策略';

/** The role the sending person must hold in a procedure of this edition and policy, and what it rests on. */
export function requiredRole(
  spec: Pick<EventSpec, 'role' | 'signOff' | 'basis'>,
  context: SenderContext,
): { role: Role; basis: string | undefined; signOff: boolean } | undefined {
  if (spec.role) return { role: spec.role, basis: spec.basis, signOff: false };
  const since = signOffEdition(spec);
  const on = since !== undefined && (context.edition ?? 1) >= since && context.policy?.headSignOff !== false;
  return on ? { role: 'head', basis: SIGN_OFF_BASIS, signOff: true } : undefined;
}

/** The envelope the driver adds to every event it feeds the machine. */
export interface EventEnvelope {
  actor: { id: string; name?: string };
  /** When it happened: a fact event's `occurredAt`, else the entry instant (SPEC §2). */
  at: string;
  /** When it was entered (set by the driver). */
  enteredAt?: string;
  /** The running deadlines by spec id, for guards such as "before the deadline passes". */
  deadlines: Record<string, { dueAt: string }>;
}

/** A machine's events: each definition's payload (from its zod schema) with the envelope. */
export type MachineEvents<E extends Record<string, { schema: z.ZodType }>> = {
  [K in keyof E & string]: { type: K } & z.infer<E[K]['schema']> & EventEnvelope;
}[keyof E & string];

/** Sent by the driver when a declared deadline passes, to machines that handle it. */
export const DEADLINE_PASSED = 'DEADLINE_PASSED';
export interface DeadlinePassedEvent extends EventEnvelope {
  type: typeof DEADLINE_PASSED;
  deadlineId: string;
}

/** The fields every procedure's context has. */
export interface ProcedureContext {
  parties: Record<string, PartyRef | undefined>;
  /** Region code of the procedure's origin (GB/T 2260). */
  region: string;
  /** The edition of the rules the procedure started under (see CURRENT_EDITION). */
  edition: number;
}

/**
 * The edition of the machines' rules. A procedure keeps the edition it started under, so the
 * histories of procedures still open replay as they ran; a guard that changes an outcome on a
 * recorded path checks `context.edition`. 1: before 2026-11-30. 2: the statute off the happy
 * path (issue 11). 3: an expert consultation opened after the appraisal deadline stops no clock
 * (Regs 63 para 2). 4: the law's third reading (issue 26): the leak's reports from the organ's
 * knowledge, its remedial measures judged, its closing after the authority's handling and the
 * licensing authority's decision on a revocation (Law 47; Regs 60, 61, 71 para 3(3)); the objector
 * alone appeals (Regs 26 para 2); the unclear matter's receipt (Regs 25 para 2); a fact entered late
 * is to be confirmed (SPEC §3.7). 5: an authority's binding decision signed by its 负责人 (policy
 * `headSignOff`, EventSpec.signOff); a term stated as a condition names the latest 解密时间 within the
 * ceiling (Law 20 para 2). 6: the licensing authority's decision on a leak's Regs 71 para 3(3)
 * ground reaches the enterprise's 年度自检 (EventSpec.linkedFrom), and that decision and the
 * 年度自检's sanctions are signed by the 负责人 too. The driver records the edition with `patched` (workflows/driver.ts).
 */
export const CURRENT_EDITION = 6;

/** What the driver adds to a procedure's start input: resolved parties, route, local policy. */
export interface DriverInput {
  parties: Record<string, PartyRef>;
  region: string;
  route?: { tier: string; basis: string; reason: string };
  policy: Policy;
  /** Values the party resolver computed from the registry and policy (e.g. a due date). */
  derived?: Record<string, unknown>;
  edition: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as XState's own Any* types: every other parameter is open
type Open = any;
/** A procedure's machine: any machine whose state meta is a StateMeta (setup's `types.meta`). */
export type ProcedureMachine = StateMachine<Open, Open, Open, Open, Open, Open, Open, Open, Open, Open, Open, Open, StateMeta, Open, Open>;
/** A snapshot of a procedure's machine: `getMeta()` gives each active node's StateMeta by node id. */
export type ProcedureSnapshot = MachineSnapshot<Open, Open, Open, Open, Open, Open, StateMeta, Open>;
/** A state node of a procedure's machine, with its typed meta. */
export type ProcedureStateNode = StateNode<Open, Open, StateMeta, Open>;

/** `unclear-matter` → `unclearMatter`: a kind written as a function name is. */
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
/** The Temporal workflow type of a kind: the name of its workflow function (workflows/index.ts exports it). */
export type WorkflowTypeOf<K extends string> = `${CamelCase<K>}Workflow`;

/**
 * One procedure, registered in one place: its machine, its events' schemas, how to start it and
 * who takes part. `I` is its validated start input.
 */
export interface ProcedureDefinition<K extends string = string, I = unknown> {
  kind: K;
  label: string;
  basis: string;
  /** Its workflow function's name: `leak` → `leakWorkflow` (another name fails to compile). */
  workflowType: WorkflowTypeOf<K>;
  machine: ProcedureMachine;
  /** What a caller supplies to start it; the driver adds the resolved parties. */
  input: z.ZodType<I>;
  /**
   * Who takes part, from the registry (and local policy), for the validated start input: the
   * prepare activity calls it (domain/resolve-parties.ts holds the rules).
   */
  parties(registry: Registry, input: I, policy: Policy): ResolvedParties;
  /** The input field naming the party that starts it: only that party may. */
  startedBy: string;
  /**
   * The context key holding the procedure's start fact (a date or an instant): no event may predate
   * it. Where the start input holds it (拟定日期, 发现时刻 …), it is not in the future either (SPEC §2
   * "When it happened"): the API refuses such a start. Derived ones (the self-inspection's period) are not entered.
   */
  startFact: string;
  /**
   * Start fields the context keeps under another name, as a dotted path (e.g. the first measures
   * recorded: `remedialMeasures` → `measures.0.measures`): the case panel finds them there. Fields
   * kept under their own name need no entry.
   */
  startFieldsInContext?: Readonly<Record<string, string>>;
  /**
   * Optional start fields the machine takes from another when left blank (the leak's 获知时刻 is the
   * 发现时刻 when the organ found it itself): the start form's what-if counts a deadline running
   * from such a field from the other until it is filled.
   */
  startFieldFallbacks?: Readonly<Record<string, string>>;
  /**
   * A start field that chooses a variant, and what belongs to each case only: the start fields it
   * asks for, the deadlines it runs (the start form shows those of the case chosen, no others) and
   * the machine's guards it decides (the statechart of a case draws its variant's branch only).
   */
  variants?: {
    field: string;
    cases: Readonly<
      Record<string, { fields?: readonly string[]; deadlines?: readonly string[]; guards?: Readonly<Record<string, boolean>> }>
    >;
  };
  /**
   * For a procedure held once per subject (the self-inspection: per enterprise and year), the
   * subject from the start input: the workflow id derives from it, so a second start returns the first.
   */
  oneFor?(input: I): string;
  events: Record<string, EventSpec>;
  /** A check of the start input beyond its schema (as EventSpec.check): the API refuses on its errors, the start's audit entry keeps its notes. */
  checkStart?(input: I): CheckResult;
}

/** A procedure's definition, with its kind and start input inferred: its resolver must take that input. */
export const defineProcedure = <K extends string, I>(def: ProcedureDefinition<K, I>): ProcedureDefinition<K, I> => def;

/** The procedures by kind, from their definitions (a kind given twice is refused). */
export function procedureRegistry<D extends ProcedureDefinition>(
  definitions: readonly D[],
): { readonly [K in D['kind']]: Extract<D, { kind: K }> } {
  const kinds = definitions.map((d) => d.kind);
  const twice = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (twice !== undefined) throw new Error(`procedure kind "${twice}" is defined twice; each kind names one procedure`);
  return Object.fromEntries(definitions.map((d) => [d.kind, d])) as Record<D['kind'], D> as { [K in D['kind']]: Extract<D, { kind: K }> };
}

/**
 * The active state nodes in document order (root first), from the snapshot's public value:
 * a string names a child, an object names the children active in each region.
 */
export function activeStateNodes(snapshot: ProcedureSnapshot): ProcedureStateNode[] {
  const out: ProcedureStateNode[] = [snapshot.machine.root];
  const walk = (node: ProcedureStateNode, value: StateValue): void => {
    const entries = typeof value === 'string' ? [[value, undefined] as const] : Object.entries(value);
    for (const [key, sub] of entries) {
      const child = node.states[key];
      if (!child) continue;
      out.push(child);
      if (sub !== undefined) walk(child, sub);
    }
  };
  walk(snapshot.machine.root, snapshot.value);
  return out.sort((a, b) => a.order - b.order);
}

/**
 * The meta of the state a person would name: the deepest active state along a single path
 * (a parallel state is named by itself, not by one of its regions).
 */
export function stateMetaOf(snapshot: ProcedureSnapshot): StateMeta | undefined {
  const metas = snapshot.getMeta();
  const active = new Set(activeStateNodes(snapshot));
  let meta: StateMeta | undefined;
  let node = snapshot.machine.root;
  for (;;) {
    const child = Object.values(node.states).find((c) => active.has(c));
    if (!child) return meta;
    meta = metas[child.id] ?? meta;
    if (child.type === 'parallel') return meta;
    node = child;
  }
}

/** The basis an event records when taken now: an active state's `eventBasis` for it, else the event's own. */
export function eventBasisIn(snapshot: ProcedureSnapshot, type: string, spec: Pick<EventSpec, 'basis'> | undefined): string | undefined {
  const own = Object.values(snapshot.getMeta()).find((meta) => meta?.eventBasis?.[type]);
  return own?.eventBasis?.[type] ?? spec?.basis;
}

/** Event types the active states handle (guards aside), internal ones left out. */
export function handledEvents(snapshot: ProcedureSnapshot): string[] {
  return [...new Set(activeStateNodes(snapshot).flatMap((n) => n.ownEvents))].filter(
    (e) => !e.startsWith('xstate.') && e !== DEADLINE_PASSED,
  );
}

/**
 * The deadlines the active state nodes declare, with the node that declares each, in the order
 * XState keeps its active nodes (`getMeta()`): the driver computes them in this order, and a
 * replay hands each recorded result back to the same deadline.
 */
export function activeDeadlines(snapshot: ProcedureSnapshot): Array<{ nodeId: string; spec: DeadlineSpec }> {
  const edition = (snapshot.context as { edition?: number }).edition ?? 1;
  return Object.entries(snapshot.getMeta()).flatMap(([nodeId, meta]) =>
    meta?.deadline && edition >= (meta.deadline.sinceEdition ?? 1) ? [{ nodeId, spec: meta.deadline }] : [],
  );
}

/** The top-level state: what the procedure is doing (search attribute, list filters). */
export function stateValueOf(snapshot: ProcedureSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]!;
}

/** Every active leaf state as a dotted path, e.g. 'reporting.relay.relaying'. */
export function activePaths(snapshot: ProcedureSnapshot): string[] {
  return activeStateNodes(snapshot)
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => n.path.join('.'));
}

/** The machine's input: the validated start input with the parties and policy fixed at start. */
export const machineInput = (
  start: Record<string, unknown>,
  prepared: ResolvedParties & { policy: Policy },
  edition = CURRENT_EDITION,
) => ({
  ...start,
  edition,
  parties: prepared.parties,
  region: prepared.region,
  route: prepared.route,
  policy: prepared.policy,
  derived: prepared.derived ?? {},
});

/** The notify effect every machine declares: a no-op in the machine, carried out by the driver. */
export const notifyEffect = (_: unknown, _params: { to: string; subject: string; basis: string }) => {};

/**
 * An event for the open procedures of another kind about a party of this one (EventSpec.linkedFrom
 * there): a no-op in the machine; the driver's activity finds them and sends it (workflows/linked.ts).
 */
export interface LinkParams {
  kind: string;
  /** Key in context.parties of the party whose procedures of `kind` receive it. */
  party: string;
  event: string;
  payload: Record<string, unknown>;
  /** When it happened (the sending event's instant). */
  at: string;
}
export const linkEffect = (_: unknown, _params: LinkParams) => {};

/** Guard: the driver reports that the declared deadline `id` has passed. */
export const deadlinePassed = ({ event }: { event: { type: string; deadlineId?: string } }, params: { id: string }) =>
  event.type === DEADLINE_PASSED && event.deadlineId === params.id;

/** The Beijing date of an event: when a step happened, in the statute's days. */
export const eventDate = (e: { at: string }) => shanghaiDateOf(e.at);
