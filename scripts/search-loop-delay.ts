/**
 * `npx tsx scripts/search-loop-delay.ts [--people 300] [--rounds 3]`: how long CISS Search's
 * local database holds up the embedded runtime's main thread (the thread of the edge, the API,
 * the Lambdas, the Step Functions emulator and the clock).
 *
 * On one runtime, with a cheap unrelated call (`GET /health` on the API, a token check and a tiny
 * Lambda) made every 20 ms throughout, it measures the main thread's event-loop delay
 * (perf_hooks.monitorEventLoopDelay) and those calls' latency in three phases:
 *  1. idle: nothing else happening (the baseline);
 *  2. first open: the first Data API statement, which opens PGlite (extensions, schema);
 *  3. burst: an ingest of `--people` synthetic people's records (search_apply in batches of 500
 *     through the Data API, as the functions ingest) while 8 searches at a time run on
 *     `GET /search`, `--rounds` times.
 * A measurement, not a test: it prints one table.
 */
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DataApiEngine } from '../functions/search/adapters/data-api';
import { sourceOf } from '../functions/search/domain/sources';
import { ingestFromSource } from '../functions/search/use-cases/ingest';
import { Clock } from '../infra/local/clock';
import { LOCAL_REGION } from '../infra/local/lambda';
import { localSearchDbArn, localSearchDbSecretArn, startLocalRuntime } from '../infra/local/runtime';
import { simulate, type SimPerson } from '../infra/local/search/simulator';

const { values } = parseArgs({ options: { people: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' } } });
const people = Number(values.people);
const rounds = Number(values.rounds);
const STAGE = 'loop-delay';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const PING_EVERY_MS = 20;

interface PhaseFigures {
  readonly phase: string;
  readonly seconds: number;
  readonly loopMaxMs: number;
  readonly loopP99Ms: number;
  readonly loopMeanMs: number;
  readonly pings: number;
  readonly pingP50Ms: number;
  readonly pingMaxMs: number;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** Runs `work` while measuring the loop's delay and pinging `GET /health`. */
async function phase(name: string, ping: () => Promise<void>, work: () => Promise<void>): Promise<PhaseFigures> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const latencies: number[] = [];
  let running = true;
  const pinger = (async () => {
    while (running) {
      const t0 = performance.now();
      await ping();
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
    }
  })();
  histogram.enable();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  histogram.disable();
  running = false;
  await pinger;
  const sorted = latencies.sort((a, b) => a - b);
  const ms = (ns: number) => ns / 1e6;
  return {
    phase: name,
    seconds,
    loopMaxMs: ms(histogram.max),
    loopP99Ms: ms(histogram.percentile(99)),
    loopMeanMs: ms(histogram.mean),
    pings: sorted.length,
    pingP50Ms: percentile(sorted, 50),
    pingMaxMs: sorted.at(-1) ?? 0,
  };
}

const runtime = await startLocalRuntime({ stage: STAGE, edgePort: 0, apiPort: 0, sesPort: 0, cmsPort: 0, clock: new Clock({ mode: 'manual' }), schedules: false });
const figures: PhaseFigures[] = [];
try {
  const rds = new RDSDataClient({ endpoint: runtime.endpoints.edge, region: LOCAL_REGION, credentials: CREDENTIALS });
  const dbArn = localSearchDbArn(STAGE);
  const engine = new DataApiEngine(rds, { SEARCH_DB_ARN: dbArn, SEARCH_DB_SECRET_ARN: localSearchDbSecretArn(STAGE, 'ingest'), SEARCH_DB_NAME: 'ciss_search' });
  const staff = await runtime.mintToken({ roles: ['agency-staff'], ori: 'CT0000100', username: 'loop-delay-staff' });
  const officer = await runtime.mintToken({ roles: ['agency-staff', 'search'], ori: 'CT0000100', username: 'loop-delay-officer' });
  const get = async (path: string, token: string) => {
    const res = await fetch(`${runtime.endpoints.api}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const ping = () => get('/health', staff);
  // Warm the health Lambda's module, so the pings time calls, not a cold start.
  await ping();

  figures.push(await phase('idle (1 s)', ping, () => new Promise((resolve) => setTimeout(resolve, 1000))));
  figures.push(
    await phase('first open (SELECT 1)', ping, async () => {
      await rds.send(new ExecuteStatementCommand({ resourceArn: dbArn, secretArn: localSearchDbSecretArn(STAGE, 'query'), database: 'ciss_search', sql: 'SELECT 1' }));
    }),
  );

  const world: SimPerson[] = [];
  const bySource = new Map<string, unknown[]>();
  for (const part of simulate({ seed: 7, people })) {
    world.push(part.person);
    for (const d of part.deliveries) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d.change]);
  }
  const changes = [...bySource.values()].reduce((n, c) => n + c.length, 0);
  const names = world.map((p) => `${p.first} ${p.last.slice(0, -1)}`);
  // Warm the search Lambda's module (and the query plans) before the burst.
  await get(`/search?q=${encodeURIComponent(names[0] ?? 'Smith')}&purpose=C`, officer);
  let searches = 0;
  figures.push(
    await phase(`burst (${changes} changes ingested, 8 concurrent searches x ${rounds})`, ping, async () => {
      const ingest = (async () => {
        for (const [source, delivered] of bySource) await ingestFromSource(sourceOf(source)!, delivered, { engine, audit: async () => undefined, batchSize: 500, actor: 'loop-delay' });
      })();
      for (let round = 0; round < rounds; round++) {
        await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            await get(`/search?q=${encodeURIComponent(names[(round * 8 + i) % names.length] ?? 'Smith')}&purpose=C`, officer);
            searches++;
          }),
        );
      }
      await ingest;
    }),
  );
  rds.destroy();
  const row = (f: PhaseFigures) =>
    [f.phase.padEnd(62), f.seconds.toFixed(2).padStart(7), f.loopMaxMs.toFixed(0).padStart(9), f.loopP99Ms.toFixed(0).padStart(9), f.loopMeanMs.toFixed(1).padStart(9), String(f.pings).padStart(6), f.pingP50Ms.toFixed(0).padStart(9), f.pingMaxMs.toFixed(0).padStart(9)].join(' ');
  console.log(['phase'.padEnd(62), 'wall s'.padStart(7), 'loop max'.padStart(9), 'loop p99'.padStart(9), 'loop mean'.padStart(9), 'pings'.padStart(6), 'ping p50'.padStart(9), 'ping max'.padStart(9)].join(' '));
  for (const f of figures) console.log(row(f));
  console.log(`(ms unless said; ${searches} searches; GET /health every ${PING_EVERY_MS} ms throughout)`);
} finally {
  await runtime.stop();
}
