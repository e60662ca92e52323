/**
 * `npm run bench -- search`: CISS Search's quality and speed on the embedded runtime.
 *
 *  1. Ingestion: the simulator's world (synthetic people, 13 source systems' records in their own
 *     shapes) ingested as the functions ingest it (the ingest use case, search_apply in batches,
 *     through the edge's RDS Data API as the ingest user), in records per second, against the
 *     engine's bulk-insert ceiling measured in the same run: as many of the final rows copied table
 *     to table into empty copies with the same indexes (no checks, no round trips).
 *  2. Relevance: a labelled query set made from the simulator's ground truth (misspelt names,
 *     nicknames, day and month swapped, names typed without accents, apostrophes or hyphens,
 *     transposed names, each with the date of birth as a name inquiry gives it; a misspelt name
 *     alone, reported apart; identifiers), asked on `GET /search` as a judge with the search role (who
 *     may see every record). Precision at 5: the share of the first five hits (or fewer, when fewer
 *     came back) that are the person's; recall at 10: the person's records among the first ten,
 *     over min(10, how many the person has).
 *  3. Latency: the same queries (at most LATENCY_QUERIES of them, evenly spread) on `GET /search` (HTTP, the gateway's token check, the handler,
 *     the Data API hop, the audit write) at concurrency 1 and 8, p50 and p95, as a ratio to the
 *     same SQL (the statements the route sent, caught at the edge) run directly on the engine in
 *     the same run, at the same concurrency. The route's one write (the query log) is left out of
 *     the replay, which reads only.
 *
 * A measurement, not a test. `--records N` (default 1,000,000; `--quick` 20,000) sets the volume;
 * people are added until the index holds that many records. The first 100,000 (all, when fewer)
 * are ingested through the Data API and timed; the rest are filled straight into the engine with
 * the same statement, its secondary indexes dropped and built again after (as a bulk load does),
 * then the tables analyzed. It also prints the database's size.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { performance } from 'node:perf_hooks';
import { pool, summarize, type Summary } from '../drive/stats';
import { DataApiEngine } from '../functions/search/adapters/data-api';
import type { SearchAnswer } from '../functions/search/domain/answer';
import { sourceOf } from '../functions/search/domain/sources';
import type { SqlEngine, SqlParams, SqlValue } from '../functions/search/ports';
import { ingestFromSource } from '../functions/search/use-cases/ingest';
import { Clock } from '../infra/local/clock';
import { LOCAL_REGION } from '../infra/local/lambda';
import { localSearchDbArn, localSearchDbSecretArn, startLocalRuntime, type LocalRuntime } from '../infra/local/runtime';
import { NICKNAMES } from '../infra/local/search/simulator-data';
import { Rng, simulate, type SimPerson } from '../infra/local/search/simulator';
import type { EdgeRequest } from '../infra/local/edge';
import { Progress } from './progress';
import { table } from './stats';

const STAGE = 'bench-search';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export interface SearchBenchOptions {
  /** Records in the index when the measures start. */
  readonly records: number;
  readonly seed: number;
  /** Records ingested through the Data API and timed (the rest are filled straight into the engine). */
  readonly measured: number;
  /** People whose variants make the labelled query set. */
  readonly sampled: number;
  /** Of those queries, at most this many (evenly spread) are timed at each concurrency. @default LATENCY_QUERIES */
  readonly latencyQueries?: number;
}

/** Queries timed at each concurrency: enough for a p95, few enough that a million-record run ends. */
export const LATENCY_QUERIES = 50;

export interface QueryCase {
  readonly kind: 'typo' | 'name-only' | 'nickname' | 'swapped-dob' | 'plain-ascii' | 'transposed' | 'identifier';
  readonly q: string;
  readonly personId: string;
}

export interface RelevanceRow {
  readonly kind: QueryCase['kind'] | 'all name variants' | 'all';
  readonly queries: number;
  readonly precisionAt5: number;
  readonly recallAt10: number;
}

export interface LatencyRow {
  readonly concurrency: number;
  readonly queries: number;
  readonly route: Summary;
  readonly direct: Summary;
  readonly ratioP50: number;
  readonly ratioP95: number;
}

