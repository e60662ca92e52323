/**
 * Where an item's wall time goes when items run one at a time (concurrency 1): how long a
 * DynamoDB Local request was in flight, how long a Lambda handler ran with none in flight, and
 * the rest (the local Step Functions engine, the API, the edge, the drivers). At concurrency 1
 * nothing overlaps but the background (EventBridge deliveries), so each is a share of the wall.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
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
  /** A Lambda handler running and no DynamoDB request in flight: the handlers' own work (SDK included). */
  readonly handlers: number;
  /** Neither: the engine, the API, the edge outside handlers, the drivers, waits. */
  readonly rest: number;
  /**
   * Each function's part of `handlers`: its time running with no request in flight, largest
   * first. A function started by an event (EventBridge) may run beside the workflow's, so these
   * can add up to a little more than `handlers`.
   */
  readonly byFunction?: Readonly<Record<string, number>>;
}

/** Splits `wall` ms over `items` items by the storage and handler intervals seen in it (`named`: the handlers' by function). */
export function splitTime(wall: number, items: number, storage: readonly Interval[], handlers: readonly Interval[], named: Readonly<Record<string, readonly Interval[]>> = {}): TimeSplit {
  const inStorage = covered(storage);
  const own = (intervals: readonly Interval[]): number => covered(intervals) - overlap(intervals, storage);
  const handlersOnly = own(handlers);
  const byFunction = Object.fromEntries(
    Object.entries(named)
      .map(([name, intervals]): [string, number] => [name, own(intervals) / items])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
  return { wall: wall / items, storage: inStorage / items, handlers: handlersOnly / items, rest: Math.max(0, wall - inStorage - handlersOnly) / items, ...(Object.keys(named).length ? { byFunction } : {}) };
}

/**
 * Records, between `start` and `stop`, every HTTP request made through `agent` (the runtime's
 * agent for DynamoDB Local), from the request sent to its response's body read (node:http's
 * diagnostics channels), and every Lambda invocation the watch sees. A request that fails is
 * left out.
 */
export class Timeline {
  private readonly storage: Interval[] = [];
  /** The Lambda invocations seen, by function. */
  private readonly named: Record<string, Interval[]> = {};
  private readonly open = new Map<ClientRequest, number>();
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
    this.unlisten = this.watch.listen((inv) => void (this.named[inv.name] ??= []).push([inv.started, inv.ended]));
  }

  /** Stops recording; the split of the time since `start` over `items`. */
  stop(items: number): TimeSplit {
    unsubscribe('http.client.request.start', this.onStart);
    unsubscribe('http.client.response.finish', this.onResponse);
    unsubscribe('http.client.request.error', this.onError);
    this.unlisten?.();
    this.open.clear();
    return splitTime(performance.now() - this.startedAt, items, this.storage, Object.values(this.named).flat(), this.named);
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
    ` + ${ms(split.handlers)} in a Lambda handler with none in flight + ${ms(split.rest)} in neither (the local Step Functions, the API, the edge, the drivers);` +
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

/** The goal's line: the level's share of its storage ceiling at each concurrency, and whether every level meets it. */
export function storageGoalText(levels: readonly { readonly concurrency: number; readonly itemsPerSecond: number; readonly storage?: number }[]): string {
  const shares = levels.map((l) => ({ c: l.concurrency, share: l.storage ? l.itemsPerSecond / l.storage : undefined }));
  const missed = shares.filter((s) => s.share === undefined || s.share < STORAGE_GOAL).map((s) => `c=${s.c}`);
  const each = shares.map((s) => `${s.share === undefined ? '-' : `${(s.share * 100).toFixed(1)} %`} at c=${s.c}`).join(', ');
  return `Goal, ≥ ${STORAGE_GOAL * 100} % of the storage ceiling at every level: ${each}: ${missed.length === 0 ? 'met' : `not met at ${missed.join(', ')} (met at ${levels.length - missed.length} of ${levels.length} levels)`}`;
}
