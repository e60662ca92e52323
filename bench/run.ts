/**
 * `npm run bench`: how fast and how heavy both workflows are on this machine.
 *
 *  1. Items/s and per-step latency of the automated steps on the embedded runtime (its own
 *     DynamoDB Local in memory, free ports, a manual clock), human steps decided by the bench on
 *     the API as soon as their task opens: arrest packets (POST → AVAILABLE) and CCHRS access
 *     requests (POST → TEMPORARY_PASSWORD_ISSUED).
 *  2. Two ceilings at the same concurrency: the engine (the same ASL on aws-local-stepfunctions
 *     with no-op Tasks) and storage (the DynamoDB requests one item made, recorded, replayed
 *     straight at the same DynamoDB Local, just before and just after each level).
 *  3. DynamoDB requests per item, counted: the application's (edge taps) and the local Step
 *     Functions emulator's own store (SfnStore.requests), by operation, next to the minimum.
 *  4. Memory of the embedded runtime per 1,000 executions parked at a human task.
 *  5. Per Lambda function: bundle size and cold start; module load against an empty ESM handler's,
 *     measured the same way in the same run; each beside its goal.
 *  6. State transitions and cost per 1,000 items (Step Functions, Lambda, DynamoDB).
 *
 * A measurement, not a test: nothing is asserted on times. Writes bench/results/<timestamp>.json.
 * Each phase longer than a moment (the levels, memory, bundles, the ceilings) shows a progress
 * line on stderr while it runs (progress.ts); its result is printed on stdout when it ends.
 * Flags: --quick (smaller levels, fewer runs), --only arrest,access,memory,bundles.
 * BENCH_LEVELS="1:15,4:40,16:80" (concurrency:items, the default) overrides the levels;
 * BENCH_MEMORY_ITEMS (default 300, quick 100) the parked executions. BENCH_FAULTS=soak runs each
 * level again with the soak's faults. BENCH_CPU_PROFILE=<dir> writes a CPU profile of each level
 * (bench/profile.ts) and prints its top self-time functions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import { functions, type FunctionName } from '../infra/manifest';
import { AccessDriver } from './access';
import { ArrestDriver } from './arrests';
import { EMPTY_HANDLER, MODULE_LOAD_BUDGETS, MODULE_LOAD_GOAL_MS, MODULE_LOAD_SAMPLES, NEAR_GOAL_MS, NEAR_GOAL_SAMPLES, measureBundles, type BundlesMeasured } from './bundles';
import { CEILING_WORKFLOWS, ceilingMachine, ceilingTransitions, measureCeiling, type CeilingResult } from './ceiling';
import { costPer1000, minimumRequests, PRICES, REQUESTS_GOAL_RATIO, type Cost } from './cost';
import { tablesOf, type RequestCounts } from './dynamo';
import { BenchRuntime, type CountedRun, type LevelResult, type WorkflowDriver } from './embedded';
import { StorageReplay, type Capacity, type ReplayRun, type StorageResult } from './storage';
import { pool } from '../drive/stats';
import { profiled } from './profile';
import { Progress } from './progress';
import { benchSearch, INGEST_SAMPLE, reportSearch } from './search';
import { compilerShare, cpuBetween, parseLevels, saturation, table } from './stats';
import { handlerSplitText, storageGoalText, timeSplitText } from './timeline';
import { trace } from './trace';

type Part = 'arrest' | 'access' | 'memory' | 'bundles';
const PARTS: readonly Part[] = ['arrest', 'access', 'memory', 'bundles'];
/** The unreported burst before each workflow's levels (see where it runs). */
const WARM_ITEMS = 48;
const WARM_CONCURRENCY = 8;
/**
 * DynamoDB Local's JIT warm-up before each workflow's levels: about this many of the recorded
 * item's requests replayed straight at it, a quarter at each concurrency (see where it runs).
 */
const JIT_WARM_REQUESTS = 16_000;
const JIT_WARM_CONCURRENCY = [1, 4, 16, 64] as const;

interface WorkflowResult {
  readonly workflow: 'arrest' | 'access';
  readonly unit: string;
  readonly steps: Readonly<Record<string, string>>;
  readonly counted: Omit<CountedRun, 'recorded'> & { readonly recordedRequests: { readonly path: number; readonly rest: number } };
  readonly levels: LevelResult[];
  /** The same levels again with `BENCH_FAULTS`' faults, each run right after its fault-free twin. */
  readonly faultLevels: LevelResult[];
  readonly statuses: Record<string, number>;
  engine?: { readonly transitions: number; readonly levels: CeilingResult[] };
  storage?: { readonly all: StorageResult[]; readonly application: StorageResult[]; readonly capacity: Capacity };
  cost?: Cost & { readonly transitions: number; readonly lambda: { function: string; invocations: number; durationMs: number; memoryMb: number }[] };
}

const gc = (): void => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