export interface SearchBenchResult {
  readonly people: number;
  readonly records: number;
  readonly changes: number;
  readonly ingest: { readonly records: number; readonly seconds: number; readonly recordsPerSecond: number; readonly ceilingRecordsPerSecond: number; readonly ratio: number };
  /** The rest, filled straight into the engine with its secondary indexes dropped, then the indexes built again: seconds each. */
  readonly fill: { readonly records: number; readonly seconds: number; readonly indexSeconds: number };
  /** The search database's size (pg_database_size) once filled, in bytes. */
  readonly databaseBytes: number;
  readonly relevance: readonly RelevanceRow[];
  readonly latency: readonly LatencyRow[];
  /** Requests asked again because the connection was reset (a reused keep-alive connection the server had closed). */
  readonly connectionResets: number;
}

/** One letter changed, dropped, or two swapped: a typing slip, deterministic from the rng. */
export function misspell(word: string, rng: Rng): string {
  if (word.length < 4) return word;
  const i = rng.int(1, word.length - 3);
  const kind = rng.int(0, 2);
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  const vowels = 'aeiou';
  const c = word[i]!.toLowerCase();
  const swap = vowels.includes(c) ? vowels[(vowels.indexOf(c) + 1) % 5]! : c === 'n' ? 'm' : 'n';
  return word.slice(0, i) + swap + word.slice(i + 1);
}

/** A name as someone types it without accents, apostrophes or hyphens: "O'Brien-Núñez" → "OBrien Nunez". */
export const plainAscii = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/'/g, '')
    .replace(/-/g, ' ');

const usDate = (iso: string, swap = false): string => {
  const [y, m, d] = iso.split('-');
  return swap ? `${d}/${m}/${y}` : `${m}/${d}/${y}`;
};

/**
 * The labelled queries one person gives: each variant the issue names that their name and records
 * allow. Name variants carry the date of birth, as a name inquiry does (name and date of birth);
 * `name-only` asks the misspelt name alone, and is reported apart from the goal: among a million
 * records a common name without a date of birth names many people.
 */
export function queriesFor(person: SimPerson, rng: Rng): QueryCase[] {
  const cases: QueryCase[] = [];
  const add = (kind: QueryCase['kind'], q: string) => cases.push({ kind, q, personId: person.id });
  const born = usDate(person.dob);
  const misspelt = misspell(person.last, rng);
  add('typo', `${person.first} ${misspelt} ${born}`);
  add('name-only', `${person.first} ${misspelt}`);
  const nick = NICKNAMES[person.first]?.[0];
  if (nick) add('nickname', `${nick} ${person.last} ${born}`);
  const day = Number(person.dob.slice(8, 10));
  if (day <= 12 && day !== Number(person.dob.slice(5, 7))) add('swapped-dob', `${person.first} ${person.last} ${usDate(person.dob, true)}`);
  if (plainAscii(person.last) !== person.last || plainAscii(person.first) !== person.first) add('plain-ascii', `${plainAscii(person.first)} ${plainAscii(person.last)} ${born}`);
  add('transposed', `${person.last} ${person.first} ${born}`);
  const id = person.sid ?? person.licence ?? person.plates[0];
  if (id) add('identifier', id);
  return cases;
}

/** At most `most` indexes of 0..n-1, evenly spread (all of them when n ≤ most). */
export function spread(n: number, most: number): number[] {
  if (n <= most) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: most }, (_, i) => Math.floor((i * n) / most));
}

/** The search tables' secondary indexes (not their keys), with the statements that make them. */
const SECONDARY_INDEXES = `SELECT indexname AS name, indexdef AS def FROM pg_indexes
WHERE schemaname = 'public' AND tablename IN ('search_record', 'search_name', 'search_identifier') AND indexname NOT LIKE '%_pkey'
ORDER BY indexname`;

/** Precision at 5 and recall at 10 of one ranking against the person's records. */
export function relevanceOf(ranked: readonly string[], relevant: ReadonlySet<string>): { precisionAt5: number; recallAt10: number } {
  const top5 = ranked.slice(0, 5);
  const top10 = ranked.slice(0, 10);
  const hits5 = top5.filter((k) => relevant.has(k)).length;
  const hits10 = top10.filter((k) => relevant.has(k)).length;
  return { precisionAt5: top5.length ? hits5 / top5.length : 0, recallAt10: relevant.size ? hits10 / Math.min(10, relevant.size) : 1 };
}

