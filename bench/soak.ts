/**
 * `npm run soak`: a long run on the embedded runtime, with the load test's faults and checks.
 * 10,000 arrest packets (and a quarter as many access requests) at concurrency 100 by default:
 *
 *   npm run soak -- --packets 500 --concurrency 50 [--access 0] [--cms 0.1] [--throttle 0.05] [--seed 8]
 *
 * Prints throughput, p50/p95/p99 per step, the faults injected and the task failures the state
 * machines retried (counted by the runtime's Step Functions engine as it ran), and peak memory
 * (this process's RSS and heap, DynamoDB Local's RSS from /proc). Exits 1 when anything was lost
 * or duplicated. The closing check reads both tables and lists the executions once;
 * `--read-histories` also reads every execution's history back, as the check once did, to show
 * the engine's count is the histories' (minutes at the default volume).
 *
 * While it runs, a progress line on stderr (items done of total, rate, time left, faults so far).
 * The runtime's JSON log lines go to bench/results/soak-<time>.log (warnings and errors also to
 * stderr, one short line each); `--no-log-file` leaves them on stdout.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Clock } from '../infra/local/clock';
import { LAMBDA_CONCURRENCY } from '../infra/local/lambda';
import { startLocalRuntime } from '../infra/local/runtime';
import { runLoad, STEPS, targetOf, verifyLoad } from '../drive/load';
import { divertLogs } from './logs';
import { Progress } from './progress';
import { table } from './stats';

const program = new Command()
  .name('soak')
  .option('--packets <n>', 'arrest packets', '10000')
  .option('--access <n>', 'access requests (default: a quarter of the packets)')
  .option('--concurrency <n>', 'packets and requests in flight at once', '100')
  .option('--cms <share>', 'share of CMS calls that fail (503)', '0.1')
  .option('--throttle <share>', "share of the application's DynamoDB calls throttled", '0.05')
  .option('--seed <n>', 'fault PRNG seed', '8')
  .option('--read-histories', "also read every execution's history back and check the engine's count of retried task failures against it (slow)")
  .option('--no-log-file', "leave the runtime's JSON log lines on stdout instead of bench/results/soak-<time>.log")
  .parse();
const opts = program.opts<{ packets: string; access?: string; concurrency: string; cms: string; throttle: string; seed: string; readHistories?: boolean; logFile: boolean }>();
const count = (v: string, name: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
};
const packets = count(opts.packets, 'packets');
const accessRequests = opts.access === undefined ? Math.round(packets / 4) : count(opts.access, 'access');
const concurrency = Math.max(1, count(opts.concurrency, 'concurrency'));

/** DynamoDB Local's java process (a child of this one), for its resident memory. */
function dynamoPid(): string | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal')) return pid;
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}
const rssOf = (pid: string): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

