/**
 * `npm run bench`: how fast and how heavy the arrest workflow is on this machine.
 *
 * 1. Packets/s through steps 1–6 on the embedded runtime (own DynamoDB Local in memory, free
 *    ports, manual clock that never needs advancing on this path), with p50/p95/p99 per step.
 * 2. The engine ceiling: the same ASL straight on aws-local-stepfunctions with no-op Tasks.
 * 3. State transitions per packet and the Step Functions cost per 1,000 packets, with rough
 *    Lambda and DynamoDB estimates.
 *
 * A measurement, not a test: nothing is asserted on times. Writes bench/results/<timestamp>.json.
 * Levels can be changed with BENCH_LEVELS="1:30,4:60,16:120" (concurrency:packets).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Clock } from '../infra/local/clock';
import { startLocalRuntime } from '../infra/local/runtime';
import { functions } from '../infra/manifest';
import { ceilingMachine, ceilingTransitions, measureCeiling, type CeilingResult } from './ceiling';
import { ArrestDriver, STEPS, type LevelResult, type Step } from './embedded';
import { table } from './stats';

const PRICES = {
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: 0.0000166667,
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
};
/** Assumed billed duration of one Lambda invocation (not measured here). */
const ASSUMED_LAMBDA_MS = 100;

/**
 * DynamoDB requests one packet makes from POST to AVAILABLE, read off the code paths
 * (functions/arrests/*, functions/tasks/*, the packet and task stores) — estimated, not counted.
 * Item sizes are assumptions: packet item ~3 KB (it holds the packet), version ~2 KB, task
 * ~2 KB, audit event and pointers ~1 KB. Transactional writes cost 2 WRU per KB, strongly
 * consistent reads 1 RRU per 4 KB. GSI writes and the local Step Functions store are left out.
 */
const DYNAMO_PATH = [
  { step: 'POST /arrests (arrests-api)', requests: ['TransactWrite: put packet, version, audit'], reads: 0, writeUnits: 2 * (3 + 2 + 1) },
  { step: 'ValidatePacket (arrests-validate)', requests: ['Get packet', 'Get packet (transition)', 'TransactWrite: update packet, put audit'], reads: 2, writeUnits: 2 * (3 + 1) },
  { step: 'AwaitClerkReview (tasks-notify)', requests: ['Get step pointer', 'TransactWrite: put task, step pointer, execution pointer, audit'], reads: 1, writeUnits: 2 * (2 + 1 + 1 + 1) },
  { step: 'POST /tasks/{id}/decision (tasks-api)', requests: ['Get task', 'TransactWrite: update task, put audit'], reads: 1, writeUnits: 2 * (2 + 1) },
  { step: 'RecordAcceptance (arrests-record)', requests: ['Get packet', 'TransactWrite: update packet, put audit'], reads: 1, writeUnits: 2 * (3 + 1) },
  { step: 'TransmitToCms (arrests-transmit)', requests: ['Get packet', 'Get packet (transition)', 'TransactWrite: update packet, put audit'], reads: 2, writeUnits: 2 * (3 + 1) },
  { step: 'NotifyAgency (arrests-notify-agency)', requests: ['Get packet', 'Update packet', 'Put audit'], reads: 1, writeUnits: 3 + 1 },
  { step: 'MakeAvailable (arrests-record)', requests: ['Get packet', 'TransactWrite: update packet, put audit'], reads: 1, writeUnits: 2 * (3 + 1) },
  { step: 'AwaitAdjudication (arrests-await-adjudication)', requests: ['Update packet (sealed token)'], reads: 0, writeUnits: 3 },
];

