/**
 * Where an item's wall time goes when items run one at a time (concurrency 1): how long a
 * DynamoDB Local request was in flight, how long a Lambda handler ran with none in flight, and
 * the rest (the local Step Functions engine, the API, the edge, the drivers). At concurrency 1
 * nothing overlaps but the background (EventBridge deliveries), so each is a share of the wall.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { edgeCalls } from '../infra/local/edge-handler';
import type { LambdaWatch } from './observe';

export type Interval = readonly [start: number, end: number];

/** Intervals sorted and merged where they overlap or touch. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Time covered by `intervals`, overlaps once. */
export function covered(intervals: readonly Interval[]): number {
  return merge(intervals).reduce((sum, [start, end]) => sum + (end - start), 0);
}

/** Time covered by both sets. */
export function overlap(a: readonly Interval[], b: readonly Interval[]): number {
  const x = merge(a);
  const y = merge(b);
  let sum = 0;
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    const [xs, xe] = x[i] as Interval;
    const [ys, ye] = y[j] as Interval;
    sum += Math.max(0, Math.min(xe, ye) - Math.max(xs, ys));
    if (xe < ye) i++;
    else j++;
  }
  return sum;
}

/** One item's wall time at concurrency 1, in ms: each part once (they add up to `wall`). */
export interface TimeSplit {
  readonly wall: number;
  /** A DynamoDB Local request in flight (the application's or the emulator store's). */
  readonly storage: number;
  /** A Lambda handler running, no DynamoDB request in flight and no request of its in the edge: the handlers' own work (SDK included). */
  readonly handlers: number;
  /** A handler's request in the edge, in process, with no DynamoDB request in flight: routing, taps, the local KMS, SES and EventBridge. */
  readonly edge: number;
  /** None of those: the engine, the API, the drivers, waits. */
  readonly rest: number;
  /**
   * Each function's part of `handlers`: its time running with no request in flight, largest
   * first. A function started by an event (EventBridge) may run beside the workflow's, so these
   * can add up to a little more than `handlers`.
   */
  readonly byFunction?: Readonly<Record<string, number>>;
}

/** The intervals one level at concurrency 1 saw. */
export interface Seen {
  /** DynamoDB Local requests in flight. */
  readonly storage: readonly Interval[];
  /** Lambda invocations. */
  readonly handlers: readonly Interval[];
  /** The same invocations by function, for the split by function. */
  readonly named?: Readonly<Record<string, readonly Interval[]>>;
  /** A handler's requests the edge answered in process (within the handlers' intervals). */
  readonly edge?: readonly Interval[];
}

/** Splits `wall` ms over `items` items by the intervals seen in it. */
export function splitTime(wall: number, items: number, seen: Seen): TimeSplit {
  const { storage, handlers, named = {}, edge = [] } = seen;
  const inStorage = covered(storage);
  const notOwn = merge([...storage, ...edge]);
  const own = (intervals: readonly Interval[]): number => covered(intervals) - overlap(intervals, notOwn);
  const handlersOnly = own(handlers);
  const inEdge = covered(edge) - overlap(edge, storage);
  const byFunction = Object.fromEntries(
    Object.entries(named)
      .map(([name, intervals]): [string, number] => [name, own(intervals) / items])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
  const rest = Math.max(0, wall - inStorage - handlersOnly - inEdge);
  return { wall: wall / items, storage: inStorage / items, handlers: handlersOnly / items, edge: inEdge / items, rest: rest / items, ...(Object.keys(named).length ? { byFunction } : {}) };
}

/**
 * Records, between `start` and `stop`, every HTTP request made through `agent` (the runtime's
 * agent for DynamoDB Local), from the request sent to its response's body read (node:http's
 * diagnostics channels), every Lambda invocation the watch sees, and every request a handler
 * made that the edge answered in process (its tracing channel). A request that fails is left
 * out of the storage's.
 */
export class Timeline {
  private readonly storage: Interval[] = [];
  /** The Lambda invocations seen, by function. */
  private readonly named: Record<string, Interval[]> = {};
  private readonly open = new Map<ClientRequest, number>();
  /** A handler's requests in the edge, from hand-over to answer. */
  private readonly edge: Interval[] = [];
  private readonly inEdge = new WeakMap<object, number>();
  private readonly edgeTrace = {
    start: (call: object): void => void this.inEdge.set(call, performance.now()),
    end: (): void => undefined,
    asyncStart: (): void => undefined,
    asyncEnd: (call: object): void => {
      const began = this.inEdge.get(call);
      if (began !== undefined) this.edge.push([began, performance.now()]);
    },
    error: (): void => undefined,
  };
  private startedAt = 0;
  private unlisten?: () => void;
  private readonly onStart = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    if ((request as ClientRequest & { agent?: unknown }).agent === this.agent) this.open.set(request, performance.now());
  };
  private readonly onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const began = this.open.get(request);
    if (began === undefined) return;
    this.open.delete(request);
    response.once('end', () => this.storage.push([began, performance.now()]));
  };
  private readonly onError = (message: unknown): void => {
    this.open.delete((message as { request: ClientRequest }).request);
  };

  constructor(
    private readonly agent: Agent,
    private readonly watch: LambdaWatch,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    subscribe('http.client.request.start', this.onStart);
    subscribe('http.client.response.finish', this.onResponse);
    subscribe('http.client.request.error', this.onError);
    edgeCalls.subscribe(this.edgeTrace);
    this.unlisten = this.watch.listen((inv) => void (this.named[inv.name] ??= []).push([inv.started, inv.ended]));
  }

  /** Stops recording; the split of the time since `start` over `items`. */
  stop(items: number): TimeSplit {
    unsubscribe('http.client.request.start', this.onStart);
    unsubscribe('http.client.response.finish', this.onResponse);
    unsubscribe('http.client.request.error', this.onError);
    edgeCalls.unsubscribe(this.edgeTrace);
    this.unlisten?.();
    this.open.clear();
    return splitTime(performance.now() - this.startedAt, items, { storage: this.storage, handlers: Object.values(this.named).flat(), named: this.named, edge: this.edge });
  }
}

