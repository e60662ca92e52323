import { isRedrivable, type ExecutionDetail } from '../../../../functions/ops/contract';
import { layoutStateMachine, type GraphEdge, type GraphNode } from '../graph';
import { h, s } from './dom';


/** Each node's mark, for the styles and for whoever reads the page with a script (tests). */
function mark(n: GraphNode): string {
  if (n.failed) return 'failed';
  if (n.current) return 'current';
  return n.visited ? 'visited' : 'unvisited';
}

function nodeShape(n: GraphNode): SVGElement {
  const x = n.x - n.width / 2;
  const y = n.y - n.height / 2;
  const title = s('title', {}, n.type === 'Start' || n.type === 'End' ? n.label : `${n.label} (${n.type})${n.failed ? ': failed here' : n.current ? ': here now' : ''}`);
  const shape =
    n.type === 'Start' || n.type === 'End'
      ? s('ellipse', { cx: n.x, cy: n.y, rx: n.width / 2, ry: n.height / 2 })
      : s('rect', { x, y, width: n.width, height: n.height, rx: n.type === 'Choice' ? 18 : 5 });
  const label = s('text', { x: n.x, y: n.y, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, n.label);
  return s(
    'g',
    { class: `node type-${n.type.toLowerCase()} ${mark(n)}`, 'data-state': n.id.startsWith('state:') ? n.label : undefined, 'data-mark': mark(n) },
    title,
    shape,
    label,
  );
}

function edgeShape(e: GraphEdge): SVGElement {
  const [first, ...rest] = e.points;
  const d = first ? `M${first.x},${first.y}${rest.map((p) => ` L${p.x},${p.y}`).join('')}` : '';
  return s('path', { d, class: `edge ${e.kind}${e.taken ? ' taken' : ''}`, 'marker-end': e.taken ? 'url(#arrow-taken)' : 'url(#arrow)' }, e.label ? s('title', {}, e.label) : null);
}

/**
 * The machine drawn from the execution's own definition: states visited shaded, the way taken
 * in bold, the current state outlined, the failed one red. Catch transitions are dashed.
 */
export function stateMachineGraph(detail: ExecutionDetail): HTMLElement {
  // Ended short of its end: the state it was in is where it failed.
  const failed = isRedrivable(detail.status);
  const graph = layoutStateMachine(detail.definition, { path: detail.path, current: detail.currentState, failed, succeeded: detail.status === 'SUCCEEDED' });
  const marker = (id: string) => s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z' }));
  const svg = s(
    'svg',
    { class: 'graph', viewBox: `0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`, width: Math.ceil(graph.width), role: 'img', 'aria-label': `State machine ${detail.machine}` },
    s('defs', {}, marker('arrow'), marker('arrow-taken')),
    s('g', { class: 'edges' }, ...graph.edges.map(edgeShape)),
    s('g', { class: 'nodes' }, ...graph.nodes.map(nodeShape)),
  );
  const legend = h(
    'p',
    { class: 'legend' },
    h('span', { class: 'key visited' }, 'visited'),
    h('span', { class: 'key current' }, 'here now'),
    h('span', { class: 'key failed' }, 'failed here'),
    h('span', { class: 'key catch' }, 'catch (dashed)'),
  );
  // Large machines shrink to the page's width; "actual size" shows them at full scale, scrolled.
  const scroller = h('div', { class: 'graph-scroll fit' }, svg);
  const toggle = h(
    'button',
    {
      attrs: { type: 'button', 'aria-pressed': 'false' },
      on: {
        click: () => {
          const fit = scroller.classList.toggle('fit');
          toggle.setAttribute('aria-pressed', String(!fit));
          toggle.textContent = fit ? 'Actual size' : 'Fit to width';
        },
      },
    },
    'Actual size',
  );
  legend.append(toggle);
  return h('figure', { class: 'graph-box' }, scroller, legend);
}
