/**
 * The statechart of a procedure laid out by ELK (elkjs, the layout Stately uses), on the server:
 * states as boxes, compound and parallel states as boxes nested in their parent, transitions as
 * routed edges with their Chinese event labels placed by the layered algorithm so that none
 * overlaps. The layout depends only on the machine definition: computed once per kind and cached.
 * Text is sized from its characters (a Han character is 1 em; others about 0.6 em), and the
 * browser draws it at the same sizes (dashboard/statechart.js).
 */
import elkBundled from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { machineGraph } from '../machines/graph.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { basisText } from '../domain/citation.js';
import { RULE_LABELS } from '../domain/labels.zh.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { CURRENT_EDITION } from '../machines/procedure.js';

/** Font sizes the browser uses (px), and the line height. */
const STATE_FONT = 13;
const EDGE_FONT = 11;
const LINE = 1.35;
const PAD = 8;

export interface PositionedState {
  path: string;
  label: string;
  type: string;
  parent?: string;
  /** The state's deadline in words, e.g. '24小时 · 《实施条例》第六十一条第一款'. */
  note?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
  noteLines: string[];
}

export interface PositionedTransition {
  id: string;
  from: string;
  to: string;
  event: string;
  label: string;
  lines: string[];
  /** The routed edge from source to target, in the chart's coordinates. */
  points: Array<{ x: number; y: number }>;
  labelBox?: { x: number; y: number; width: number; height: number };
}

export interface StatechartLayout {
  /** The font sizes (px) and line height the text was measured at: the browser draws at these. */
  font: { state: number; edge: number; line: number };
  width: number;
  height: number;
  states: PositionedState[];
  transitions: PositionedTransition[];
}

const charWidth = (c: string, size: number) => (/[\u2E80-\uFFEF]/.test(c) ? size : size * 0.62);
const textWidth = (t: string, size: number) => [...t].reduce((w, c) => w + charWidth(c, size), 0);

/** Breaks a label into lines of at most `max` px, preferring breaks after Chinese punctuation. */
export function wrap(text: string, max: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const c of text) {
    if (line && textWidth(line + c, size) > max) {
      const cut = Math.max(line.lastIndexOf('，'), line.lastIndexOf('、'), line.lastIndexOf('（') - 1);
      if (cut > line.length / 2) {
        lines.push(line.slice(0, cut + 1));
        line = line.slice(cut + 1);
      } else {
        lines.push(line);
        line = '';
      }
    }
    line += c;
  }
  if (line) lines.push(line);
  return lines;
}

const blockSize = (lines: string[], size: number) => ({
  width: Math.ceil(Math.max(0, ...lines.map((l) => textWidth(l, size)))),
  height: Math.ceil(lines.length * size * LINE),
});

/** A state's period in words: statutory (10工作日), local policy with its default (1小时（本地策略）), or set in the procedure. */
function deadlineNote(d: NonNullable<ReturnType<typeof machineGraph>['states'][number]['deadline']>): string {
  const rule = RULE_LABELS[d.rule].split('（')[0];
  const period =
    typeof d.n === 'number'
      ? `${d.n}${rule}`
      : 'policy' in d.n
        ? `${String(DEFAULT_POLICY[d.n.policy])}${rule}（本地策略）`
        : `${rule}数由决定设定`;
  return `${period} · ${basisText(d.basis)}`;
}

// The bundle is CommonJS: its module.exports is the constructor (the typings declare it as `default`).
const elk = new (elkBundled as unknown as new () => ElkApi)();
const cache = new Map<string, Promise<StatechartLayout>>();

/** The laid-out statechart of one procedure kind, as procedures of `edition` (and of `variant`, if given) run it. */
export function statechartLayout(def: ProcedureDefinition, edition = CURRENT_EDITION, variant?: string): Promise<StatechartLayout> {
  const key = `${def.kind}:${edition}:${variant ?? ''}`;
  let layout = cache.get(key);
  if (!layout) {
    layout = computeLayout(def, edition, variant);
    cache.set(key, layout);
    layout.catch(() => cache.delete(key));
  }
  return layout;
}

async function computeLayout(def: ProcedureDefinition, edition: number, variant: string | undefined): Promise<StatechartLayout> {
  const graph = machineGraph(def, edition, variant);
  const info = new Map<string, { lines: string[]; noteLines: string[] }>();
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
    children: [],
    edges: [],
  };
  const compound = new Set(graph.states.filter((s) => s.parent).map((s) => s.parent!));
  for (const s of graph.states) {
    const lines = wrap(s.label, 168, STATE_FONT);
    const noteLines = s.deadline ? wrap(deadlineNote(s.deadline), 168, EDGE_FONT) : [];
    info.set(s.path, { lines, noteLines });
    const title = blockSize(lines, STATE_FONT);
    const note = blockSize(noteLines, EDGE_FONT);
    const node: ElkNode = compound.has(s.path)
      ? {
          id: s.path,
          children: [],
          layoutOptions: {
            'elk.padding': `[top=${title.height + note.height + PAD * 2},left=${PAD * 1.5},bottom=${PAD * 1.5},right=${PAD * 1.5}]`,
            // The regions of a parallel state side by side, with no edges between them.
            ...(s.type === 'parallel' ? { 'elk.direction': 'DOWN' } : {}),
            'elk.nodeSize.minimum': `(${Math.max(title.width, note.width) + PAD * 3},${title.height + note.height + PAD * 4})`,
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          },
        }
      : { id: s.path, width: Math.max(title.width, note.width) + PAD * 2, height: title.height + note.height + PAD * 2 };
    nodes.set(s.path, node);
    (s.parent ? nodes.get(s.parent)! : root).children!.push(node);
  }
  const transitions: PositionedTransition[] = [];
  const seen = new Set<string>();
  graph.transitions.forEach((t, i) => {
    // One arrow per source, target and event: guarded alternatives of one event say the same thing.
    const key = `${t.from}>${t.to}>${t.event}`;
    if (seen.has(key)) return;
    seen.add(key);
    const id = `t${i}`;
    const lines = t.label ? wrap(t.label, 150, EDGE_FONT) : [];
    transitions.push({ id, from: t.from, to: t.to, event: t.event, label: t.label, lines, points: [] });
    const edge: ElkExtendedEdge = {
      id,
      sources: [t.from],
      targets: [t.to],
      labels: lines.length ? [{ id: `${id}-label`, text: t.label, ...blockSize(lines, EDGE_FONT) }] : [],
    };
    root.edges!.push(edge);
  });

  const laid = await elk.layout(root);
  const states: PositionedState[] = [];
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const s = graph.states.find((x) => x.path === c.id)!;
      states.push({
        path: s.path,
        label: s.label,
        type: s.type,
        ...(s.parent ? { parent: s.parent } : {}),
        ...(s.deadline ? { note: deadlineNote(s.deadline) } : {}),
        x: c.x!,
        y: c.y!,
        width: c.width!,
        height: c.height!,
        ...info.get(s.path)!,
      });
      collect(c);
    }
  };
  collect(laid);
  const edges = new Map((laid.edges ?? []).map((e: ElkExtendedEdge) => [e.id, e]));
  for (const t of transitions) {
    const e = edges.get(t.id)!;
    const section = e.sections?.[0];
    if (section) t.points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y }));
    const l = e.labels?.[0];
    if (l) t.labelBox = { x: l.x!, y: l.y!, width: l.width!, height: l.height! };
  }
  return {
    font: { state: STATE_FONT, edge: EDGE_FONT, line: LINE },
    width: Math.ceil(laid.width!),
    height: Math.ceil(laid.height!),
    states,
    transitions,
  };
}