async function main(): Promise<void> {
  const started = performance.now();
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, records: { type: 'string' }, seed: { type: 'string' } } });
  if (positionals[0] === 'search') return searchBench({ quick: values.quick ?? false, records: values.records, seed: values.seed });
  if (positionals[0] === 'trace') return trace();
  if (positionals.length) throw new Error(`npm run bench: unknown part "${positionals.join(' ')}" (the named parts are "search" and "trace": npm run bench -- search)`);
  const only = (values.only ? values.only.split(',') : PARTS) as Part[];
  for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part "${p}" (${PARTS.join(', ')})`);
  const quick = values.quick ?? false;
  const levels = parseLevels(process.env['BENCH_LEVELS'] ?? (quick ? '1:10,8:40' : '1:15,4:40,16:80'));
  const memoryItems = Number(process.env['BENCH_MEMORY_ITEMS'] ?? (quick ? 100 : 300));
  const coldRuns = quick ? 3 : 5;
  const engineExecutions = quick ? 200 : 500;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    /** 1/5/15-minute load averages when the run started (the machine may be shared). */
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  console.log(`ciss-workflows bench — ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverageAtStart.join(' / ')}`);
  console.log(`Parts: ${only.join(', ')}${quick ? ' (quick)' : ''}; levels ${levels.map(([c, n]) => `${c}:${n}`).join(', ')}`);

  console.log('\nStarting the embedded runtime (own DynamoDB Local in memory behind a recording pipe, free ports, manual clock)…');
  const bench = await BenchRuntime.start();
  const results: WorkflowResult[] = [];
  const recordings = new Map<string, CountedRun['recorded']>();
  /** Each workflow's storage ceilings (all requests), measured around its fault-free levels. */
  const storageAround = new Map<string, StorageResult[]>();
  let memory: Awaited<ReturnType<typeof measureMemory>> | undefined;
  let bundles: BundlesMeasured | undefined;
  try {
    for (const wf of (['arrest', 'access'] as const).filter((w) => only.includes(w))) {
      const driver: WorkflowDriver = wf === 'arrest' ? new ArrestDriver(bench) : new AccessDriver(bench);
      await driver.init();
      console.log(`\n[${wf}] warm-up: 2 ${driver.unit}s through their whole life at concurrency 1 (loads the functions; not reported)`);
      for (const i of [0, 1]) await driver.finish(await driver.one(`warm${i}`));
      await bench.quiesce();
      process.stdout.write(`[${wf}] one ${driver.unit} alone, counted and recorded… `);
      const counted = await bench.counted(driver, 'count');
      recordings.set(wf, counted.recorded);
      console.log(`${counted.path.application.total} application + ${counted.path.emulator.total} emulator DynamoDB requests on its automated path`);
      // Both JITs (V8's here, the JVM's in DynamoDB Local) warm on this workflow's traffic before the
      // levels, as the storage ceiling's replay warms before its own: a level measured while
      // DynamoDB Local still compiles pays its compiler's CPU (over a core at the first level),
      // and the ceiling, measured later, does not. The JVM's C2 compiler needs thousands of calls
      // of a method: measured alone, DynamoDB Local's compiler threads took 2.5-3 s of CPU per
      // 5,000 requests until about 13,000 requests of one kind, then next to none. So DynamoDB
      // Local first gets the recorded item's requests replayed at it, at a few concurrencies (a
      // new one made it compile again), then both warm on the workflow's own traffic.
      const copies = Math.ceil(JIT_WARM_REQUESTS / counted.recorded.path.all.length / JIT_WARM_CONCURRENCY.length);
      const schemas = await StorageReplay.schemas(bench.dynamo.port, new Set(counted.recorded.path.all.flatMap((w) => tablesOf(w.body))));
      const jitWarm = new StorageReplay(bench.dynamo.port, counted.recorded.path.all, schemas, `${wf}-jit-`);
      const jitCpu = bench.dynamoCpuMs();
      let jitErrors = 0;
      await phase(`[${wf}] DynamoDB Local's JIT warm-up: the recorded ${driver.unit}'s requests, ${copies} times at each concurrency ${JIT_WARM_CONCURRENCY.join(', ')} (not reported)`, copies * JIT_WARM_CONCURRENCY.length, 'copies', async (tick) => {
        for (const [k, c] of JIT_WARM_CONCURRENCY.entries()) jitErrors += (await jitWarm.level(c, copies, (done) => tick(k * copies + done))).errors;
      });
      jitWarm.close();
      // The storage ceiling of each level is measured around it (see where the levels run).
      const ceilingReplay = new StorageReplay(bench.dynamo.port, counted.recorded.path.all, schemas, `${wf}-all-`);
      const storageAll: StorageResult[] = [];
      const jitSpent = cpuBetween(jitCpu, bench.dynamoCpuMs());
      if (jitSpent) console.log(`[${wf}] DynamoDB Local's JIT warm-up took ${(jitSpent.totalMs / 1000).toFixed(1)} s of its CPU, ${(compilerShare(jitSpent) * 100).toFixed(0)} % in its compiler${jitErrors ? `; ${jitErrors} requests answered other than 200` : ''}`);
      await phase(`[${wf}] warm-up: ${WARM_ITEMS} ${driver.unit}s at concurrency ${WARM_CONCURRENCY} (not reported)`, WARM_ITEMS, `${driver.unit}s`, (tick) => bench.level(driver, 'warm', WARM_CONCURRENCY, WARM_ITEMS, tick, false));
      await bench.quiesce();
      await bench.clearMailbox();
      const levelResults: LevelResult[] = [];
      const faultLevels: LevelResult[] = [];
      const ids: string[] = [];
      for (const [c, n] of levels) {
        for (const faults of bench.faults ? [false, true] : [false]) {
          const label = `[${wf}] ${n} ${driver.unit}s at concurrency ${c}${faults ? ', with faults' : ''}`;
          const before = new Set(driver.ids());
          // A fault-free level's storage ceiling is measured around it: the recorded item's
          // requests replayed straight at DynamoDB Local, n copies just before the level and n
          // just after, as one figure. This machine's speed drifts by half within an hour, and a
          // ceiling measured minutes from its level (after all of them, as before) set the ratio
          // against another machine: c=1's ranged 45-68 % over runs.
          const ceilingLabel = `[${wf}] storage ceiling at concurrency ${c}`;
          const replayed = async (when: string): Promise<{ run: ReplayRun; dynamoMs: number }> => {
            const cpu = bench.dynamoCpuMs();
            const run = await phase(`${ceilingLabel}, ${when} the level`, n, `${driver.unit}s`, (tick) => ceilingReplay.copies(c, n, tick));
            return { run, dynamoMs: cpuBetween(cpu, bench.dynamoCpuMs())?.totalMs ?? 0 };
          };
          const bracket = faults ? undefined : await replayed('before');
          const cpuBefore = process.cpuUsage();
          const r = await profiled(process.env['BENCH_CPU_PROFILE'], `${wf}-c${c}${faults ? '-faults' : ''}`, () => phase(label, n, `${driver.unit}s`, (tick) => bench.level(driver, `c${c}${faults ? 'f' : 'x'}`, c, n, tick, faults)));
          ids.push(...driver.ids().filter((id) => !before.has(id)));
          const retried = driver instanceof ArrestDriver ? driver.retries : 0;
          const cpu = process.cpuUsage(cpuBefore);
          // The runtime's thread (with the driver, in the same process): CPU per item, which a busy machine stretches less than wall-clock.
          const cpuMsPerItem = (cpu.user + cpu.system) / 1000 / n;
          const dynamoBusy = r.busy.dynamoCpuMsPerItem !== undefined ? `; ${dynamoCpuText(r.busy.dynamoCpuMsPerItem, r.busy.dynamoCores ?? 0, driver.unit)} (its JIT compiler ${((r.busy.dynamoCompilerShare ?? 0) * 100).toFixed(0)} % of that)` : '';
          console.log(`${label}: ${r.itemsPerSecond.toFixed(2)} ${driver.unit}s/s in ${r.seconds.toFixed(1)} s, ${cpuMsPerItem.toFixed(1)} ms CPU per ${driver.unit} (the runtime's process), its event loop busy ${(r.busy.eventLoop * 100).toFixed(0)} %${dynamoBusy}${retried ? ` (POST /arrests sent again after a 5xx/429 ${retried} times so far)` : ''}`);
          (faults ? faultLevels : levelResults).push(r);
          await bench.quiesce();
          if (bracket) {
            const after = await replayed('after');
            const ceiling = ceilingReplay.result(c, [bracket.run, after.run]);
            storageAll.push(ceiling);
            const dynamoMs = bracket.dynamoMs + after.dynamoMs;
            const perSecond = (run: ReplayRun): string => (run.latencies.length / run.seconds).toFixed(1);
            console.log(`${ceilingLabel}, around the level: ${ceiling.itemsPerSecond.toFixed(1)} ${driver.unit}s/s (${perSecond(bracket.run)} before it, ${perSecond(after.run)} after it); ${dynamoCpuText(dynamoMs / ceiling.items, dynamoMs / 1000 / ceiling.seconds, driver.unit)}; the level reached ${((r.itemsPerSecond / ceiling.itemsPerSecond) * 100).toFixed(1)} % of it`);
            if (r.timeSplit) console.log(timeSplitText(wf, driver.unit, r.timeSplit, 1000 / ceiling.itemsPerSecond));
            const byFunction = r.timeSplit && handlerSplitText(wf, driver.unit, r.timeSplit);
            if (byFunction) console.log(byFunction);
          }
          await bench.clearMailbox();
        }
      }
      ceilingReplay.close();
      storageAround.set(wf, storageAll);
      const statuses = await driver.statuses(ids);
      const { recorded, ...rest } = counted;
      results.push({
        workflow: wf,
        unit: driver.unit,
        steps: { ...driver.steps, automated: 'automated total (excl. human waits)' },
        counted: { ...rest, recordedRequests: { path: recorded.path.all.length, rest: recorded.rest.all.length } },
        levels: levelResults,
        faultLevels,
        statuses,
      });
    }

    if (only.includes('memory')) {
      const label = `[memory] ${memoryItems} access requests parked at the unit's review (.waitForTaskToken)`;
      const driver = new AccessDriver(bench);
      await driver.init();
      const measured = await phase(label, memoryItems, 'requests', (tick) => measureMemory(bench, driver, memoryItems, tick));
      memory = measured;
      console.log(`\n${label}: ${measured.per1000.heapMb.toFixed(1)} MB heap per 1,000`);
    }

    if (only.includes('bundles')) {
      const label = `[bundles] esbuild, then ${Math.max(coldRuns, MODULE_LOAD_SAMPLES)} cold starts per function (${NEAR_GOAL_SAMPLES} near its goal), each followed by one of an empty ESM handler`;
      let measured = 0;
      bundles = await phase(label, Object.keys(functions).length, 'functions', (tick) => measureBundles(coldRuns, process.env, () => tick(++measured)));
      console.log(`\n${label}: ${bundles.functions.length} functions and the empty handler`);
    }
  } finally {
    await bench.stop();
  }

  // ---- ceilings: storage (DynamoDB Local alone), then the engine alone ---------------------------
  try {
    for (const r of results) {
      const rec = recordings.get(r.workflow) as CountedRun['recorded'];
      const tables = new Set([...rec.path.all, ...rec.rest.all].flatMap((w) => tablesOf(w.body)));
      const schemas = await StorageReplay.schemas(bench.dynamo.port, tables);
      const app = new StorageReplay(bench.dynamo.port, rec.path.application, schemas, `${r.workflow}-app-`);
      const capacity = await new StorageReplay(bench.dynamo.port, [...rec.path.application, ...rec.rest.application], schemas, `${r.workflow}-cap-`).capacity();
      await app.level(4, 10); // warm-up
      const storageApp: StorageResult[] = [];
      for (const [c, n] of levels) {
        const label = `[${r.workflow}] storage ceiling at concurrency ${c}, the application's requests alone`;
        storageApp.push(await phase(label, n, `${r.unit}s`, (tick) => app.level(c, n, tick)));
        console.log(`${label}: ${(storageApp.at(-1) as StorageResult).itemsPerSecond.toFixed(1)} ${r.unit}s/s`);
      }
      app.close();
      r.storage = { all: storageAround.get(r.workflow) ?? [], application: storageApp, capacity };
    }
  } finally {
    await bench.stopDynamo();
  }
  for (const r of results) {
    const engine = ceilingMachine(CEILING_WORKFLOWS[r.workflow]);
    const transitions = (await ceilingTransitions(engine)).entered;
    await measureCeiling(engine, 4, 50); // warm-up
    const ceiling: CeilingResult[] = [];
    for (const [c] of levels) {
      const label = `[${r.workflow}] engine ceiling at concurrency ${c}`;
      const e = await phase(label, engineExecutions, 'executions', (tick) => measureCeiling(engine, c, engineExecutions, tick));
      console.log(`${label}: ${Math.round(e.executionsPerSecond)} executions/s`);
      ceiling.push(e);
    }
    r.engine = { transitions, levels: ceiling };
  }

  // ---- cost ----------------------------------------------------------------------------------------
  for (const r of results) {
    const lambda = Object.entries(r.counted.fullLife.lambda).map(([name, invocations]) => ({
      function: name,
      invocations,
      durationMs: r.counted.lambdaMs[name] ?? 0,
      memoryMb: (functions[name as FunctionName] as { memoryMb?: number }).memoryMb ?? 256,
    }));
    const capacity = r.storage?.capacity ?? { readUnits: 0, writeUnits: 0 };
    r.cost = { ...costPer1000({ transitions: r.counted.transitions.fullLife, lambda, dynamo: capacity }), transitions: r.counted.transitions.fullLife, lambda };
  }

  const runSeconds = (performance.now() - started) / 1000;
  report(results, memory, bundles, levels);
  const result = {
    startedAt: new Date(Date.now() - runSeconds * 1000).toISOString(),
    runSeconds,
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    options: { quick, only, levels, memoryItems, coldRuns, engineExecutions },
    method: METHOD,
    prices: PRICES,
    workflows: results,
    memory,
    bundles,
  };
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), file)} — run took ${runSeconds.toFixed(0)} s`);
}

/** `npm run bench -- search [--quick] [--records N] [--seed N]`: CISS Search's relevance, latency and ingestion (bench/search.ts). */
async function searchBench(options: { quick: boolean; records?: string; seed?: string }): Promise<void> {
  const started = performance.now();
  const records = Number(options.records ?? (options.quick ? 20_000 : 1_000_000));
  const seed = Number(options.seed ?? 8);
  if (!Number.isInteger(records) || records < 1000) throw new Error('--records must be a whole number of records, at least 1000');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  console.log(`ciss-workflows bench: search — ${os.cpus().length} CPU, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  console.log(`${records.toLocaleString('en-US')} records from the simulator (seed ${seed}) on the embedded runtime's search database (PGlite behind the edge's Data API)…`);
  const result = await benchSearch({ records, seed, measured: options.quick ? 2_000 : INGEST_SAMPLE, sampled: options.quick ? 40 : 150 });
  reportSearch(result);
  const runSeconds = (performance.now() - started) / 1000;
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const startedAt = new Date(Date.now() - runSeconds * 1000).toISOString();
  const file = path.join(dir, `search-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt, runSeconds, machine: { cpus: os.cpus().length, node: process.version, loadAverageAtEnd: os.loadavg() }, options: { records, seed, quick: options.quick }, ...result }, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), file)} — run took ${runSeconds.toFixed(0)} s`);
}

