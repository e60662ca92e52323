/**
 * The embedded runtime as the bench drives it: its own DynamoDB Local (in memory) behind a
 * recording pipe, a manual clock, counters on every AWS request the application makes (edge
 * taps) and on the Step Functions emulator's own store requests, and a watch on every Lambda
 * call. A workflow driver pushes items (packets, requests) through it; this module runs levels
 * (closed loop at a concurrency) and the one counted item.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { Clock } from '../infra/local/clock';
import { startDynamoDbLocal, type DynamoDbLocal } from '../infra/local/dynamodb';
import { parseFaultPlan, type FaultPlan } from '../infra/local/faults';
import { startLocalRuntime, localNames, type LocalRuntime } from '../infra/local/runtime';
import { SfnStore } from '../infra/local/stepfunctions/store';
import type { FunctionName } from '../infra/manifest';
import { countRequests, delta, isAccountCheck, perUnit, sourceOf, type RequestCounts, type WireRequest } from './dynamo';
import { LambdaWatch, sleep } from './observe';
import { RecordingPipe } from './recorder';
import { Timeline, type TimeSplit } from './timeline';
import { pool, summarize, type Summary } from '../drive/stats';
import { compilerShare, cpuBetween, processCpu, type ProcessCpu } from './stats';

export const STAGE = 'bench';

/** The soak's default faults: 10 % of CMS transmissions fail, 5 % of the application's DynamoDB requests are throttled. */
export const SOAK_FAULTS: FaultPlan = { seed: 8, cms: 0.1, services: { dynamodb: { throttle: 0.05 } } };

/**
 * `BENCH_FAULTS`: faults injected while the levels run (never in the counted item or the
 * ceilings): `soak` for the soak's defaults, or a fault plan as JSON (`PUT /_local/faults`'s).
 * Each level then runs twice in the same run, without faults and then with them, so the
 * report sets the two throughputs (and their saturation ratios) side by side.
 */
export function benchFaults(value = process.env['BENCH_FAULTS']): FaultPlan | undefined {
  if (!value) return undefined;
  return value === 'soak' ? SOAK_FAULTS : parseFaultPlan(JSON.parse(value));
}

/** One workflow as the bench drives it (see arrests.ts, access.ts). */
export interface WorkflowDriver<Step extends string = string> {
  readonly workflow: 'arrest' | 'access';
  /** What one item is called: packet, request. */
  readonly unit: string;
  /** Step → label, in table order. */
  readonly steps: Readonly<Record<Step, string>>;
  /** The steps summed into "automated" (human waits excluded). */
  readonly automated: readonly Step[];
  init(): Promise<void>;
  /** One item through its automated path, human steps decided by the bench; returns its id. */
  one(tag: string): Promise<string>;
  /** Per-step latencies (ms) of an item `one` finished. */
  latencies(id: string): Record<Step, number>;
  /** Drives an item `one` finished to the end of its life (adjudication; first login and the 24-hour Wait). */
  finish(id: string): Promise<void>;
  /** The item's execution ARN (for history), once started. */
  executionArn(id: string): string;
  /** Status changes of an item, read from its timeline on the API (after the counted run). */
  statusChanges(id: string): Promise<string[]>;
  /** Human tasks the item's path opens and decides (for the minimum). */
  readonly humanTasks: number;
  /** Status of items on the API, counted (not timed). */
  statuses(ids: readonly string[]): Promise<Record<string, number>>;
  /** Ids of every item started so far. */
  ids(): string[];
  /** Forgets an item's marks (memory runs). */
  forget(id: string): void;
}

export interface Counters {
  readonly app: Map<string, number>;
  readonly emulator: Map<string, number>;
  readonly services: Map<string, number>;
  readonly lambda: Map<FunctionName, number>;
}

export interface LevelResult {
  readonly workflow: string;
  /** Whether `BENCH_FAULTS`' faults were injected while it ran. */
  readonly faults: boolean;
  readonly concurrency: number;
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly latencyMs: Record<string, Summary>;
  readonly lambdaInvocationsPerItem: Record<string, number>;
  readonly dynamoPerItem: { readonly application: RequestCounts; readonly emulator: RequestCounts };
  /**
   * Where the time went: the share of the level's wall-clock that this process's event loop was
   * busy (the runtime's one thread, with the driver), and DynamoDB Local's CPU (all its threads,
   * from /proc) per item and as a share of one core, with the share its JIT compiler threads took.
   * A loop near 100 % is the runtime's limit; a loop well below it, with DynamoDB Local below its
   * own, means items wait on something else.
   */
  readonly busy: { readonly eventLoop: number; readonly dynamoCpuMsPerItem?: number; readonly dynamoCores?: number; readonly dynamoCompilerShare?: number };
  /** At concurrency 1 (items one after another), where an item's wall time went (timeline.ts). */
  readonly timeSplit?: TimeSplit;
}

