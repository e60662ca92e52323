import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';

/**
 * A state machine as a picture: the ASL's states and transitions laid out by dagre, with the
 * path an execution took marked on it. Pure (no DOM), so the browser bundle draws it and unit
 * tests check it.
 */

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'start' | 'end';

export interface GraphNode {
  /** `state:<name>`, or `start` / `end` for the two markers. */
  readonly id: string;
  readonly label: string;
  /** The ASL state type, or `Start` / `End`. */
  readonly type: string;
  /** Centre, as dagre gives it. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly visited: boolean;
  /** The state the execution is in now. */
  readonly current: boolean;
  /** The state it failed in. */
  readonly failed: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Several ASL transitions between the same two states are one edge (the first kind wins). */
  readonly label?: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly taken: boolean;
}

export interface StateGraph {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export interface Highlight {
  /** States in the order they were entered. */
  readonly path: readonly string[];
  /** The state the execution is in, or failed in. */
  readonly current?: string;
  /** True when `current` is where it failed (FAILED, TIMED_OUT, ABORTED). */
  readonly failed?: boolean;
  /** True when the execution ended successfully (the edge to End is then taken). */
  readonly succeeded?: boolean;
}

interface AslState {
  readonly Type?: unknown;
  readonly Next?: unknown;
  readonly End?: unknown;
  readonly Default?: unknown;
  readonly Choices?: unknown;
  readonly Catch?: unknown;
}

const NODE_HEIGHT = 36;
/** An estimate of the label's width (the layout runs without fonts, e.g. in tests). */
const CHAR_WIDTH = 7.4;

export const stateId = (name: string): string => `state:${name}`;

function parse(definition: string): { startAt: string; states: Record<string, AslState> } {
  let asl: unknown;
  try {
    asl = JSON.parse(definition);
  } catch {
    throw new Error('The state machine definition is not valid JSON');
  }
  const a = asl as { StartAt?: unknown; States?: unknown } | null;
  if (typeof a?.StartAt !== 'string' || typeof a.States !== 'object' || a.States === null) throw new Error('The state machine definition has no StartAt or States');
  return { startAt: a.StartAt, states: a.States as Record<string, AslState> };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): readonly Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/** The transitions out of one state, in ASL order. */
function transitions(state: AslState): { to: string; kind: EdgeKind; label?: string }[] {
  const out: { to: string; kind: EdgeKind; label?: string }[] = [];
  for (const choice of list(state.Choices)) {
    const to = str(choice['Next']);
    if (to) out.push({ to: stateId(to), kind: 'choice' });
  }
  const fallback = str(state.Default);
  if (fallback) out.push({ to: stateId(fallback), kind: 'default', label: 'default' });
  const next = str(state.Next);
  if (next) out.push({ to: stateId(next), kind: 'next' });
  for (const c of list(state.Catch)) {
    const to = str(c['Next']);
    const errors = Array.isArray(c['ErrorEquals']) ? (c['ErrorEquals'] as unknown[]).map(String).join(', ') : undefined;
    if (to) out.push({ to: stateId(to), kind: 'catch', label: errors ? `catch ${errors}` : 'catch' });
  }
  if (state.End === true) out.push({ to: 'end', kind: 'end' });
  return out;
}

/** Lays out the machine top to bottom and marks what the execution did. */
export function layoutStateMachine(definition: string, highlight: Highlight = { path: [] }): StateGraph {
  const { startAt, states } = parse(definition);
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 44, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));

  const visited = new Set(highlight.path);
  const taken = new Set<string>();
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  if (highlight.path[0] !== undefined) taken.add(key('start', stateId(highlight.path[0])));
  for (let i = 1; i < highlight.path.length; i++) taken.add(key(stateId(highlight.path[i - 1] ?? ''), stateId(highlight.path[i] ?? '')));
  const last = highlight.path.at(-1);
  if (highlight.succeeded && last !== undefined) taken.add(key(stateId(last), 'end'));

  const meta = new Map<string, Omit<GraphNode, 'x' | 'y'>>();
  const addNode = (id: string, label: string, type: string, width: number, height: number) => {
    const name = id.startsWith('state:') ? id.slice('state:'.length) : undefined;
    const current = name !== undefined && name === highlight.current;
    meta.set(id, { id, label, type, width, height, visited: name !== undefined && visited.has(name), current: current && !highlight.failed, failed: current && highlight.failed === true });
    g.setNode(id, { width, height });
  };

  addNode('start', 'Start', 'Start', 56, 26);
  for (const [name, state] of Object.entries(states)) {
    addNode(stateId(name), name, str(state.Type) ?? 'Unknown', Math.max(96, Math.round(name.length * CHAR_WIDTH + 28)), NODE_HEIGHT);
  }
  const edges = new Map<string, { from: string; to: string; kind: EdgeKind; label?: string }>();
  const addEdge = (from: string, to: string, kind: EdgeKind, label?: string) => {
    if (!meta.has(to)) return; // a Next to a state that does not exist: asl-validator's business, not the picture's
    const k = key(from, to);
    if (edges.has(k)) return;
    edges.set(k, { from, to, kind, label });
  };
  addEdge('start', stateId(startAt), 'start');
  const ends = Object.values(states).some((s) => s.End === true);
  if (ends) addNode('end', 'End', 'End', 56, 26);
  for (const [name, state] of Object.entries(states)) for (const t of transitions(state)) addEdge(stateId(name), t.to, t.kind, t.label);
  for (const e of edges.values()) g.setEdge(e.from, e.to, { weight: e.kind === 'catch' ? 1 : 4 });

  dagre.layout(g);

  const nodes = [...meta.values()].map((m) => {
    const laid = g.node(m.id);
    return { ...m, x: laid.x ?? 0, y: laid.y ?? 0 };
  });
  const out = [...edges.values()].map((e) => ({ ...e, points: (g.edge(e.from, e.to).points ?? []).map((p) => ({ x: p.x, y: p.y })), taken: taken.has(key(e.from, e.to)) }));
  const label = g.graph();
  return { width: label.width ?? 0, height: label.height ?? 0, nodes, edges: out };
}