const METHOD = {
  embedded:
    'embedded runtime, own DynamoDB Local (in memory) reached through a TCP pipe that can record, manual clock; closed loop at each concurrency; human steps decided on the API (POST /tasks/{id}/decision, POST /access-requests/{id}/training-verification) as soon as the tasks-notify Lambda returned the task id',
  stepTimings: 'wall-clock (performance.now) marks in the bench: client-side for API calls, and at Lambda invocation start/end (the LocalLambda.invoke wrapper). The manual clock stamps every history event with the same virtual time, so history is not used for timings.',
  engineCeiling: 'the workflow ASL with placeholders substituted, timeouts over 2,000,000 s clamped and TimeoutSecondsPath dropped, run on aws-local-stepfunctions with no-op taskResourceLocalHandlers; full life (arrest: through MakeHistorical; access: through AccessActive with the Wait already past)',
  storageCeiling:
    "the DynamoDB requests of one item's automated path, recorded by the pipe (application and emulator store), replayed straight at the same DynamoDB Local over keep-alive HTTP, in recorded order per item, items in a closed loop at the level's concurrency; key values of written items renamed per copy so conditional writes meet the same item states; 'application only' replays the application's requests alone",
  dynamoCounts: "counted in one item run alone after warm-up: application requests by runtime.edge.taps (handlers and ASL service integrations; cross-checked with the pipe), the local Step Functions emulator's own store requests by SfnStore.requests (AWS Step Functions' own storage is not billed as DynamoDB)",
  capacity: "request units of the application's requests over the item's whole life, as DynamoDB Local reports them with ReturnConsumedCapacity: TOTAL on a replayed copy",
  lambdaDuration: 'median in-process duration of each function in the counted run (warm, this machine, not AWS), billed rounded up to 1 ms, at the memory the manifest configures',
  memory: "heap used and RSS of this process (the embedded runtime, the bench and aws-ses-v2-local's mailbox, which is emptied before each reading) after GC, before and after starting N access requests that park at the unit's review; DynamoDB Local RSS from /proc (the JVM rarely gives memory back)",
  coldStart: 'a fresh node (the same Node 24) per run, with --enable-source-maps only if the functions are configured so (infra/aws/bundling.ts sourceMapsAtRuntime, off): spawn → handler result; module load = import() of the bundle inside the child; @aws-sdk/* loaded from node_modules (in Lambda the runtime provides it)',
  sdkLoad: 'in the child, the @aws-sdk/* packages a bundle imports (external; in Lambda the runtime provides them) are imported before the bundle and timed apart (SDK load ms): the same for every function that uses a client, and outside what a bundle can cut; module load is then the bundle\'s own code',
  moduleLoadBaseline: `an empty ESM handler (export const handler = async () => ({})) built with the same esbuild settings and cold-started by the same child: one discarded run and N runs first, then one after each cold start of a function; a function's module load above it is the median of those pairs' differences (${MODULE_LOAD_SAMPLES} pairs, ${NEAR_GOAL_SAMPLES} when within ${NEAR_GOAL_MS} ms of the goal); goal: ≤ ${MODULE_LOAD_GOAL_MS} ms (${Object.entries(MODULE_LOAD_BUDGETS).map(([name, b]) => `${name} its own ${b.ms} ms: ${b.why}`).join('; ')})`,
};

