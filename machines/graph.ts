import { GUARD_LABELS } from '../domain/labels.zh.js';
import { CURRENT_EDITION, type DeadlineSpec, type ProcedureDefinition, type ProcedureStateNode } from './procedure.js';

export interface StateNodeView {
  id: string;
  path: string;
  label: string;
  type: string;
  parent?: string;
  responsible?: string;
  basis?: string;
  deadline?: Pick<DeadlineSpec, 'label' | 'rule' | 'n' | 'basis'>;
}

export interface TransitionView {
  from: string;
  to: string;
  event: string;
  label: string;
}

type Guard = unknown;
/** A guard's name (`'hasSuperior'`, `{ type: 'passed', params }`), if it has one. */
const guardName = (g: Guard): string | undefined =>
  typeof g === 'string' ? g : g && typeof g === 'object' && 'type' in g ? String((g as { type: unknown }).type) : undefined;

/**
 * What a guard says for the edition and variant drawn: `editionN` holds from edition N on, and
 * `edition1` only in edition 1 (the machines name them so); a guard the variant decides says what
 * the variant's case says (ProcedureDefinition.variants); any other guard may go either way.
 */
function guardSays(g: Guard, edition: number, decided: Readonly<Record<string, boolean>>): boolean | undefined {
  const name = guardName(g) ?? '';
  if (name in decided) return decided[name];
  const m = /^edition(\d+)$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n === 1 ? edition < 2 : edition >= n;
}

/** A guard in words ("有上级主管部门"); an unnamed one as 条件. */
const guardLabel = (g: Guard) => GUARD_LABELS[guardName(g) ?? ''] ?? '条件';

/**
 * The statechart of a procedure, drawn from the same XState definition the workflow runs, as
 * procedures of `edition` run it and, given a variant (the leak's organ or network operator), as
 * that variant runs it: states and transitions another edition's or variant's guards rule out (an
 * earlier edition's branch, the variant not chosen) are left out; without a variant every variant's
 * branch is drawn. Each guarded transition says its condition in words.
 */
export function machineGraph(
  def: ProcedureDefinition,
  edition = CURRENT_EDITION,
  variant?: string,
): { states: StateNodeView[]; transitions: TransitionView[]; initial: string } {
  const machine = def.machine;
  const decided = (variant !== undefined && def.variants?.cases[variant]?.guards) || {};
  const all: Array<{ node: ProcedureStateNode; parent?: string }> = [];
  const walkAll = (node: ProcedureStateNode, parent?: string) => {
    if (node.path.length) all.push({ node, ...(parent ? { parent } : {}) });
    Object.values(node.states).forEach((child) => walkAll(child, node.path.join('.') || undefined));
  };
  walkAll(machine.root);

  // Each node's transitions as the edition takes them: in a list of alternatives, one whose edition guard holds ends the list.
  const taken = (node: ProcedureStateNode) => {
    const out: Array<{ event: string; target: ProcedureStateNode; label: string }> = [];
    const lists: Array<[string, Array<{ guard?: Guard; target?: readonly ProcedureStateNode[] }>]> = [
      ...[...node.transitions].map(([event, list]) => [event, list] as [string, typeof list]),
      ['always', node.always ?? []],
    ];
    for (const [event, list] of lists) {
      let guarded = false;
      for (const t of list) {
        const says = t.guard === undefined ? true : guardSays(t.guard, edition, decided);
        if (says === false) continue;
        const words = says === undefined ? guardLabel(t.guard) : '';
        const label = event === 'always' ? words || (guarded ? '其他情形' : '') : `${eventLabel(def, event)}${words ? `（${words}）` : ''}`;
        for (const target of t.target ?? []) out.push({ event, target, label });
        if (says === undefined) guarded = true;
        else break;
      }
    }
    return out;
  };

  // The states the edition can reach: from the root, each compound's initial state, every region, every target and the ancestors of each.
  const reach = new Set<ProcedureStateNode>();
  const visit = (node: ProcedureStateNode | undefined) => {
    if (!node || reach.has(node)) return;
    reach.add(node);
    visit(node.parent);
    if (node.type === 'parallel') Object.values(node.states).forEach(visit);
    else for (const t of node.initial?.target ?? []) visit(t);
    for (const t of taken(node)) visit(t.target);
  };
  visit(machine.root);

  const states: StateNodeView[] = [];
  const transitions: TransitionView[] = [];
  for (const { node, parent } of all) {
    if (!reach.has(node)) continue;
    const path = node.path.join('.');
    const meta = node.meta;
    const d = meta?.deadline && edition >= (meta.deadline.sinceEdition ?? 1) ? meta.deadline : undefined;
    states.push({
      id: path,
      path,
      label: meta?.label ?? node.key,
      type: node.type,
      ...(parent ? { parent } : {}),
      ...(meta?.responsible ? { responsible: meta.responsible } : {}),
      ...(meta?.basis ? { basis: meta.basis } : {}),
      ...(d ? { deadline: { label: d.label, rule: d.rule, n: d.n, basis: d.basis } } : {}),
    });
    for (const t of taken(node)) transitions.push({ from: path, to: t.target.path.join('.'), event: t.event, label: t.label });
  }
  const initial = machine.root.initial?.target?.[0]?.path.join('.') ?? states[0]!.id;
  return { states, transitions, initial };
}

function eventLabel(def: ProcedureDefinition, event: string): string {
  if (def.events[event]) return def.events[event].label;
  if (event === 'DEADLINE_PASSED') return '期限届满';
  if (event.startsWith('xstate.done.state')) return '各项完成';
  return event;
}