export interface CountedRun {
  readonly workflow: string;
  readonly id: string;
  /** Requests of the automated path (what a level item does), then of the rest of its life. */
  readonly path: { readonly application: RequestCounts; readonly emulator: RequestCounts; readonly services: Record<string, number>; readonly lambda: Record<string, number> };
  readonly fullLife: { readonly application: RequestCounts; readonly emulator: RequestCounts; readonly services: Record<string, number>; readonly lambda: Record<string, number> };
  /**
   * The pipe's recording: the automated path (replayed for the storage ceiling; `all` in the
   * order sent), and the rest of the life (for the capacity units of the whole life).
   */
  readonly recorded: { readonly path: Recorded; readonly rest: Recorded };
  /** The pipe saw the same application requests the edge taps counted. */
  readonly crossCheck: { readonly tapApplication: number; readonly pipeApplication: number; readonly storeEmulator: number; readonly pipeEmulator: number };
  /** Of the application's requests over the whole life, the token routes' account checks: one GetItem per person's API call (dynamo.ts isAccountCheck). */
  readonly accountChecks: number;
  readonly transitions: { readonly path: number; readonly fullLife: number; readonly states: string[]; readonly status: string };
  readonly statusChanges: string[];
  readonly humanTasks: number;
  readonly lambdaMs: Record<string, number>;
}

export interface Recorded {
  readonly application: WireRequest[];
  readonly emulator: WireRequest[];
  readonly all: WireRequest[];
}

export class BenchRuntime {
  readonly counters: Counters = { app: new Map(), emulator: SfnStore.requests, services: new Map(), lambda: new Map() };
  readonly watch: LambdaWatch;
  readonly sfn: SFNClient;