/** The Data API's parameters, back as the engine's (what the route sent, for the replay). */
function paramsOf(parameters: readonly { name: string; value: Record<string, unknown> }[] | undefined): SqlParams {
  const out: Record<string, SqlValue> = {};
  for (const { name, value } of parameters ?? []) {
    const v = value['stringValue'] ?? value['longValue'] ?? value['doubleValue'] ?? value['booleanValue'] ?? null;
    out[name] = v as SqlValue;
  }
  return out;
}

interface Statement {
  readonly sql: string;
  readonly params: SqlParams;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const runtime: LocalRuntime = await startLocalRuntime({ stage: STAGE, edgePort: 0, apiPort: 0, sesPort: 0, cmsPort: 0, clock: new Clock({ mode: 'manual' }), schedules: false });
  try {
    const ingestEngine: SqlEngine = new DataApiEngine(new RDSDataClient({ endpoint: runtime.endpoints.edge, region: LOCAL_REGION, credentials: CREDENTIALS }), {
      SEARCH_DB_ARN: localSearchDbArn(STAGE),
      SEARCH_DB_SECRET_ARN: localSearchDbSecretArn(STAGE, 'ingest'),
      SEARCH_DB_NAME: 'ciss_search',
    });
    const direct = runtime.search.direct();

    // 1. Ingestion. The first `measured` records as the functions ingest them (the ingest use case
    // through the edge's Data API; removals' audit records are counted, not written: the bench
    // measures the engine); the rest filled straight into the engine with the same statement.
    const truth = new Map<string, Set<string>>();
    const people: SimPerson[] = [];
    let present = 0;
    let changes = 0;
    const measured = Math.min(options.records, options.measured);
    const buffers = new Map<string, unknown[]>();
    const viaApi = { engine: ingestEngine, audit: async () => undefined, batchSize: 500, actor: 'bench' };
    const straight = { ...viaApi, engine: direct, batchSize: 2000 };
    let phase = viaApi;
    const flush = async (source: string): Promise<void> => {
      const batch = buffers.get(source) ?? [];
      if (!batch.length) return;
      buffers.set(source, []);
      await ingestFromSource(sourceOf(source)!, batch, phase);
    };
    const flushAll = async (): Promise<void> => {
      for (const source of [...buffers.keys()]) await flush(source);
    };
    const progress = new Progress({ label: `[search] ingest ${options.records.toLocaleString('en-US')} records (the first ${measured.toLocaleString('en-US')} measured through the Data API)`, total: options.records, unit: 'records' });
    const ingestStart = performance.now();
    let ingestSeconds = 0;
    let measuredRecords = 0;
    let dropped: { name: string; def: string }[] = [];
    let fillStart: number | undefined;
    for (const part of simulate({ seed: options.seed, people: Number.MAX_SAFE_INTEGER })) {
      people.push(part.person);
      const keys = part.records.filter((r) => r.present).map((r) => r.key);
      truth.set(part.person.id, new Set(keys));
      present += keys.length;
      for (const d of part.deliveries) {
        changes++;
        const buffer = buffers.get(d.source) ?? [];
        buffer.push(d.change);
        buffers.set(d.source, buffer);
        if (buffer.length >= phase.batchSize) await flush(d.source);
      }
      progress.update(present);
      if (phase === viaApi && present >= measured) {
        await flushAll();
        ingestSeconds = (performance.now() - ingestStart) / 1000;
        const [row] = (await direct.query('SELECT count(*)::int AS n FROM search_record')) as [{ n: number }];
        measuredRecords = row.n;
        phase = straight;
        if (present < options.records) {
          // A bulk load's usual way: the secondary indexes (trigram, full text, metaphone, dates) are
          // dropped for the fill and built again after it, from their own definitions.
          dropped = (await direct.query(SECONDARY_INDEXES)) as { name: string; def: string }[];
          for (const { name } of dropped) await direct.query(`DROP INDEX ${name}`);
          fillStart = performance.now();
        }
      }
      if (present >= options.records) break;
    }
    await flushAll();
    progress.finish();
    const fillSeconds = fillStart === undefined ? 0 : (performance.now() - fillStart) / 1000;
    const indexing = await timed(async () => {
      for (const { def } of dropped) await direct.query(def);
      await direct.query('ANALYZE search_record, search_name, search_identifier');
    });
    const [{ n }] = (await direct.query('SELECT count(*)::int AS n FROM search_record')) as [{ n: number }];
    const [{ bytes }] = (await direct.query('SELECT pg_database_size(current_database())::float8 AS bytes')) as [{ bytes: number }];

    // The ceiling: as many final rows as were measured, copied table to table into empty copies with the same indexes.
    const copy = ['search_record', 'search_name', 'search_identifier'];
    for (const t of copy) await direct.query(`DROP TABLE IF EXISTS bench_${t}`);
    for (const t of copy) await direct.query(`CREATE TABLE bench_${t} (LIKE ${t} INCLUDING ALL)`);
    const ceiling = await timed(async () => {
      await direct.query(`INSERT INTO bench_search_record SELECT * FROM search_record ORDER BY source, record_id LIMIT ${measuredRecords}`);
      for (const t of ['search_name', 'search_identifier']) await direct.query(`INSERT INTO bench_${t} SELECT x.* FROM ${t} x JOIN bench_search_record r ON r.source = x.source AND r.record_id = x.record_id`);
    });
    for (const t of copy) await direct.query(`DROP TABLE bench_${t}`);
    const rate = measuredRecords / ingestSeconds;
    const ceilingRate = measuredRecords / (ceiling.ms / 1000);
    const ingest = { records: measuredRecords, seconds: ingestSeconds, recordsPerSecond: rate, ceilingRecordsPerSecond: ceilingRate, ratio: rate / ceilingRate };
    const fill = { records: n - measuredRecords, seconds: fillSeconds, indexSeconds: indexing.ms / 1000 };

    // 2. Relevance, on the route, as a judge with the search role.
    const token = await runtime.mintToken({ roles: ['search', 'judicial'], username: 'bench-searcher' });
    const rng = new Rng(options.seed * 7919 + 1);
    const step = Math.max(1, Math.floor(people.length / options.sampled));
    const cases = people.filter((_, i) => i % step === 0).slice(0, options.sampled).flatMap((p) => queriesFor(p, rng));
    let resets = 0;
    const ask = async (q: string): Promise<SearchAnswer> => {
      const url = `${runtime.endpoints.api}/search?${new URLSearchParams({ q, purpose: 'C', limit: '25' })}`;
      let res: Response;
      for (let attempt = 0; ; attempt++) {
        try {
          res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
          break;
        } catch (error) {
          // A connection the server closed as the client reused it: asked again, and counted.
          if (attempt >= 2) throw error;
          resets++;
        }
      }
      if (res.status !== 200) throw new Error(`GET /search?q=${q}: ${res.status} ${await res.text()}`);
      return (await res.json()) as SearchAnswer;
    };

    // Each query's statements, caught at the edge while the queries run one at a time.
    let current: Statement[] | undefined;
    const tap = (request: EdgeRequest): undefined => {
      if (request.service === 'rds-data' && current && request.body) {
        const body = JSON.parse(request.body) as { sql: string; parameters?: { name: string; value: Record<string, unknown> }[] };
        if (/^\s*(SELECT|WITH)\b/i.test(body.sql)) current.push({ sql: body.sql, params: paramsOf(body.parameters) });
      }
      return undefined;
    };
    runtime.edge.taps.push(tap);
    const statements: Statement[][] = [];
    const routeSerialMs: number[] = [];
    const scores: { kind: QueryCase['kind']; precisionAt5: number; recallAt10: number }[] = [];
    const relevanceProgress = new Progress({ label: `[search] ${cases.length} labelled queries`, total: cases.length, unit: 'queries' });
    for (const [i, c] of cases.entries()) {
      current = [];
      const { ms, value } = await timed(() => ask(c.q));
      statements.push(current);
      routeSerialMs.push(ms);
      const ranked = value.people.flatMap((g) => g.hits.map((h) => `${h.source}/${h.recordId}`));
      scores.push({ kind: c.kind, ...relevanceOf(ranked, truth.get(c.personId) ?? new Set()) });
      relevanceProgress.update(i + 1);
    }
    current = undefined;
    runtime.edge.taps.splice(runtime.edge.taps.indexOf(tap), 1);
    relevanceProgress.finish(false);
    const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const rowOf = (kind: RelevanceRow['kind'], rows: typeof scores): RelevanceRow => ({ kind, queries: rows.length, precisionAt5: mean(rows.map((r) => r.precisionAt5)), recallAt10: mean(rows.map((r) => r.recallAt10)) });
    const kinds = [...new Set(scores.map((s) => s.kind))];
    const relevance: RelevanceRow[] = [
      ...kinds.map((k) => rowOf(k, scores.filter((s) => s.kind === k))),
      rowOf('all name variants', scores.filter((s) => s.kind !== 'identifier' && s.kind !== 'name-only')),
      rowOf('all', scores),
    ];

    // 3. Latency at concurrency 1 and 8: the route, then the same reads directly.
    const replay = async (i: number): Promise<number> => {
      const t0 = performance.now();
      for (const s of statements[i] ?? []) await direct.query(s.sql, s.params);
      return performance.now() - t0;
    };
    const latency: LatencyRow[] = [];
    const timedCases = spread(cases.length, options.latencyQueries ?? LATENCY_QUERIES);
    for (const concurrency of [1, 8]) {
      const route: number[] = [];
      const straight: number[] = [];
      const levelProgress = new Progress({ label: `[search] latency at concurrency ${concurrency}`, total: timedCases.length * 2, unit: 'queries' });
      let done = 0;
      await pool(timedCases.length, concurrency, async (i) => {
        const { ms } = await timed(() => ask(cases[timedCases[i]!]!.q));
        route.push(ms);
        levelProgress.update(++done);
      });
      await pool(timedCases.length, concurrency, async (i) => {
        straight.push(await replay(timedCases[i]!));
        levelProgress.update(++done);
      });
      levelProgress.finish(false);
      const r = summarize(route);
      const d = summarize(straight);
      latency.push({ concurrency, queries: timedCases.length, route: r, direct: d, ratioP50: r.p50 / d.p50, ratioP95: r.p95 / d.p95 });
    }
    return { people: people.length, records: n, changes, ingest, fill, databaseBytes: bytes, relevance, latency, connectionResets: resets };
  } finally {
    await runtime.stop();
  }
}

