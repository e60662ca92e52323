/**
 * `npm run bench -- search`: CISS Search's quality and speed on the embedded runtime.
 *
 *  1. Ingestion: the volume is filled once straight into the engine (filledDatabase: search_apply
 *     on the engine directly, secondary indexes dropped and built again, then ANALYZE) and kept in
 *     FILL_CACHE; each run copies it. On top of it, the next people's records (`measured`) are
 *     ingested as the functions ingest them (the ingest use case, search_apply in batches, through
 *     the edge's RDS Data API as the ingest user), in records per second, against the engine's
 *     bulk-insert ceiling measured in the same run: the same rows taken out and put back into the
 *     same tables by INSERT … SELECT, every index in place (no JSON, no checks, no round trips).
 *  2. Relevance: a labelled query set made from the simulator's ground truth (misspelt names,
 *     nicknames, day and month swapped, names typed without accents, apostrophes or hyphens,
 *     transposed names, each with the date of birth as a name inquiry gives it; a misspelt name
 *     alone, reported apart; identifiers), asked on `GET /search` as a judge with the search role (who
 *     may see every record). Precision at 5: the share of the first five hits (or fewer, when fewer
 *     came back) that are the person's; recall at 10: the person's records among the first ten,
 *     over min(10, how many the person has).
 *  3. Latency: the same queries (at most LATENCY_QUERIES of them, evenly spread) on `GET /search` (HTTP, the gateway's token check, the handler,
 *     the Data API hop, the audit write) at concurrency 1 and 8, p50 and p95, as a ratio to the
 *     same SQL (every statement the route sent, caught at the edge: its reads and its query-log
 *     insert, under a new query id) run directly on the engine in the same run, at the same
 *     concurrency, sent as the route sends them (replayOrder).
 *
 * A measurement, not a test. `--records N` (default 1,000,000; `--quick` 20,000) sets the volume;
 * people are added until the index holds that many records. It also prints the database's size.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pool, summarize, type Summary } from '../drive/stats';
import { DataApiEngine } from '../functions/search/adapters/data-api';
import type { SearchAnswer } from '../functions/search/domain/answer';
import { sourceOf } from '../functions/search/domain/sources';
import type { SqlEngine, SqlParams, SqlRow, SqlValue } from '../functions/search/ports';
import { ingestFromSource } from '../functions/search/use-cases/ingest';
import { Clock } from '../infra/local/clock';
import { LOCAL_REGION } from '../infra/local/lambda';
import { localSearchDbArn, localSearchDbSecretArn, startLocalRuntime, type LocalRuntime } from '../infra/local/runtime';
import { NICKNAMES } from '../infra/local/search/simulator-data';
import { openSearchWorker, type SearchSession } from '../infra/local/search/session';
import { Rng, simulate, type SimDelivery, type SimPerson, type SimWorldPart } from '../infra/local/search/simulator';
import { toPositional } from '../infra/local/search/sql';
import type { EdgeRequest } from '../infra/local/edge';
import { searchSchemaStatements } from '../infra/search-schema';
import { Progress } from './progress';
import { table } from './stats';

const STAGE = 'bench-search';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export interface SearchBenchOptions {
  /** Records in the index when the measures start. */
  readonly records: number;
  readonly seed: number;
  /** About this many more records (the next people's) ingested through the Data API into the filled index, and timed. */
  readonly measured: number;
  /** People whose variants make the labelled query set. */
  readonly sampled: number;
  /** Of those queries, at most this many (evenly spread) are timed at each concurrency. @default LATENCY_QUERIES */
  readonly latencyQueries?: number;
  /** Where progress lines go. @default stderr */
  readonly log?: (line: string) => void;
}

/** Records ingested through the Data API, and timed, on top of the filled volume. */
export const INGEST_SAMPLE = 10_000;

/** Queries timed at each concurrency: enough for a p95, few enough that a million-record run ends. */
export const LATENCY_QUERIES = 50;