const results = path.join(import.meta.dirname, 'results');
mkdirSync(results, { recursive: true });
const logs = opts.logFile ? divertLogs(path.join(results, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.log`)) : undefined;
if (logs) console.log(`soak: the runtime's log lines go to ${path.relative(process.cwd(), logs.file)}; warnings and errors also show here`);
const runtime = await startLocalRuntime({
  stage: `soak${Date.now().toString(36)}`,
  edgePort: 0,
  apiPort: 0,
  sesPort: 0,
  clock: new Clock({ mode: 'manual', autoAdvanceMs: 5 * 60_000 }),
  faults: { seed: count(opts.seed, 'seed'), cms: count(opts.cms, 'cms'), services: { dynamodb: { throttle: count(opts.throttle, 'throttle') } } },
});
const peak = { rss: 0, heap: 0, dynamo: 0 };
const java = process.platform === 'linux' ? dynamoPid() : undefined;
const sample = (): void => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
  if (java) peak.dynamo = Math.max(peak.dynamo, rssOf(java));
};
const sampler = setInterval(sample, 500);
let failed = false;
try {
  console.log(`soak: ${packets} packets + ${accessRequests} access requests at concurrency ${concurrency}; faults ${JSON.stringify(runtime.faults.current())}`);
  const target = await targetOf(runtime);
  const progress = new Progress({ label: 'soak', total: packets + accessRequests, note: () => `faults so far ${runtime.faults.total().toLocaleString('en-US')}, handlers waiting ${runtime.lambda.inFlight.waiting}` });
  const result = await runLoad(target, {
    packets,
    accessRequests,
    concurrency,
    tag: 'soak',
    stepTimeoutMs: 600_000,
    onProgress: (done) => progress.update(done.packets + done.requests),
  }).finally(() => progress.finish());
  sample();
  process.stderr.write('soak: checking that nothing was lost or duplicated (reads both tables and every execution)…\n');
  const checkStart = performance.now();
  const verification = await verifyLoad(target, result);
  const checkSeconds = (performance.now() - checkStart) / 1000;
  const counts = [target.machines.arrest, target.machines.access].map((arn) => runtime.stepFunctions.eventCounts(arn));
  const retried = counts.reduce((n, c) => n + (c['TaskFailed'] ?? 0) + (c['TaskTimedOut'] ?? 0), 0);
  let histories = '';
  if (opts.readHistories) {
    process.stderr.write("soak: reading every execution's history back (--read-histories)…\n");
    const read = await verifyLoad(target, result, { readHistories: true });
    const same = read.retriedTaskFailures === retried;
    if (!same) verification.problems.push(`the engine counted ${retried} retried task failures, the histories ${read.retriedTaskFailures}`);
    histories = `; reading every history back: ${(read.ms.histories / 1000).toFixed(1)} s more, ${read.retriedTaskFailures} retried task failures (${same ? 'the same' : 'NOT the same'})`;
  }
  const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
  console.log(`\n${result.packetIds.length} packets and ${result.requests.length} access requests in ${result.seconds.toFixed(1)} s: ${(result.packetIds.length / result.seconds).toFixed(2)} packets/s, ${((result.packetIds.length + result.requests.length) / result.seconds).toFixed(2)} workflows/s\n`);
  console.log(table(['step', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], Object.entries(result.latencyMs).map(([step, s]) => [STEPS[step as keyof typeof STEPS], s.n, s.p50, s.p95, s.p99, s.max])));
  console.log(`\nfaults injected: ${runtime.faults.total()} ${JSON.stringify(runtime.faults.counts())}`);
  console.log(`errors retried: ${retried} task attempts failed and were retried by the state machines (counted by the engine); ${result.clientRetries} client calls retried after a 5xx/429`);
  const outOfTime = [...runtime.lambda.outOfTime].sort(([, a], [, b]) => b - a);
  console.log(`Lambda: ${runtime.lambda.peak.running} handlers at once at most (CISS_LAMBDA_CONCURRENCY: ${LAMBDA_CONCURRENCY || 'no limit'}), up to ${runtime.lambda.peak.waiting} waiting for a turn; ${outOfTime.reduce((n, [, c]) => n + c, 0)} ran out of time${outOfTime.length ? ` (${outOfTime.map(([fn, c]) => `${fn} ${c}`).join(', ')})` : ''}`);
  console.log(`peak memory: runtime process RSS ${mb(peak.rss)}, heap ${mb(peak.heap)}; DynamoDB Local RSS ${java ? mb(peak.dynamo) : 'n/a (not on Linux)'}`);
  console.log(`executions: ${verification.executions.arrest} arrest, ${verification.executions.access} access; CMS records: ${runtime.cms.records.length}`);
  const { scan, list, check } = verification.ms;
  console.log(`closing check: ${checkSeconds.toFixed(1)} s (tables ${(scan / 1000).toFixed(1)} s, executions listed ${(list / 1000).toFixed(1)} s, checks ${(check / 1000).toFixed(1)} s)${histories}`);
  if (verification.problems.length) {
    failed = true;
    console.error(`\n${verification.problems.length} problem(s):\n${verification.problems.slice(0, 50).join('\n')}`);
  } else console.log('nothing lost, nothing duplicated');
} finally {
  clearInterval(sampler);
  await runtime.stop();
  if (logs) {
    await logs.restore();
    console.log(`runtime log lines: ${logs.lines().toLocaleString('en-US')} in ${path.relative(process.cwd(), logs.file)}`);
  }
}
process.exit(failed ? 1 : 0);