/** DynamoDB Local's CPU per item and as a share of one core, as a level's line and a ceiling's line print it. */
function dynamoCpuText(msPerItem: number, cores: number, unit: string): string {
  return `DynamoDB Local ${msPerItem.toFixed(1)} ms CPU per ${unit}, ${(cores * 100).toFixed(0)} % of a core`;
}

/** Runs one phase with a progress line on stderr, wiped when it ends: the caller prints the result on stdout. */
async function phase<T>(label: string, total: number, unit: string, run: (tick: (done: number) => void) => Promise<T>): Promise<T> {
  const progress = new Progress({ label, total, unit });
  try {
    return await run((done) => progress.update(done));
  } finally {
    progress.finish(false);
  }
}

async function measureMemory(bench: BenchRuntime, driver: AccessDriver, items: number, onDone?: (done: number) => void) {
  const read = async () => {
    await bench.quiesce();
    await bench.clearMailbox();
    gc();
    gc();
    const m = process.memoryUsage();
    return { heapUsedMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20, dynamoRssMb: (bench.dynamoRssKb() ?? NaN) / 1024 };
  };
  const before = await read();
  driver.parkAtReview = true;
  const start = performance.now();
  let parked = 0;
  await pool(items, 16, async (i) => {
    const id = await driver.one(`mem${String(i).padStart(4, '0')}`);
    driver.forget(id);
    onDone?.(++parked);
  });
  const seconds = (performance.now() - start) / 1000;
  const after = await read();
  const k = 1000 / items;
  return {
    items,
    parkedAt: 'AwaitBusinessNeedReview (tasks-notify, .waitForTaskToken)',
    seconds,
    before,
    after,
    per1000: { heapMb: (after.heapUsedMb - before.heapUsedMb) * k, rssMb: (after.rssMb - before.rssMb) * k, dynamoRssMb: (after.dynamoRssMb - before.dynamoRssMb) * k },
  };
}