const pct = (x: number): string => x.toFixed(3);

/** The search bench's tables, each figure beside its goal. */
export function reportSearch(r: SearchBenchResult): void {
  console.log(`\nIndex: ${r.records.toLocaleString('en-US')} records of ${r.people.toLocaleString('en-US')} synthetic people (${r.changes.toLocaleString('en-US')} changes delivered by 13 simulated sources)`);
  console.log(`\nIngestion of the first ${r.ingest.records.toLocaleString('en-US')} records (the ingest use case through the edge's Data API, search_apply in batches of 500) against the bulk-insert ceiling (as many rows copied table to table into empty copies with the same indexes):`);
  console.log(table(['records/s', 'ceiling records/s', 'ratio'], [[Math.round(r.ingest.recordsPerSecond), Math.round(r.ingest.ceilingRecordsPerSecond), pct(r.ingest.ratio)]]));
  if (r.fill.records > 0) console.log(`The other ${r.fill.records.toLocaleString('en-US')} records filled straight into the engine (search_apply, secondary indexes dropped) in ${Math.round(r.fill.seconds)} s, the indexes built again in ${Math.round(r.fill.indexSeconds)} s.`);
  console.log(`Database size: ${(r.databaseBytes / 2 ** 20).toFixed(0)} MiB.`);
  console.log('\nRelevance on GET /search (labelled queries from the simulator\'s ground truth). Goal: recall at 10 ≥ 0.95 on name variants.');
  console.log(table(['query kind', 'queries', 'precision at 5', 'recall at 10'], r.relevance.map((row) => [row.kind, row.queries, pct(row.precisionAt5), pct(row.recallAt10)])));
  console.log('\nLatency of GET /search (ms) against the same SQL run directly on the engine, same run, same concurrency. Goal: ≤ 1.5×.');
  if (r.connectionResets) console.log(`(${r.connectionResets} requests asked again after a connection reset)`);
  console.log(table(['concurrency', 'queries', 'route p50', 'route p95', 'direct p50', 'direct p95', 'ratio p50', 'ratio p95'], r.latency.map((l) => [l.concurrency, l.queries, l.route.p50, l.route.p95, l.direct.p50, l.direct.p95, l.ratioP50.toFixed(2), l.ratioP95.toFixed(2)])));
}