function levelsFromEnv(): [number, number][] {
  const spec = process.env['BENCH_LEVELS'] ?? '1:30,4:60,16:120';
  return spec.split(',').map((pair) => {
    const [c, n] = pair.split(':').map(Number);
    if (!c || !n) throw new Error(`BENCH_LEVELS: bad pair "${pair}"`);
    return [c, n];
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const levels = levelsFromEnv();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(`ciss-workflows bench — ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}`);

  // ---- 1. embedded runtime -------------------------------------------------------------------
  console.log('\nStarting the embedded runtime (own DynamoDB Local in memory, free ports, manual clock)…');
  const runtime = await startLocalRuntime({ stage: 'bench', edgePort: 0, apiPort: 0, sesPort: 0, cmsPort: 0, clock: new Clock({ mode: 'manual' }) });
  const sfn = new SFNClient({ endpoint: runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const embedded: LevelResult[] = [];
  let transitions: Awaited<ReturnType<ArrestDriver['transitions']>>;
  let statuses: Record<string, number>;
  try {
    const driver = new ArrestDriver(runtime, sfn);
    await driver.init();
    console.log('Warm-up: 5 packets at concurrency 1 (loads the functions, builds the engine; not reported)');
    await driver.level('warm', 1, 5);
    for (const [concurrency, packets] of levels) {
      process.stdout.write(`Embedded: ${packets} packets at concurrency ${concurrency}… `);
      const r = await driver.level(`c${concurrency}`, concurrency, packets);
      console.log(`${r.packetsPerSecond.toFixed(2)} packets/s in ${r.seconds.toFixed(1)} s`);
      embedded.push(r);
    }
    transitions = await driver.transitions('bench-transitions');
    statuses = await driver.statuses();
  } finally {
    sfn.destroy();
    await runtime.stop();
  }

  // ---- 2. engine ceiling ---------------------------------------------------------------------
  const engine = ceilingMachine();
  const ceilingCount = await ceilingTransitions(engine);
  await measureCeiling(engine, 4, 50); // warm-up
  const ceiling: CeilingResult[] = [];
  for (const [concurrency] of levels) ceiling.push(await measureCeiling(engine, concurrency, 500));

  // ---- 3. cost -------------------------------------------------------------------------------
  const steady = embedded.at(-1) as LevelResult;
  const lambdaPerPacket = steady.lambdaInvocationsPerPacket;
  const lambdaRequests = Object.values(lambdaPerPacket).reduce((s, x) => s + x, 0);
  const gbSeconds = Object.entries(lambdaPerPacket).reduce((s, [name, n]) => s + n * (memoryMb(name) / 1024) * (ASSUMED_LAMBDA_MS / 1000), 0);
  const dynamo = {
    requests: DYNAMO_PATH.reduce((s, x) => s + x.requests.length, 0),
    readUnits: DYNAMO_PATH.reduce((s, x) => s + x.reads, 0),
    writeUnits: DYNAMO_PATH.reduce((s, x) => s + x.writeUnits, 0),
  };
  const per1000 = {
    stepFunctionsThroughAvailable: transitions.throughAvailable * PRICES.stepFunctionsPerTransition * 1000,
    stepFunctionsFullLife: transitions.fullLife * PRICES.stepFunctionsPerTransition * 1000,
    lambdaRequests: lambdaRequests * PRICES.lambdaPerRequest * 1000,
    lambdaDuration: gbSeconds * PRICES.lambdaPerGbSecond * 1000,
    dynamo: (dynamo.readUnits * PRICES.dynamoPerReadUnit + dynamo.writeUnits * PRICES.dynamoPerWriteUnit) * 1000,
  };

  // ---- report --------------------------------------------------------------------------------
  const ms = (s: { p50: number; p95: number; p99: number }) => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)}`;
  console.log('\nThroughput, steps 1–6 (POST /arrests → AVAILABLE), closed loop, clerk decision posted by the bench');
  console.log(
    table(
      ['concurrency', 'packets', 'seconds', 'embedded packets/s', 'ceiling executions/s', 'embedded / ceiling'],
      embedded.map((r, i) => {
        const c = ceiling[i] as CeilingResult;
        return [r.concurrency, r.packets, Number(r.seconds.toFixed(1)), Number(r.packetsPerSecond.toFixed(2)), Number(c.executionsPerSecond.toFixed(0)), `${((r.packetsPerSecond / c.executionsPerSecond) * 100).toFixed(2)} %`];
      }),
    ),
  );
  console.log('\nLatency per step, ms, p50 / p95 / p99 (wall-clock marks at Lambda invocation; see README)');
  console.log(table(['step', ...embedded.map((r) => `c=${r.concurrency}`)], (Object.keys(STEPS) as Step[]).map((s) => [STEPS[s], ...embedded.map((r) => ms(r.latencyMs[s]))])));
  console.log('\nEngine ceiling (aws-local-stepfunctions, no-op Tasks, 500 executions per level), ms per execution p50 / p95 / p99');
  console.log(table(['concurrency', 'executions/s', 'latency'], ceiling.map((c) => [c.concurrency, Number(c.executionsPerSecond.toFixed(0)), ms(c.latencyMs)])));

  console.log('\nPer packet');
  console.log(
    table(
      ['what', 'count', 'cost per 1,000 packets (USD)'],
      [
        ['state transitions, POST → AVAILABLE (StateEntered)', transitions.throughAvailable, `$${per1000.stepFunctionsThroughAvailable.toFixed(4)}`],
        ['state transitions, full life incl. adjudication', transitions.fullLife, `$${per1000.stepFunctionsFullLife.toFixed(4)}`],
        ['state transitions, ceiling engine (same path, full life)', ceilingCount.entered, '-'],
        [`Lambda invocations, steps 1–6 (incl. intake + decision API)`, Number(lambdaRequests.toFixed(2)), `$${per1000.lambdaRequests.toFixed(4)} requests + $${per1000.lambdaDuration.toFixed(4)} duration (assumed ${ASSUMED_LAMBDA_MS} ms each)`],
        ['DynamoDB requests, steps 1–6 (estimated from code)', dynamo.requests, `$${per1000.dynamo.toFixed(4)} (${dynamo.readUnits} RRU + ${dynamo.writeUnits} WRU, on-demand)`],
      ],
    ),
  );
  console.log(`Lambda invocations per packet at c=${steady.concurrency}: ${Object.entries(lambdaPerPacket).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`Packets' status at the end (GET /arrests/{id}): ${JSON.stringify(statuses)}; decision retries (503): ${embedded.reduce((s, r) => s + r.decisionRetries, 0)}`);
  const runSeconds = (performance.now() - started) / 1000;
  console.log(`Prices: Step Functions Standard $0.025 / 1,000 transitions; Lambda $0.20 / 1M requests, $0.0000166667 / GB-s; DynamoDB on-demand $0.625 / 1M WRU, $0.125 / 1M RRU.`);

  const result = {
    startedAt: new Date(Date.now() - runSeconds * 1000).toISOString(),
    runSeconds,
    machine,
    method: {
      embedded: 'embedded runtime, own DynamoDB Local in memory, manual clock (never advanced on this path); closed loop at each concurrency; clerk accepts on POST /tasks/{id}/decision with a court-clerk token once the execution has parked (history polled every 10 ms)',
      stepTimings: 'wall-clock (performance.now) marks taken in the bench: client-side for POST/decision, and the runtime lambda.observer hook at each Lambda invocation. Not execution-history timestamps: the manual clock stamps every event with the same virtual time.',
      ceiling: 'statemachines/arrest-packet.asl.json with placeholders substituted, TimeoutSeconds over 2,000,000 s clamped (Node timer limit), run on aws-local-stepfunctions with no-op taskResourceLocalHandlers; AwaitAdjudication returns at once',
      dynamo: 'estimated from code paths, not counted; GSI writes excluded',
      lambdaDuration: `assumed ${ASSUMED_LAMBDA_MS} ms per invocation at the function's configured memory`,
    },
    embedded,
    ceiling,
    transitions: { ...transitions, ceiling: ceilingCount },
    statuses,
    lambdaInvocationsPerPacket: lambdaPerPacket,
    dynamoPath: DYNAMO_PATH,
    dynamo,
    prices: PRICES,
    costPer1000PacketsUsd: per1000,
  };
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), file)} — run took ${runSeconds.toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

function memoryMb(name: string): number {
  const spec = (functions as Record<string, { memoryMb?: number }>)[name];
  return spec?.memoryMb ?? 256;
}