// ---- report ---------------------------------------------------------------------------------------


function report(results: WorkflowResult[], memory: Awaited<ReturnType<typeof measureMemory>> | undefined, bundles: BundlesMeasured | undefined, levels: [number, number][]): void {
  const pct = (a: number, b: number): string => (b > 0 ? `${((a / b) * 100).toFixed(a / b < 0.01 ? 2 : 1)} %` : '-');
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  for (const r of results) {
    const end = r.workflow === 'arrest' ? 'POST /arrests → AVAILABLE' : 'POST /access-requests → TEMPORARY_PASSWORD_ISSUED';
    console.log(`\n== ${r.workflow === 'arrest' ? 'Arrest packets' : 'CCHRS access requests'}: throughput, ${end}, closed loop (${r.unit}s/s)`);
    console.log(
      table(
        ['concurrency', r.unit + 's', 'seconds', `embedded ${r.unit}s/s`, 'engine ceiling exec/s', 'storage ceiling /s', '(app only) /s', 'storage tx/s', 'embedded / engine', 'embedded / storage'],
        r.levels.map((l, i) => {
          const e = r.engine?.levels[i];
          const s = r.storage?.all[i];
          const a = r.storage?.application[i];
          return [l.concurrency, l.items, Number(f(l.seconds)), Number(f(l.itemsPerSecond, 2)), e ? Math.round(e.executionsPerSecond) : '-', s ? Number(f(s.itemsPerSecond)) : '-', a ? Number(f(a.itemsPerSecond)) : '-', s ? Math.round(s.transactionsPerSecond) : '-', e ? pct(l.itemsPerSecond, e.executionsPerSecond) : '-', s ? pct(l.itemsPerSecond, s.itemsPerSecond) : '-'];
        }),
      ),
    );
    if (r.storage) console.log(storageGoalText(r.levels.map((l, i) => ({ concurrency: l.concurrency, itemsPerSecond: l.itemsPerSecond, storage: r.storage?.all[i]?.itemsPerSecond, handlersMs: l.timeSplit?.handlers }))));
    const replayErrors = [...(r.storage?.all ?? []), ...(r.storage?.application ?? [])].filter((s) => s.errors > 0);
    if (replayErrors.length) console.log(`Storage replay: ${replayErrors.reduce((s, x) => s + x.errors, 0)} requests answered other than 200 (first: ${replayErrors[0]?.firstError})`);
    const ms = (s: { p50: number; p95: number; p99: number } | undefined): string => (s ? `${f(s.p50)} / ${f(s.p95)} / ${f(s.p99)}` : '-');
    console.log(`\nLatency per step, ms, p50 / p95 / p99 (wall-clock at API calls and Lambda invocations)`);
    console.log(table(['step', ...r.levels.map((l) => `c=${l.concurrency}`)], Object.entries(r.steps).map(([k, label]) => [label, ...r.levels.map((l) => ms(l.latencyMs[k]))])));
    console.log(`Status on the API afterwards: ${JSON.stringify(r.statuses)}`);
    const flat = saturation(r.levels, r.faultLevels, r.unit);
    if (flat) console.log(`\n${flat}`);
  }

  if (results.length) {
    console.log('\n== DynamoDB requests per item, counted in one item run alone (reads / writes / transactions / total)');
    const row = (what: string, c: RequestCounts): (string | number)[] => [what, c.read, c.write, c.transaction, c.total, Object.entries(c.byOperation).filter(([op]) => op !== 'DescribeTable').map(([op, n]) => `${op} ${n}`).join(', ')];
    const rows: (string | number)[][] = [];
    for (const r of results) {
      const c = r.counted;
      const min = minimumRequests(c.statusChanges.length, c.humanTasks);
      const part = r.workflow === 'arrest' ? 'to AVAILABLE' : 'to PASSWORD_ISSUED';
      rows.push(row(`${r.workflow}: application, ${part}`, c.path.application));
      rows.push(row(`${r.workflow}: application, whole life`, c.fullLife.application));
      rows.push(row(`${r.workflow}: emulator store, ${part}`, c.path.emulator));
      rows.push(row(`${r.workflow}: emulator store, whole life`, c.fullLife.emulator));
      rows.push([`${r.workflow}: minimum, whole life`, min.reads, 0, min.transactions, min.transactions, `${c.statusChanges.length} status changes + ${c.humanTasks} human task(s) × 2 (open, decide)`]);
    }
    const goals = results.map((r) => {
      const c = r.counted;
      const min = minimumRequests(c.statusChanges.length, c.humanTasks).transactions;
      const all = c.fullLife.application.total;
      const ratio = (n: number): string => `${(n / min).toFixed(2)}× (${((n / min / REQUESTS_GOAL_RATIO) * 100).toFixed(0)} % of the goal's ${REQUESTS_GOAL_RATIO}×)`;
      return `${r.workflow}: ${all} requests over the whole life = ${ratio(all)} the minimum of ${min}; of them ${c.accountChecks} account checks (one GetItem per person's API call, ${c.accountChecks} calls in this drive): without them ${all - c.accountChecks} = ${ratio(all - c.accountChecks)}`;
    });
    console.log(table(['workflow / whose requests', 'reads', 'writes', 'transactions', 'total', 'by operation'], rows));
    console.log("Application = handlers and ASL service integrations, through the edge (runtime.edge.taps); emulator store = the local Step Functions service's own table (SfnStore). AWS Step Functions' own storage is not billed as DynamoDB.");
    console.log('Minimum = one TransactWriteItems (conditional update + audit event) per status change, and per human task one to open it and one to decide it; no reads (the execution could carry what steps read).');
    for (const g of goals) console.log(`Goal, requests ≤ ${REQUESTS_GOAL_RATIO}× the minimum: ${g}`);
    for (const r of results) {
      const cc = r.counted.crossCheck;
      console.log(`${r.workflow}: status changes ${r.counted.statusChanges.join(' → ')}; pipe saw ${cc.pipeApplication} application (taps: ${cc.tapApplication}) and ${cc.pipeEmulator} emulator (store: ${cc.storeEmulator}) requests on the path`);
      console.log(`${r.workflow}: other AWS requests per item, whole life: ${Object.entries(r.counted.fullLife.services).filter(([k]) => !k.startsWith('dynamodb')).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }

  if (memory) {
    console.log(`\n== Memory per 1,000 executions parked at a human task (${memory.items} access requests at ${memory.parkedAt})`);
    console.log(
      table(
        ['what', 'before MB', 'after MB', 'per 1,000 parked MB'],
        [
          ['embedded runtime: V8 heap used (after GC)', Number(f(memory.before.heapUsedMb)), Number(f(memory.after.heapUsedMb)), Number(f(memory.per1000.heapMb))],
          ['embedded runtime: process RSS', Number(f(memory.before.rssMb)), Number(f(memory.after.rssMb)), Number(f(memory.per1000.rssMb))],
          ['DynamoDB Local (JVM) RSS', Number(f(memory.before.dynamoRssMb)), Number(f(memory.after.dynamoRssMb)), Number(f(memory.per1000.dynamoRssMb))],
        ],
      ),
    );
  }

  if (bundles) {
    const { empty } = bundles;
    const ratio = (x: number): string => `${x.toFixed(2)}×`;
    console.log(`\n== Lambda bundles (esbuild as NodejsFunction: ESM, minified, node24, @aws-sdk/* external) and cold starts (fresh node, median)`);
    console.log(
      table(
        ['function', 'bundle KB', 'of goal', 'gzip KB', 'SDK load ms', 'module load ms', `above empty ms (paired)`, 'of goal', 'runs', 'load CPU ms', 'CPU above empty', 'CPU of goal', 'cold start ms', 'min–max ms', 'event → outcome'],
        [
          ...bundles.functions.map((b) => [b.function, Number(f(b.bytes / 1024)), ratio(b.bytes / b.budgetBytes), Number(f(b.gzipBytes / 1024)), b.sdk.length ? b.sdkMs : '-', b.loadMs.p50, b.loadAboveEmptyMs, ratio(Math.max(0, b.loadAboveEmptyMs) / b.loadGoalMs), b.samples, b.loadCpuMs, b.loadCpuAboveEmptyMs, ratio(Math.max(0, b.loadCpuAboveEmptyMs) / b.loadGoalMs), b.coldStartMs.p50, `${f(b.coldStartMs.min)}–${f(b.coldStartMs.max)}`, `${b.event} → ${b.outcome}`]),
          [EMPTY_HANDLER, Number(f(empty.bytes / 1024)), '-', '-', '-', empty.loadMs.p50, 0, '-', empty.runs, empty.loadCpuMs, 0, '-', empty.coldStartMs.p50, `${f(empty.loadMs.min)}–${f(empty.loadMs.max)} (load)`, `{} → returned (${empty.runs} runs)`],
        ],
      ),
    );
    const fns = bundles.functions;
    const overSize = fns.filter((b) => b.bytes > b.budgetBytes);
    const biggest = fns.filter((b) => b.budgetBytes === Math.min(...fns.map((x) => x.budgetBytes))).sort((a, b) => b.bytes - a.bytes)[0];
    const slowest = [...fns].sort((a, b) => b.loadAboveEmptyMs / b.loadGoalMs - a.loadAboveEmptyMs / a.loadGoalMs)[0];
    const overLoad = fns.filter((b) => b.loadAboveEmptyMs > b.loadGoalMs);
    const overCpu = fns.filter((b) => b.loadCpuAboveEmptyMs > b.loadGoalMs);
    const ownBudgets = fns.filter((b) => b.loadGoalMs !== MODULE_LOAD_GOAL_MS).map((b) => `${b.function} its own +${b.loadGoalMs} ms, at +${b.loadAboveEmptyMs} (${MODULE_LOAD_BUDGETS[b.function]?.why ?? ''})`);
    const slowestCpu = [...fns].sort((a, b) => b.loadCpuAboveEmptyMs / b.loadGoalMs - a.loadCpuAboveEmptyMs / a.loadGoalMs)[0];
    console.log(
      `Goal, bundles ≤ 100 KB (first-login its own budget): ${fns.length - overSize.length} of ${fns.length} within${overSize.length ? ` (over: ${overSize.map((b) => `${b.function} ${ratio(b.bytes / b.budgetBytes)}`).join(', ')})` : ''}; largest at 100 KB ${biggest ? `${biggest.function} ${ratio(biggest.bytes / biggest.budgetBytes)}` : '-'}.`,
    );
    console.log(
      `Goal, module load ≤ the empty ESM handler's + ${MODULE_LOAD_GOAL_MS} ms${ownBudgets.length ? `; ${ownBudgets.join('; ')}` : ''} (medians of paired differences, fresh processes, same run, the SDK packages a bundle imports loaded first and timed apart; empty: ${empty.loadMs.p50} ms): ${fns.length - overLoad.length} of ${fns.length} within${overLoad.length ? ` (over: ${[...overLoad].sort((x, y) => y.loadAboveEmptyMs - x.loadAboveEmptyMs).slice(0, 5).map((b) => `${b.function} +${b.loadAboveEmptyMs} ms`).join(', ')}${overLoad.length > 5 ? `, ${overLoad.length - 5} more` : ''})` : ''}; slowest ${slowest ? `${slowest.function} +${slowest.loadAboveEmptyMs} ms = ${ratio(Math.max(0, slowest.loadAboveEmptyMs) / slowest.loadGoalMs)} its goal` : '-'}.`,
    );
    console.log(
      `The same in CPU time (user + system of the import; a busy machine stretches wall-clock time, not this; empty: ${empty.loadCpuMs} ms): ${fns.length - overCpu.length} of ${fns.length} within${overCpu.length ? ` (over: ${[...overCpu].sort((x, y) => y.loadCpuAboveEmptyMs - x.loadCpuAboveEmptyMs).slice(0, 5).map((b) => `${b.function} +${b.loadCpuAboveEmptyMs} ms`).join(', ')}${overCpu.length > 5 ? `, ${overCpu.length - 5} more` : ''})` : ''}; slowest ${slowestCpu ? `${slowestCpu.function} +${slowestCpu.loadCpuAboveEmptyMs} ms = ${ratio(Math.max(0, slowestCpu.loadCpuAboveEmptyMs) / slowestCpu.loadGoalMs)} its goal` : '-'}.`,
    );
    console.log(`Load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} CPUs.`);
  }

  if (results.length) {
    console.log('\n== Per item and per 1,000 items (USD, us-east-1 list prices)');
    console.log(
      table(
        ['workflow', 'transitions (path / life)', 'engine transitions', 'Step Functions $', 'Lambda inv.', 'Lambda GB-s', 'Lambda $', 'DynamoDB RRU / WRU', 'DynamoDB $', 'total $ / 1,000'],
        results.map((r) => {
          const c = r.cost as NonNullable<WorkflowResult['cost']>;
          const inv = c.lambda.reduce((s, l) => s + l.invocations, 0);
          const cap = r.storage?.capacity;
          return [r.workflow, `${r.counted.transitions.path} / ${r.counted.transitions.fullLife}`, r.engine?.transitions ?? '-', c.stepFunctions.toFixed(3), inv, Number((c.lambdaGbSeconds).toFixed(4)), (c.lambdaRequests + c.lambdaDuration).toFixed(4), cap ? `${f(cap.readUnits)} / ${f(cap.writeUnits)}` : '-', c.dynamo.toFixed(4), c.total.toFixed(3)];
        }),
      ),
    );
    console.log('Per 1,000 items over their whole life. Prices: Step Functions Standard $0.025 / 1,000 transitions; Lambda arm64 $0.20 / 1M requests + $0.0000133334 / GB-s (billed ms at the configured memory; durations measured in process here, warm); DynamoDB on-demand $0.625 / 1M WRU, $0.125 / 1M RRU (units as DynamoDB Local reports them for the application\'s requests; the emulator\'s store is not billed).');
    for (const r of results) console.log(`${r.workflow}: Lambda per item ${(r.cost?.lambda ?? []).map((l) => `${l.function} ${l.invocations}×${f(l.durationMs)} ms`).join(', ')}`);
  }
  console.log(`\nLevels: ${levels.map(([c, n]) => `${c}:${n}`).join(', ')}. One run each on a shared machine: these figures show where the local runtime saturates here, not AWS throughput or latency.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
