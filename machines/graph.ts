import type { DeadlineSpec, ProcedureDefinition, ProcedureStateNode } from './procedure.js';

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

/** The statechart of a procedure, drawn from the same XState definition the workflow runs. */
export function machineGraph(def: ProcedureDefinition): { states: StateNodeView[]; transitions: TransitionView[]; initial: string } {
  const machine = def.machine;
  const states: StateNodeView[] = [];
  const transitions: TransitionView[] = [];
  const walk = (node: ProcedureStateNode, parent?: string) => {
    const path = node.path.join('.');
    if (path) {
      const meta = node.meta;
      states.push({
        id: path,
        path,
        label: meta?.label ?? node.key,
        type: node.type,
        ...(parent ? { parent } : {}),
        ...(meta?.responsible ? { responsible: meta.responsible } : {}),
        ...(meta?.basis ? { basis: meta.basis } : {}),
        ...(meta?.deadline
          ? { deadline: { label: meta.deadline.label, rule: meta.deadline.rule, n: meta.deadline.n, basis: meta.deadline.basis } }
          : {}),
      });
      for (const [event, list] of node.transitions) {
        for (const t of list) {
          for (const target of t.target ?? []) {
            transitions.push({ from: path, to: target.path.join('.'), event, label: eventLabel(def, event) });
          }
        }
      }
      for (const t of node.always ?? [])
        for (const target of t.target ?? [])
          transitions.push({ from: path, to: target.path.join('.'), event: 'always', label: t.guard ? '条件' : '' });
    }
    Object.values(node.states).forEach((child) => walk(child, path || undefined));
  };
  walk(machine.root);
  const initial = machine.root.initial?.target?.[0]?.path.join('.') ?? states[0]!.id;
  return { states, transitions, initial };
}

function eventLabel(def: ProcedureDefinition, event: string): string {
  if (def.events[event]) return def.events[event].label;
  if (event === 'DEADLINE_PASSED') return '期限届满';
  if (event.startsWith('xstate.done.state')) return '各项完成';
  return event;
}
