import { useMemo, useState } from 'preact/hooks';
import { isRedrivable, type ExecutionDetail } from '../../../functions/ops/contract';
import { layoutStateMachine, type GraphEdge, type GraphNode } from './ops-graph-layout';

/** Each node's mark, for the styles and for whoever reads the page with a script (tests). */
function mark(n: GraphNode): string {
  if (n.failed) return 'failed';
  if (n.current) return 'current';
  return n.visited ? 'visited' : 'unvisited';
}

function Node(props: { readonly n: GraphNode }) {
  const { n } = props;
  const terminal = n.type === 'Start' || n.type === 'End';
  return (
    <g class={`node type-${n.type.toLowerCase()} ${mark(n)}`} data-state={n.id.startsWith('state:') ? n.label : undefined} data-mark={mark(n)}>
      <title>{terminal ? n.label : `${n.label} (${n.type})${n.failed ? ': failed here' : n.current ? ': here now' : ''}`}</title>
      {terminal ? <ellipse cx={n.x} cy={n.y} rx={n.width / 2} ry={n.height / 2} /> : <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={n.type === 'Choice' ? 18 : 5} />}
      <text x={n.x} y={n.y} text-anchor="middle" dominant-baseline="central">
        {n.label}
      </text>
    </g>
  );
}

function Edge(props: { readonly e: GraphEdge }) {
  const { e } = props;
  const [first, ...rest] = e.points;
  const d = first ? `M${first.x},${first.y}${rest.map((p) => ` L${p.x},${p.y}`).join('')}` : '';
  return (
    <path d={d} class={`edge ${e.kind}${e.taken ? ' taken' : ''}`} marker-end={e.taken ? 'url(#arrow-taken)' : 'url(#arrow)'}>
      {e.label ? <title>{e.label}</title> : null}
    </path>
  );
}

const Marker = (props: { readonly id: string }) => (
  <marker id={props.id} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
    <path d="M0,0 L10,5 L0,10 z" />
  </marker>
);

/**
 * The machine drawn from the execution's own definition (dagre lays it out, ops-graph-layout.ts):
 * states visited shaded, the way taken in bold, the current state outlined, the failed one red,
 * Catch transitions dashed. Large machines shrink to the page's width; "Actual size" shows them
 * at full scale, scrolled.
 */
export function StateMachineGraph(props: { readonly detail: ExecutionDetail }) {
  const { detail } = props;
  const [fit, setFit] = useState(true);
  // Ended short of its end: the state it was in is where it failed.
  const graph = useMemo(
    () => layoutStateMachine(detail.definition, { path: detail.path, current: detail.currentState, failed: isRedrivable(detail.status), succeeded: detail.status === 'SUCCEEDED' }),
    [detail.definition, detail.path, detail.currentState, detail.status],
  );
  return (
    <figure class="graph-box">
      <div class={`graph-scroll${fit ? ' fit' : ''}`} role="region" aria-label="State machine graph" tabIndex={0}>
        <svg class="graph" viewBox={`0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`} width={Math.ceil(graph.width)} role="img" aria-label={`State machine ${detail.machine}`}>
          <defs>
            <Marker id="arrow" />
            <Marker id="arrow-taken" />
          </defs>
          <g class="edges">
            {graph.edges.map((e) => (
              <Edge key={`${e.from}>${e.to}`} e={e} />
            ))}
          </g>
          <g class="nodes">
            {graph.nodes.map((n) => (
              <Node key={n.id} n={n} />
            ))}
          </g>
        </svg>
      </div>
      <figcaption class="legend">
        <span class="key visited">visited</span>
        <span class="key current">here now</span>
        <span class="key failed">failed here</span>
        <span class="key catch">catch (dashed)</span>
        <button type="button" aria-pressed={!fit} onClick={() => setFit((f) => !f)}>
          {fit ? 'Actual size' : 'Fit to width'}
        </button>
      </figcaption>
    </figure>
  );
}
