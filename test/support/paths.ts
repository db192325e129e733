import { adjacencyMapToArray, getAdjacencyMap } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';
import { activePaths } from '../../machines/procedure.js';

const leaves = (snapshot: AnyMachineSnapshot) => activePaths(snapshot).sort();

/**
 * Every leaf state reached and every transition taken over the machine's whole reachable
 * graph from each input. States are told apart by their active leaves plus `key` of their
 * context (the context itself grows without end on self-loops).
 */
export function coverage(machine: AnyStateMachine, inputs: unknown[], events: unknown[], key: (context: never) => unknown = () => '') {
  const states = new Set<string>();
  const transitions = new Set<string>();
  for (const input of inputs) {
    const map = getAdjacencyMap(machine, {
      input,
      events: events as never[],
      serializeState: (s) => JSON.stringify([leaves(s as AnyMachineSnapshot), key((s as AnyMachineSnapshot).context as never)]),
    });
    for (const { state, event, nextState } of adjacencyMapToArray(map)) {
      const before = leaves(state as AnyMachineSnapshot);
      before.forEach((l) => states.add(l));
      // An event the state does not handle leaves the very same snapshot.
      if (nextState === state) continue;
      leaves(nextState as AnyMachineSnapshot).forEach((l) => states.add(l));
      transitions.add(`${(event as { type: string }).type}: ${before.join('+')} -> ${leaves(nextState as AnyMachineSnapshot).join('+')}`);
    }
  }
  return { states, transitions };
}

/** The leaf states a procedure can rest in (transient ones, with an unguarded `always`, left out). */
export function restingLeaves(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: AnyStateNode) => {
    const children = Object.values(node.states);
    if (!children.length) {
      if (!node.always?.some((t) => !t.guard)) out.push(node.path.join('.'));
      return;
    }
    children.forEach(walk);
  };
  walk(machine.root);
  return out.sort();
}

/** Every event type each state node handles, as "path: EVENT". */
export function declaredTransitions(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: AnyStateNode) => {
    for (const e of node.ownEvents) if (!e.startsWith('xstate.')) out.push(`${node.path.join('.') || '(root)'}: ${e}`);
    Object.values(node.states).forEach(walk);
  };
  walk(machine.root);
  return out.sort();
}