  private constructor(
    readonly runtime: LocalRuntime,
    readonly dynamo: Pick<DynamoDbLocal, 'port' | 'stop'>,
    readonly pipe: RecordingPipe,
    readonly stage: string,
  ) {
    this.counters = { ...this.counters, lambda: runtime.lambda.invocations };
    runtime.edge.taps.push((request) => {
      const key = `${request.service} ${request.service === 'ses' ? 'SendEmail' : request.operation}`;
      this.counters.services.set(key, (this.counters.services.get(key) ?? 0) + 1);
      if (request.service === 'dynamodb') this.counters.app.set(request.operation, (this.counters.app.get(request.operation) ?? 0) + 1);
      return undefined;
    });
    this.watch = new LambdaWatch(runtime.lambda);
    this.sfn = new SFNClient({ endpoint: runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  }

  /**
   * @param options.dynamoPort a DynamoDB Local already running (a test suite's), instead of one
   *   of its own; `stopDynamo` then leaves it running. `stage` keeps its tables apart. @default STAGE
   */
  static async start(options: { readonly dynamoPort?: number; readonly stage?: string; readonly faults?: FaultPlan } = { faults: benchFaults() }): Promise<BenchRuntime> {
    const stage = options.stage ?? STAGE;
    const dynamo = options.dynamoPort ? { port: options.dynamoPort, stop: async () => undefined } : await startDynamoDbLocal();
    const pipe = new RecordingPipe(dynamo.port);
    await pipe.start();
    const runtime = await startLocalRuntime({ stage, edgePort: 0, apiPort: 0, sesPort: 0, cmsPort: 0, dynamoEndpoint: `http://127.0.0.1:${dynamo.port}`, dynamoAgent: pipe.agent,
      // Under faults, Retry back-offs (seconds to minutes) pass at once, as in the soak; no Wait or human deadline is that short.
      clock: new Clock({ mode: 'manual', autoAdvanceMs: options.faults ? 5 * 60_000 : 0 }),
      // The pending-task monitor runs on a schedule, not per item: it would be counted as an item's requests.
      schedules: false,
    });
    const bench = new BenchRuntime(runtime, dynamo, pipe, stage);
    bench.faults = options.faults;
    if (bench.faults) console.log(`Faults while the levels run (BENCH_FAULTS): ${JSON.stringify(bench.faults)}`);
    return bench;
  }

  /** Faults injected while levels run (`BENCH_FAULTS`). */
  faults?: FaultPlan;

  get emulatorTable(): string {
    return localNames(this.stage).sfnTable;
  }

  snapshot(): Counters {
    return { app: new Map(this.counters.app), emulator: new Map(this.counters.emulator), services: new Map(this.counters.services), lambda: new Map(this.counters.lambda) };
  }

  /** Waits until no Lambda call and no DynamoDB request has happened for `quietMs` and EventBridge is idle. */
  async quiesce(quietMs = 300, timeoutMs = 60_000): Promise<void> {
    const total = (): number => [...this.counters.app.values(), ...this.counters.emulator.values(), ...this.counters.lambda.values()].reduce((s, x) => s + x, 0);
    const deadline = Date.now() + timeoutMs;
    let last = total();
    let since = Date.now();
    while (Date.now() < deadline) {
      await this.runtime.eventBridge.idle();
      await sleep(50);
      const now = total();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return;
    }
    throw new Error('the runtime never went quiet');
  }

  /** Empties the SES mailbox (mail is kept in this process's memory). */
  async clearMailbox(): Promise<void> {
    await (await fetch(`${this.runtime.endpoints.mailbox}/clear-store`, { method: 'POST', headers: { 'X-Ciss-Local-Secret': this.runtime.localSecret } })).arrayBuffer();
  }

  /**
   * Runs `items` items at `concurrency` (closed loop) and summarizes their marks and counts;
   * `onDone` hears each item finish. With `faults`, the faults of `BENCH_FAULTS` are injected
   * while it runs (none when it is unset).
   */
  async level<S extends string>(driver: WorkflowDriver<S>, tag: string, concurrency: number, items: number, onDone?: (done: number) => void, faults = true): Promise<LevelResult> {
    const before = this.snapshot();
    const ids: string[] = [];
    const loop = performance.eventLoopUtilization();
    const dynamoCpu = this.dynamoCpuMs();
    const timeline = concurrency === 1 ? new Timeline(this.pipe.agent, this.watch) : undefined;
    timeline?.start();
    let timeSplit: TimeSplit | undefined;
    const start = performance.now();
    const injected = faults ? this.faults : undefined;
    if (injected) this.runtime.faults.set(injected);
    try {
      await pool(items, concurrency, async (i) => {
        ids.push(await driver.one(`${tag}${String(i).padStart(4, '0')}`));
        onDone?.(ids.length);
      });
    } finally {
      if (injected) this.runtime.faults.set({});
      timeSplit = timeline?.stop(items);
    }
    const seconds = (performance.now() - start) / 1000;
    const eventLoop = performance.eventLoopUtilization(loop).utilization;
    const dynamoMs = cpuBetween(dynamoCpu, this.dynamoCpuMs());
    const after = this.snapshot();
    const per: Record<string, number[]> = {};
    for (const id of ids) {
      const l = driver.latencies(id);
      for (const [k, v] of Object.entries(l) as [string, number][]) (per[k] ??= []).push(v);
      (per['automated'] ??= []).push(driver.automated.reduce((s, k) => s + (l[k] ?? 0), 0));
    }
    const lambda: Record<string, number> = {};
    for (const [name, n] of delta(after.lambda, before.lambda)) lambda[name] = Math.round((n / items) * 100) / 100;
    return {
      workflow: driver.workflow,
      faults: injected !== undefined,
      concurrency,
      items,
      seconds,
      itemsPerSecond: items / seconds,
      latencyMs: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, summarize(v)])),
      lambdaInvocationsPerItem: lambda,
      dynamoPerItem: { application: perUnit(countRequests(delta(after.app, before.app)), items), emulator: perUnit(countRequests(delta(after.emulator, before.emulator)), items) },
      busy: { eventLoop, ...(dynamoMs ? { dynamoCpuMsPerItem: dynamoMs.totalMs / items, dynamoCores: dynamoMs.totalMs / 1000 / seconds, dynamoCompilerShare: compilerShare(dynamoMs) } : {}) },
      ...(timeSplit ? { timeSplit } : {}),
    };
  }

  /**
   * One item alone, counted: its automated path recorded by the pipe and counted by the taps
   * and the store, then the rest of its life counted; then (no longer counting) its history.
   */
  async counted<S extends string>(driver: WorkflowDriver<S>, tag: string): Promise<CountedRun> {
    await this.quiesce();
    const t0 = this.snapshot();
    this.pipe.record();
    this.watch.timing = true;
    const id = await driver.one(tag);
    await this.quiesce();
    const wirePath = this.pipe.stop();
    const t1 = this.snapshot();
    this.pipe.record();
    await driver.finish(id);
    await this.quiesce();
    this.watch.timing = false;
    const wireRest = this.pipe.stop();
    const t2 = this.snapshot();

    const part = (a: Counters, b: Counters) => ({
      application: countRequests(delta(b.app, a.app)),
      emulator: countRequests(delta(b.emulator, a.emulator)),
      services: Object.fromEntries(delta(b.services, a.services)),
      lambda: Object.fromEntries(delta(b.lambda, a.lambda)),
    });
    const path = part(t0, t1);
    const fullLife = part(t0, t2);
    const split = (wire: WireRequest[]): Recorded => {
      const out: Recorded = { application: [], emulator: [], all: wire.filter((r) => r.operation) };
      for (const r of out.all) out[sourceOf(r.body, this.emulatorTable)].push(r);
      return out;
    };
    const recorded = { path: split(wirePath), rest: split(wireRest) };

    const executionArn = driver.executionArn(id);
    const events = await this.history(executionArn);
    const entered = events.filter((e) => e.type?.endsWith('StateEntered'));
    const describe = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const pathEntered = entered.length - this.enteredAfterPath(driver.workflow, entered);
    const lambdaMs: Record<string, number> = {};
    for (const [name, ms] of this.watch.durations) lambdaMs[name] = summarize(ms).p50;
    this.watch.durations.clear();
    return {
      workflow: driver.workflow,
      id,
      path,
      fullLife,
      recorded,
      accountChecks: [...recorded.path.application, ...recorded.rest.application].filter(isAccountCheck).length,
      crossCheck: {
        tapApplication: path.application.total,
        pipeApplication: recorded.path.application.length,
        storeEmulator: path.emulator.total,
        pipeEmulator: recorded.path.emulator.length,
      },
      transitions: { path: pathEntered, fullLife: entered.length, states: entered.map((e) => e.stateEnteredEventDetails?.name ?? '?'), status: describe.status ?? '?' },
      statusChanges: await driver.statusChanges(id),
      humanTasks: driver.humanTasks,
      lambdaMs,
    };
  }

  /** States entered after the automated path's end (AwaitAdjudication parked; the 24-hour Wait entered). */
  private enteredAfterPath(workflow: string, entered: HistoryEvent[]): number {
    const last = workflow === 'arrest' ? 'AwaitAdjudication' : 'WaitForTemporaryPasswordExpiry';
    const at = entered.findIndex((e) => e.stateEnteredEventDetails?.name === last);
    return at < 0 ? 0 : entered.length - at - 1;
  }

  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(out.events ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return events;
  }

  /** DynamoDB Local's process id, looked for in /proc by its command line and port once (null: not found). */
  private dynamoPidFound?: string | null;

  private dynamoPid(): string | undefined {
    if (this.dynamoPidFound === undefined) this.dynamoPidFound = this.findDynamoPid() ?? null;
    return this.dynamoPidFound ?? undefined;
  }

  private findDynamoPid(): string | undefined {
    try {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        let cmd: string;
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmd.includes('DynamoDBLocal') && cmd.split('\0').includes(String(this.dynamo.port))) return pid;
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** DynamoDB Local's resident memory (kB), from /proc, if its process can be found. */
  dynamoRssKb(): number | undefined {
    const pid = this.dynamoPid();
    try {
      const rss = pid ? /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : undefined;
      return rss ? Number(rss) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * DynamoDB Local's CPU so far (user + system, ms), from /proc, if its process can be found: all
   * its threads, and of them the JIT's compiler threads.
   */
  dynamoCpuMs(): ProcessCpu | undefined {
    const pid = this.dynamoPid();
    if (!pid) return undefined;
    try {
      return processCpu(
        readFileSync(`/proc/${pid}/stat`, 'utf8'),
        readdirSync(`/proc/${pid}/task`).map((tid) => ({ name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), stat: readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8') })),
      );
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.watch.restore();
    this.sfn.destroy();
    await this.runtime.stop();
    await this.pipe.close();
  }

  async stopDynamo(): Promise<void> {
    await this.dynamo.stop();
  }
}