export interface QueryCase {
  readonly kind: 'typo' | 'name-only' | 'nickname' | 'swapped-dob' | 'plain-ascii' | 'transposed' | 'identifier';
  readonly q: string;
  readonly personId: string;
}

export interface RelevanceRow {
  readonly kind: QueryCase['kind'] | 'name-only, no namesake' | 'all name variants' | 'all';
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
  /** Statements each search sent to the engine (the route's, replayed directly), on average. */
  readonly statements: number;
}

export interface SearchBenchResult {
  readonly people: number;
  readonly records: number;
  readonly changes: number;
  /** How many simulated people, on average, bear the full name a name-only query asks (the person included). */
  readonly namesakesPerName: number;
  readonly ingest: { readonly records: number; readonly seconds: number; readonly recordsPerSecond: number; readonly ceilingRecordsPerSecond: number; readonly ratio: number };
  /** The volume, filled straight into the engine with its secondary indexes dropped, then the indexes built again (in this run, or in an earlier one and copied: `built`). */
  readonly fill: FillFacts & { readonly built: boolean };
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

export interface Statement {
  readonly sql: string;
  readonly params: SqlParams;
}

/** The route's statements that GET /search sends: its reads, and its one write, the query log. */
export const isRouteStatement = (sql: string): boolean => /^\s*(SELECT|WITH)\b/i.test(sql) || /^\s*INSERT INTO search_query\b/i.test(sql);

/**
 * A search's statements in the order the route sends them: the candidate queries (names,
 * identifiers, words) at once, then one after the other the rest (details, linked records, the
 * query log). The query log's row gets a new id (`:id` + `suffix`), as each search's does.
 */
export function replayOrder(statements: readonly Statement[], suffix: string): { together: Statement[]; after: Statement[] } {
  const fresh = (s: Statement): Statement => (/^\s*INSERT INTO search_query\b/i.test(s.sql) ? { sql: s.sql, params: { ...s.params, id: `${String(s.params['id'])}${suffix}` } } : s);
  const later = statements.findIndex((s) => /JOIN unnest\(|^\s*WITH link\b|^\s*INSERT\b/i.test(s.sql));
  const cut = later < 0 ? statements.length : later;
  return { together: statements.slice(0, cut).map(fresh), after: statements.slice(cut).map(fresh) };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

/** Where bulk-filled search databases are kept between runs: a PGlite data directory per seed, volume and what makes their rows. */
export const FILL_CACHE = path.join(tmpdir(), 'ciss-search-bench');

/** The files whose text decides which rows a fill writes: the simulator, the connectors, ingestion, the schema (its indexes aside). */
const FILL_INPUTS = ['infra/local/search/simulator.ts', 'infra/local/search/simulator-data.ts', 'functions/search/use-cases/ingest.ts', 'functions/search/domain/record.ts', 'functions/search/domain/connectors.ts', 'functions/search/domain/field-maps.json', 'functions/search/domain/sources.json', 'functions/search/domain/sources.ts'];

/**
 * The cache key of a fill: seed, volume, PGlite's version, the schema's statements but its
 * indexes (a missing index is built when the copy opens, as on Aurora: CREATE INDEX IF NOT EXISTS),
 * and the text of what makes the rows (the simulator, the connectors, ingestion).
 */
export function fillKey(seed: number, records: number, schema: readonly string[] = searchSchemaStatements(), inputs: readonly string[] = fillInputs()): string {
  const statements = schema.filter((st) => !/^CREATE INDEX IF NOT EXISTS\b/i.test(st));
  const hash = createHash('sha256').update(JSON.stringify({ pglite: pgliteVersion(), statements, inputs })).digest('hex').slice(0, 16);
  return `seed${seed}-${records}-${hash}`;
}

function fillInputs(): string[] {
  const root = path.join(import.meta.dirname, '..');
  return FILL_INPUTS.map((f) => path.join(root, f)).map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : ''));
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** What a fill wrote and what it took (kept beside the database as fill.json). */
export interface FillFacts {
  readonly people: number;
  readonly records: number;
  readonly changes: number;
  /** search_apply on the engine directly, secondary indexes dropped: seconds. */
  readonly seconds: number;
  /** The secondary indexes built again, then ANALYZE: seconds. */
  readonly indexSeconds: number;
  readonly builtAt: string;
  readonly loadAverage: readonly number[];
}

/** Search's statements on a session directly (as the database's owner): the fill's engine. */
function sessionEngine(session: SearchSession): SqlEngine {
  return {
    query: async (sql, params) => {
      const { text, values } = toPositional(sql, params);
      return (await session.query<SqlRow>(text, values)).rows;
    },
    batch: (sql, paramSets) => session.transaction((tx) => tx.batch(paramSets.map((params) => toPositional(sql, params)))),
  };
}

/** The simulated world's records delivered as the sources deliver them, into the ingest use case, a batch per source. */
class Deliveries {
  private readonly buffers = new Map<string, unknown[]>();
  constructor(private readonly ports: { engine: SqlEngine; audit: () => Promise<undefined>; batchSize: number; actor: string }) {}

  async add(d: SimDelivery): Promise<void> {
    const buffer = this.buffers.get(d.source) ?? [];
    buffer.push(d.change);
    this.buffers.set(d.source, buffer);
    if (buffer.length >= this.ports.batchSize) await this.flush(d.source);
  }

  async flushAll(): Promise<void> {
    for (const source of [...this.buffers.keys()]) await this.flush(source);
  }

  private async flush(source: string): Promise<void> {
    const batch = this.buffers.get(source) ?? [];
    if (!batch.length) return;
    this.buffers.set(source, []);
    await ingestFromSource(sourceOf(source)!, batch, this.ports);
  }
}

/**
 * The first people of the simulated world (seed) until the index holds `records` records, filled
 * straight into a PGlite data directory kept in FILL_CACHE: search_apply on the engine directly
 * in batches of 5,000, the secondary indexes dropped for the fill and built again after it, then
 * ANALYZE, as a bulk load does. Made once per key (fillKey); later runs copy it.
 */
export async function filledDatabase(seed: number, records: number, log: (line: string) => void = () => undefined): Promise<{ dir: string; facts: FillFacts; built: boolean }> {
  const dir = path.join(FILL_CACHE, fillKey(seed, records));
  const factsFile = path.join(dir, 'fill.json');
  if (existsSync(factsFile)) return { dir: path.join(dir, 'search'), facts: JSON.parse(readFileSync(factsFile, 'utf8')) as FillFacts, built: false };
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  log(`[search] filling ${records.toLocaleString('en-US')} records into ${dir} (once for this seed, volume and schema)`);
  const session = await openSearchWorker(path.join(partial, 'search'));
  let facts: FillFacts;
  try {
    const engine = sessionEngine(session);
    const dropped = (await engine.query(SECONDARY_INDEXES)) as { name: string; def: string }[];
    for (const { name } of dropped) await engine.query(`DROP INDEX ${name}`);
    const deliveries = new Deliveries({ engine, audit: async () => undefined, batchSize: 5000, actor: 'bench' });
    const progress = new Progress({ label: `[search] fill ${records.toLocaleString('en-US')} records straight into the engine`, total: records, unit: 'records' });
    const t0 = performance.now();
    let present = 0;
    let people = 0;
    let changes = 0;
    for (const part of simulate({ seed, people: Number.MAX_SAFE_INTEGER })) {
      people++;
      present += part.records.filter((r) => r.present).length;
      for (const d of part.deliveries) {
        changes++;
        await deliveries.add(d);
      }
      progress.update(present);
      if (present >= records) break;
    }
    await deliveries.flushAll();
    progress.finish();
    const seconds = (performance.now() - t0) / 1000;
    const indexing = await timed(async () => {
      for (const { def } of dropped) await engine.query(def);
      await session.analyze();
    });
    const [{ n }] = (await engine.query('SELECT count(*)::int AS n FROM search_record')) as [{ n: number }];
    facts = { people, records: n, changes, seconds, indexSeconds: indexing.ms / 1000, builtAt: new Date().toISOString(), loadAverage: loadavg() };
  } finally {
    await session.close();
  }
  writeFileSync(path.join(partial, 'fill.json'), `${JSON.stringify(facts, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return { dir: path.join(dir, 'search'), facts, built: true };
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  // 1a. The volume: filled once straight into the engine (filledDatabase), then copied for this run.
  const fill = await filledDatabase(options.seed, options.records, log);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ciss-search-bench-run-'));
  const copied = await timed(() => cp(fill.dir, path.join(dataDir, 'search'), { recursive: true }));
  log(`[search] ${fill.built ? 'filled' : 'reused the fill of'} ${fill.facts.records.toLocaleString('en-US')} records; copied in ${(copied.ms / 1000).toFixed(0)} s`);
  const runtime: LocalRuntime = await startLocalRuntime({ stage: STAGE, dataDir, edgePort: 0, apiPort: 0, sesPort: 0, cmsPort: 0, clock: new Clock({ mode: 'manual' }), schedules: false });
  try {
    const ingestEngine: SqlEngine = new DataApiEngine(new RDSDataClient({ endpoint: runtime.endpoints.edge, region: LOCAL_REGION, credentials: CREDENTIALS }), {
      SEARCH_DB_ARN: localSearchDbArn(STAGE),
      SEARCH_DB_SECRET_ARN: localSearchDbSecretArn(STAGE, 'ingest'),
      SEARCH_DB_NAME: 'ciss_search',
    });
    const direct = runtime.search.direct();
    const opened = await timed(() => direct.query('SELECT 1'));
    log(`[search] database opened in ${(opened.ms / 1000).toFixed(0)} s`);

    // The same world again (the simulator only: who is who, for the labelled queries).
    const truth = new Map<string, Set<string>>();
    const people: SimPerson[] = [];
    const world = simulate({ seed: options.seed, people: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < fill.facts.people; i++) {
      const part = world.next().value as SimWorldPart;
      people.push(part.person);
      truth.set(part.person.id, new Set(part.records.filter((r) => r.present).map((r) => r.key)));
    }

    // 1b. Ingestion: the next people's records (about options.measured of them), as the functions
    // ingest them (the ingest use case, search_apply in batches of 500, through the edge's Data API
    // as the ingest user), into the filled index with every index in place; timed.
    const sample: SimDelivery[] = [];
    const sampleKeys: string[] = [];
    while (sampleKeys.length < options.measured) {
      const part = world.next().value as SimWorldPart;
      people.push(part.person);
      const keys = part.records.filter((r) => r.present).map((r) => r.key);
      truth.set(part.person.id, new Set(keys));
      sampleKeys.push(...keys);
      sample.push(...part.deliveries);
    }
    const viaApi = new Deliveries({ engine: ingestEngine, audit: async () => undefined, batchSize: 500, actor: 'bench' });
    const progress = new Progress({ label: `[search] ingest ${sampleKeys.length.toLocaleString('en-US')} records through the Data API`, total: sample.length, unit: 'changes' });
    const ingestRun = await timed(async () => {
      for (const [i, d] of sample.entries()) {
        await viaApi.add(d);
        if (i % 100 === 0) progress.update(i);
      }
      await viaApi.flushAll();
    });
    progress.finish();

    // The ceiling: the same rows, taken out and put back into the same tables (every index in
    // place) by one INSERT … SELECT a table: no JSON, no checks, no round trips.
    const keyParams = { k_sources: sampleKeys.map((k) => k.split('/')[0]).join(' '), k_ids: sampleKeys.map((k) => k.slice(k.indexOf('/') + 1)).join(' ') };
    await direct.query(`CREATE TABLE bench_keep_record AS SELECT r.* FROM search_record r JOIN unnest(string_to_array(:k_sources, ' '), string_to_array(:k_ids, ' ')) AS k(source, record_id) ON r.source = k.source AND r.record_id = k.record_id`, keyParams);
    for (const t of ['name', 'identifier']) await direct.query(`CREATE TABLE bench_keep_${t} AS SELECT x.* FROM search_${t} x JOIN bench_keep_record r ON r.source = x.source AND r.record_id = x.record_id`);
    const [{ kept }] = (await direct.query('SELECT count(*)::int AS kept FROM bench_keep_record')) as [{ kept: number }];
    await direct.query('DELETE FROM search_record s USING bench_keep_record k WHERE s.source = k.source AND s.record_id = k.record_id');
    const ceiling = await timed(async () => {
      for (const t of ['record', 'name', 'identifier']) await direct.query(`INSERT INTO search_${t} SELECT * FROM bench_keep_${t}`);
    });
    for (const t of ['record', 'name', 'identifier']) await direct.query(`DROP TABLE bench_keep_${t}`);
    const [{ n }] = (await direct.query('SELECT count(*)::int AS n FROM search_record')) as [{ n: number }];
    const [{ bytes }] = (await direct.query('SELECT pg_database_size(current_database())::float8 AS bytes')) as [{ bytes: number }];
    const rate = kept / (ingestRun.ms / 1000);
    const ceilingRate = kept / (ceiling.ms / 1000);
    const ingest = { records: kept, seconds: ingestRun.ms / 1000, recordsPerSecond: rate, ceilingRecordsPerSecond: ceilingRate, ratio: rate / ceilingRate };
    const changes = fill.facts.changes + sample.length;

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
        if (isRouteStatement(body.sql)) current.push({ sql: body.sql, params: paramsOf(body.parameters) });
      }
      return undefined;
    };
    runtime.edge.taps.push(tap);
    const statements: Statement[][] = [];
    const routeSerialMs: number[] = [];
    // People who share the full name asked (the simulator's names are few): a name without a date of birth names them all.
    const fullName = (p: SimPerson) => `${p.first}|${p.last}`.toLowerCase();
    const namesakes = new Map<string, number>();
    for (const p of people) namesakes.set(fullName(p), (namesakes.get(fullName(p)) ?? 0) + 1);
    const personOf = new Map(people.map((p) => [p.id, p]));
    const scores: { kind: QueryCase['kind']; unique: boolean; precisionAt5: number; recallAt10: number }[] = [];
    const relevanceProgress = new Progress({ label: `[search] ${cases.length} labelled queries`, total: cases.length, unit: 'queries' });
    for (const [i, c] of cases.entries()) {
      current = [];
      const { ms, value } = await timed(() => ask(c.q));
      statements.push(current);
      routeSerialMs.push(ms);
      const ranked = value.people.flatMap((g) => g.hits.map((h) => `${h.source}/${h.recordId}`));
      const who = personOf.get(c.personId);
      scores.push({ kind: c.kind, unique: who !== undefined && namesakes.get(fullName(who)) === 1, ...relevanceOf(ranked, truth.get(c.personId) ?? new Set()) });
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
      ...(scores.some((s) => s.kind === 'name-only') ? [rowOf('name-only, no namesake', scores.filter((s) => s.kind === 'name-only' && s.unique))] : []),
      rowOf('all name variants', scores.filter((s) => s.kind !== 'identifier' && s.kind !== 'name-only')),
      rowOf('all', scores),
    ];

    // 3. Latency at concurrency 1 and 8: the route, then the same statements directly.
    let replays = 0;
    const replay = async (i: number): Promise<number> => {
      const { together, after } = replayOrder(statements[i] ?? [], `-replay-${++replays}`);
      const t0 = performance.now();
      await Promise.all(together.map((s) => direct.query(s.sql, s.params)));
      for (const s of after) await direct.query(s.sql, s.params);
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
      const sent = timedCases.map((i) => statements[i]?.length ?? 0);
      latency.push({ concurrency, queries: timedCases.length, route: r, direct: d, ratioP50: r.p50 / d.p50, ratioP95: r.p95 / d.p95, statements: sent.reduce((a, b) => a + b, 0) / Math.max(1, sent.length) });
    }
    const asked = cases.filter((c) => c.kind === 'name-only').map((c) => namesakes.get(fullName(personOf.get(c.personId)!)) ?? 1);
    const namesakesPerName = asked.length ? asked.reduce((a, b) => a + b, 0) / asked.length : 0;
    return { people: people.length, records: n, changes, namesakesPerName, ingest, fill: { ...fill.facts, built: fill.built }, databaseBytes: bytes, relevance, latency, connectionResets: resets };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const pct = (x: number): string => x.toFixed(3);

/** The search bench's tables, each figure beside its goal. */
export function reportSearch(r: SearchBenchResult): void {
  console.log(`\nIndex: ${r.records.toLocaleString('en-US')} records of ${r.people.toLocaleString('en-US')} synthetic people (${r.changes.toLocaleString('en-US')} changes delivered by 13 simulated sources)`);
  console.log(`\nIngestion of ${r.ingest.records.toLocaleString('en-US')} more records (the next people's: the ingest use case through the edge's Data API, search_apply in batches of 500, into the filled index) against the bulk-insert ceiling (the same rows taken out and put back into the same tables by INSERT … SELECT, every index in place):`);
  console.log(table(['records/s', 'ceiling records/s', 'ratio'], [[Math.round(r.ingest.recordsPerSecond), Math.round(r.ingest.ceilingRecordsPerSecond), pct(r.ingest.ratio)]]));
  console.log(`The volume (${r.fill.records.toLocaleString('en-US')} records) filled straight into the engine (search_apply in batches of 5,000, secondary indexes dropped) in ${Math.round(r.fill.seconds)} s (${Math.round(r.fill.records / r.fill.seconds)} records/s), the indexes built again and analyzed in ${Math.round(r.fill.indexSeconds)} s, ${r.fill.built ? 'in this run' : `on ${r.fill.builtAt} (kept in ${FILL_CACHE} and copied for this run)`}.`);
  console.log(`Database size: ${(r.databaseBytes / 2 ** 20).toFixed(0)} MiB.`);
  console.log('\nRelevance on GET /search (labelled queries from the simulator\'s ground truth). Goal: recall at 10 ≥ 0.95 on name variants.');
  console.log(`A name without a date of birth (name-only) is borne by ${r.namesakesPerName.toFixed(1)} simulated people on average (the person included); "no namesake" keeps the queries whose full name is the person's alone.`);
  console.log(table(['query kind', 'queries', 'precision at 5', 'recall at 10'], r.relevance.map((row) => [row.kind, row.queries, pct(row.precisionAt5), pct(row.recallAt10)])));
  console.log('\nLatency of GET /search (ms) against the same SQL run directly on the engine (every statement the route sent, its query-log insert included, sent as the route sends them), same run, same concurrency. Goal: ≤ 1.5×.');
  if (r.connectionResets) console.log(`(${r.connectionResets} requests asked again after a connection reset)`);
  console.log(table(['concurrency', 'queries', 'statements each', 'route p50', 'route p95', 'direct p50', 'direct p95', 'route − direct p50', 'ratio p50', 'ratio p95'], r.latency.map((l) => [l.concurrency, l.queries, l.statements.toFixed(1), l.route.p50, l.route.p95, l.direct.p50, l.direct.p95, Math.round(l.route.p50 - l.direct.p50), l.ratioP50.toFixed(2), l.ratioP95.toFixed(2)])));
}