/**
 * The split as the bench prints it at concurrency 1, beside the storage ceiling (`ceilingMs`: one
 * item's recorded requests replayed back to back). The last figure estimates what a level would
 * reach of that ceiling if nothing but the handlers' own work ran between requests as fast as
 * the replay's. Not a strict bound: the runtime's requests may overlap, and the replay ran at
 * another moment.
 */
export function timeSplitText(workflow: string, unit: string, split: TimeSplit, ceilingMs: number): string {
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const estimate = (ceilingMs / (ceilingMs + split.handlers)) * 100;
  return (
    `[${workflow}] where a ${unit}'s time went at concurrency 1: ${ms(split.wall)} = ${ms(split.storage)} with a DynamoDB Local request in flight (the same requests back to back: ${ms(ceilingMs)})` +
    ` + ${ms(split.handlers)} in a Lambda handler's own work (none in flight, none of its requests in the edge) + ${ms(split.edge)} in the edge answering a handler's request in process (routing, taps, the local KMS, SES and EventBridge)` +
    ` + ${ms(split.rest)} in none of those (the local Step Functions, the API, the drivers);` +
    ` the replay with only the handlers' own time between its requests would reach ${estimate.toFixed(1)} % of the storage ceiling`
  );
}

/** The handlers' own time at concurrency 1 by function, largest first (undefined when the split has none). */
export function handlerSplitText(workflow: string, unit: string, split: TimeSplit): string | undefined {
  const entries = Object.entries(split.byFunction ?? {});
  if (!entries.length) return undefined;
  return `[${workflow}] the handlers' own time at concurrency 1 (running with no DynamoDB request in flight), ms a ${unit}: ${entries.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`;
}

/** The runtime's goal against the storage ceiling (issue 19): at least this share of it at every level. */
export const STORAGE_GOAL = 0.6;

/** One level as the goal reads it: its rate, its storage ceiling's, and at concurrency 1 the handlers' own time (ms an item). */
export interface GoalLevel {
  readonly concurrency: number;
  readonly itemsPerSecond: number;
  readonly storage?: number;
  readonly handlersMs?: number;
}

/**
 * A level's share of what a runtime that added nothing would reach. At concurrency 1 an item's
 * time is a sum: its requests one after another, the handlers' own work between them (the
 * application's: the same on any back-end), and the runtime's own time. The ideal there is the
 * ceiling's replay plus the handlers' own time, so the share falls only with the runtime's own
 * time. Against the replay alone, the handlers' work by itself can hold a runtime that adds
 * nothing under the goal (the estimate `timeSplitText` prints), and removing an emulator write
 * lowers the share, since the replay shrinks by as much as the item. At higher concurrency the
 * share is the rate's against the replay's: there the handlers' work competes for the same
 * cores as everything else.
 */
export function storageShare(level: GoalLevel): { share: number; replayOnly: number } | undefined {
  if (!level.storage) return undefined;
  const replayOnly = level.itemsPerSecond / level.storage;
  const share = level.handlersMs === undefined ? replayOnly : level.itemsPerSecond * (1 / level.storage + level.handlersMs / 1000);
  return { share, replayOnly };
}

/** The goal's line: the level's share of its storage ceiling at each concurrency, and whether every level meets it. */
export function storageGoalText(levels: readonly GoalLevel[]): string {
  const shares = levels.map((l) => ({ l, s: storageShare(l) }));
  const missed = shares.filter(({ s }) => s === undefined || s.share < STORAGE_GOAL).map(({ l }) => `c=${l.concurrency}`);
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const each = shares
    .map(({ l, s }) => (s === undefined ? `- at c=${l.concurrency}` : l.handlersMs === undefined ? `${pct(s.share)} at c=${l.concurrency}` : `${pct(s.share)} at c=${l.concurrency} (${pct(s.replayOnly)} of the replay alone)`))
    .join(', ');
  const withHandlers = levels.some((l) => l.handlersMs !== undefined) ? ' (at c=1, of the replay plus the handlers\' own time)' : '';
  return `Goal, ≥ ${STORAGE_GOAL * 100} % of the storage ceiling at every level${withHandlers}: ${each}: ${missed.length === 0 ? 'met' : `not met at ${missed.join(', ')} (met at ${levels.length - missed.length} of ${levels.length} levels)`}`;
}
