import { jest } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import type { AuditEvent } from '../../functions/shared/audit';
import type { PacketRecord } from '../../functions/arrests/adapters/packet-store';
import type { SearchRecordInput } from '../../functions/search/domain/record';
import { SOURCES, sourceOf, type Source } from '../../functions/search/domain/sources';
import type { SqlEngine } from '../../functions/search/ports';
import { indexArrest } from '../../functions/search/use-cases/index-arrest';
import { deliveryState, ingest, ingestFromSource } from '../../functions/search/use-cases/ingest';
import { polledSources, pollSources, type SourceApi, type SourcePage } from '../../functions/search/use-cases/poll';
import { ingestDroppedFile, type DroppedFiles } from '../../functions/search/use-cases/drop';
import objectCreated from '../../events/samples/search-drop-object-created.json' with { type: 'json' };
import { searchPersonRecords } from '../../functions/dissemination/adapters/person-records';
import { openSearchDatabase, PgliteEngine } from '../../infra/local/search/engine';
import { sourceDeliveries } from '../../infra/local/search/simulator';

let db: PGlite;
let engine: SqlEngine;
let audited: AuditEvent[];
const audit = async (e: AuditEvent) => void audited.push(e);

beforeAll(async () => {
  db = await openSearchDatabase();
  engine = new PgliteEngine(db);
});
afterAll(async () => db.close());
beforeEach(async () => {
  audited = [];
  await db.exec('TRUNCATE search_record, search_name, search_identifier, search_tombstone, search_source_state CASCADE');
});

const record = (id: string, version: number, over: Partial<SearchRecordInput> = {}): SearchRecordInput => ({
  source: 'jud-crmvs',
  id,
  version,
  kind: 'case',
  title: `Court case ${id}`,
  date: '2025-01-02',
  town: 'New Haven',
  person: { names: [{ first: 'José', middle: 'María', last: "O'Brien-Núñez" }, { first: 'Joe', last: 'de la Cruz' }], dob: '1980-03-04' },
  identifiers: { docket: [id], sid: ['CT-0123-4567'] },
  fields: [{ label: 'Disposition', value: `v${version}` }],
  ...over,
});
const upsert = (id: string, version: number, over?: Partial<SearchRecordInput>) => ({ op: 'upsert', record: record(id, version, over) });
const remove = (op: 'erase' | 'seal', id: string, version: number) => ({ op, source: 'jud-crmvs', id, version });
const stored = async (id: string) => (await engine.query(`SELECT version::int AS version, body->'fields'->0->>'value' AS disposition FROM search_record WHERE source = 'jud-crmvs' AND record_id = :id`, { id }))[0];
const count = async (table: string) => Number((await engine.query(`SELECT count(*)::int AS n FROM ${table}`))[0]!['n']);

describe('search_apply through the ingest use case', () => {
  it('indexes a record with its normalised names, phonetic codes, identifiers and full text', async () => {
    expect(await ingest([upsert('H14H-CR25-0000001-S', 1)], { engine, audit })).toEqual({ applied: 1, skipped: 0, removed: 0, rejected: [] });
    const names = await engine.query("SELECT ord, first_norm, middle_norm, last_norm, full_norm, last_code, last_code2, dob::text AS dob FROM search_name ORDER BY ord");
    expect(names).toEqual([
      { ord: 1, first_norm: 'jose', middle_norm: 'maria', last_norm: 'o brien nunez', full_norm: 'jose maria o brien nunez', last_code: expect.any(String), last_code2: expect.any(String), dob: '1980-03-04' },
      { ord: 2, first_norm: 'joe', middle_norm: '', last_norm: 'de la cruz', full_norm: 'joe de la cruz', last_code: 'TLKR', last_code2: 'TLKR', dob: '1980-03-04' },
    ]);
    const [codes] = await engine.query("SELECT dmetaphone('obriennunez') AS code");
    expect(names[0]!['last_code']).toBe(codes!['code']);
    expect(await engine.query('SELECT kind, value_norm FROM search_identifier ORDER BY kind')).toEqual([
      { kind: 'docket', value_norm: 'H14HCR250000001S' },
      { kind: 'sid', value_norm: 'CT01234567' },
    ]);
    const [hit] = await engine.query("SELECT count(*)::int AS n FROM search_record WHERE doc @@ to_tsquery('simple', 'nunez & ct01234567 & haven')");
    expect(hit!['n']).toBe(1);
  });

  it('changes nothing when a batch is replayed, and keeps the highest version whatever the order', async () => {
    const batch = [upsert('A', 2), upsert('A', 1), upsert('B', 1)];
    expect(await ingest(batch, { engine, audit })).toMatchObject({ applied: 2, skipped: 1 });
    expect(await ingest(batch, { engine, audit })).toMatchObject({ applied: 0, skipped: 3, removed: 0 });
    expect(await stored('A')).toEqual({ version: 2, disposition: 'v2' });
    await ingest([upsert('A', 1)], { engine, audit });
    expect(await stored('A')).toEqual({ version: 2, disposition: 'v2' });
    await ingest([upsert('A', 3, { person: { names: [{ last: 'Smith' }] } })], { engine, audit });
    expect(await stored('A')).toEqual({ version: 3, disposition: 'v3' });
    expect(await engine.query("SELECT last_norm FROM search_name WHERE record_id = 'A'")).toEqual([{ last_norm: 'smith' }]);
    expect(await count('search_name')).toBe(3);
  });

  it('tells the records its upserts wrote once all is applied (a replay too), none for removals or refused changes; dissemination reads them back by id', async () => {
    const told: { written: unknown[]; inIndex: unknown[] }[] = [];
    const announce = async (written: readonly { source: string; id: string; version: number }[]) => {
      told.push({ written: [...written], inIndex: await Promise.all(written.map((w) => stored(w.id))) });
    };
    const batch = [upsert('A', 1), remove('erase', 'C', 1), { op: 'upsert', record: { source: 'jud-crmvs' } }, upsert('B', 2)];
    await ingest(batch, { engine, audit, announce, batchSize: 1 });
    expect(told).toEqual([
      {
        written: [
          { source: 'jud-crmvs', id: 'A', version: 1 },
          { source: 'jud-crmvs', id: 'B', version: 2 },
        ],
        inIndex: [
          { version: 1, disposition: 'v1' },
          { version: 2, disposition: 'v2' },
        ],
      },
    ]);
    await ingest([upsert('A', 1)], { engine, audit, announce });
    expect(told[1]?.written).toEqual([{ source: 'jud-crmvs', id: 'A', version: 1 }]);
    await ingest([remove('seal', 'B', 3)], { engine, audit, announce });
    expect(told).toHaveLength(2);
    const written = await searchPersonRecords(engine).written('jud-crmvs', ['A', 'B', 'Z']);
    expect(written.map((r) => [r.id, r.version, r.fields[0]?.value])).toEqual([['A', 1, 'v1']]);
    expect(await searchPersonRecords(engine).written('jud-por', ['A'])).toEqual([]);
  });

  it('erases a record for good: its names and identifiers go, and neither a replayed older nor a newer version brings it back', async () => {
    await ingest([upsert('A', 1), upsert('B', 1)], { engine, audit });
    expect(await ingest([remove('erase', 'A', 2)], { engine, audit })).toMatchObject({ applied: 0, removed: 1 });
    expect(await stored('A')).toBeUndefined();
    expect(await ingest([upsert('A', 1), upsert('A', 2), upsert('A', 9)], { engine, audit })).toMatchObject({ applied: 0, skipped: 3 });
    expect(await stored('A')).toBeUndefined();
    expect(await engine.query("SELECT record_id FROM search_name UNION ALL SELECT record_id FROM search_identifier")).toEqual(expect.not.arrayContaining([{ record_id: 'A' }]));
    expect(await count('search_record')).toBe(1);
  });

  it('removes a record erased before it arrived (out of order), and applies removal and upsert of one batch by version, not by place', async () => {
    expect(await ingest([remove('erase', 'C', 2), upsert('C', 1)], { engine, audit })).toMatchObject({ applied: 0, removed: 1, skipped: 1 });
    expect(await ingest([upsert('D', 1), remove('seal', 'D', 2)], { engine, audit })).toMatchObject({ applied: 0, removed: 1 });
    expect(await count('search_record')).toBe(0);
  });

  it('seals a record up to its version: a replay stays out, a newer version (unsealed by the source) comes back', async () => {
    await ingest([upsert('S', 1)], { engine, audit });
    expect(await ingest([remove('seal', 'S', 2)], { engine, audit })).toMatchObject({ removed: 1 });
    expect(await ingest([upsert('S', 2)], { engine, audit })).toMatchObject({ applied: 0 });
    expect(await ingest([remove('seal', 'S', 2)], { engine, audit })).toMatchObject({ removed: 0, skipped: 1 });
    expect(await ingest([upsert('S', 3)], { engine, audit })).toMatchObject({ applied: 1 });
    expect(await ingest([remove('erase', 'S', 3)], { engine, audit })).toMatchObject({ removed: 1 });
    expect(await engine.query("SELECT version::int AS version, reason FROM search_tombstone WHERE record_id = 'S'")).toEqual([{ version: 3, reason: 'erase' }]);
  });

  it('audits each removal once, with the record key, reason and version and nothing of its content', async () => {
    await ingest([upsert('E', 1)], { engine, audit });
    await ingest([remove('erase', 'E', 2)], { engine, audit });
    await ingest([remove('erase', 'E', 2)], { engine, audit });
    expect(audited).toEqual([{ type: 'SearchRecordRemoved', outcome: 'success', actor: 'system', component: 'search-ingest', subject: { type: 'search-record', id: 'jud-crmvs/E' }, details: { reason: 'erase', version: 2 } }]);
    expect(JSON.stringify(audited)).not.toMatch(/Brien|Cruz|1980|CT-0123/);
  });

  it('rejects a bad change with its field and rule, and applies the rest of its batch', async () => {
    const bad = { op: 'upsert', record: { ...record('F', 1), date: '2025-02-30' } };
    const outcome = await ingest([upsert('G', 1), bad, { op: 'erase', source: 'jud-crmvs', id: 'H' }, upsert('I', 1)], { engine, audit });
    expect(outcome).toMatchObject({ applied: 2 });
    expect(outcome.rejected).toEqual([
      { index: 1, field: 'record.date', rule: expect.stringMatching(/date/i) },
      { index: 2, field: 'version', rule: expect.any(String) },
    ]);
    expect(await count('search_record')).toBe(2);
  });

  it('splits large deliveries into batches and ingests a simulated source end to end through its connector', async () => {
    const changes = sourceDeliveries(3, 400, 'despp-cch').map((d) => d.change);
    const first = await ingestFromSource(sourceOf('despp-cch')!, changes, { engine, audit, batchSize: 50 });
    expect(first.rejected).toEqual([]);
    expect(first.applied).toBeGreaterThan(50);
    const again = await ingestFromSource(sourceOf('despp-cch')!, changes, { engine, audit, batchSize: 50 });
    expect(again).toMatchObject({ applied: 0, removed: 0, skipped: changes.length });
  });
});

describe('the S3 drop of a batch source (search-drop)', () => {
  /** A fake drop: files by key; the keys it was asked for. */
  function drop(files: Readonly<Record<string, string>>): DroppedFiles & { read: jest.Mock<DroppedFiles['read']> } {
    return { read: jest.fn(async (key: string) => (key in files ? files[key]! : Promise.reject(new Error(`NoSuchKey ${key}`)))) };
  }
  const now = () => '2026-11-30T06:00:00.000Z';
  const ndjson = (changes: readonly unknown[]) => changes.map((c) => JSON.stringify(c)).join('\n') + '\n';

  it("ingests the file S3's Object Created event names through the source's connector, records the file as its cursor, and changes nothing when replayed", async () => {
    const key = objectCreated.detail.object.key;
    expect(key).toBe('despp-cch/2026-11-30.ndjson');
    const changes = sourceDeliveries(3, 200, 'despp-cch').map((d) => d.change);
    const files = drop({ [key]: ndjson(changes) });

    const first = await ingestDroppedFile(key, { engine, audit, files, now });
    expect(first).toMatchObject({ ok: true, source: 'despp-cch', file: '2026-11-30.ndjson', changes: changes.length, rejected: 0 });
    expect(first.ok && first.applied).toBeGreaterThan(0);
    const indexed = await count("search_record WHERE source = 'despp-cch'");
    expect(indexed).toBeGreaterThan(0);
    expect(await deliveryState(engine, 'despp-cch')).toMatchObject({ cursor: '2026-11-30.ndjson', lastOkAt: now() });

    const again = await ingestDroppedFile(key, { engine, audit, files, now });
    expect(again).toMatchObject({ ok: true, applied: 0, removed: 0, skipped: changes.length });
    expect(await count("search_record WHERE source = 'despp-cch'")).toBe(indexed);
    expect(files.read.mock.calls).toEqual([[key], [key]]);
  });

  it('refuses a key that names no batch source without reading it', async () => {
    const files = drop({});
    for (const [key, refused] of [
      ['jud-crmvs/2026-11-30.ndjson', 'jud-crmvs delivers by events, not by files'],
      ['nobody/2026-11-30.ndjson', 'no source system nobody'],
      ['despp-cch/2026-11-30.csv', 'the key is not <source id>/<file>.ndjson'],
      ['despp-cch/sub/2026-11-30.ndjson', 'the key is not <source id>/<file>.ndjson'],
      ['2026-11-30.ndjson', 'the key is not <source id>/<file>.ndjson'],
    ] as const) {
      expect(await ingestDroppedFile(key, { engine, audit, files, now })).toEqual({ ok: false, refused });
    }
    expect(files.read).not.toHaveBeenCalled();
    expect(await count('search_source_state')).toBe(0);
  });

  it("fails a file with a line that is not JSON as a whole, recorded as the source's error by line number, never the line", async () => {
    const key = 'dmv-licences/2026-11-30.ndjson';
    const good = sourceDeliveries(3, 50, 'dmv-licences').map((d) => d.change);
    const files = drop({ [key]: `${JSON.stringify(good[0])}\n{"LAST_NAME": "O'BRIEN\n` });

    expect(await ingestDroppedFile(key, { engine, audit, files, now })).toEqual({ ok: false, refused: '2026-11-30.ndjson: line 2 is not JSON', source: 'dmv-licences', file: '2026-11-30.ndjson' });
    expect(await count('search_record')).toBe(0);
    expect(await deliveryState(engine, 'dmv-licences')).toMatchObject({ lastError: '2026-11-30.ndjson: line 2 is not JSON' });
  });

  it('lets a read that fails through (EventBridge retries the event)', async () => {
    await expect(ingestDroppedFile('despp-weapons/missing.ndjson', { engine, audit, files: drop({}), now })).rejects.toThrow('NoSuchKey');
  });
});

describe('polling the poll and batch sources', () => {
  /** A fake API: pages of simulated changes per source, one source down. */
  function api(down: readonly string[]): SourceApi & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      async next(source: Source, cursor: string | undefined): Promise<SourcePage | undefined> {
        asked.push(source.id);
        if (down.includes(source.id)) throw new Error(`${source.id} answered 503`);
        const all = sourceDeliveries(5, 300, source.id).map((d) => d.change);
        const from = Number(cursor ?? 0);
        if (from >= all.length) return undefined;
        return { changes: all.slice(from, from + 100), cursor: String(from + 100), more: from + 100 < all.length };
      },
    };
  }
  const sources = ['doc-custody', 'dmv-licences', 'despp-weapons'].map((id) => sourceOf(id)!);
  const perSource = async () => Object.fromEntries((await engine.query('SELECT source, count(*)::int AS n FROM search_record GROUP BY source')).map((r) => [r['source'], r['n']]));

  it('leaves the batch sources to the drop bucket where there is one (AWS), and polls them where there is none (locally)', async () => {
    const batch = SOURCES.filter((s) => s.delivery.mode === 'batch').map((s) => s.id);
    const poll = SOURCES.filter((s) => s.delivery.mode === 'poll').map((s) => s.id);
    expect(batch.length).toBeGreaterThan(0);
    expect(polledSources(false).map((s) => s.id).sort()).toEqual([...poll, ...batch].sort());
    expect(polledSources(true).map((s) => s.id).sort()).toEqual([...poll].sort());
    const asked: string[] = [];
    const fake: SourceApi = { next: async (source) => void asked.push(source.id) };
    const outcomes = await pollSources({ engine, audit, api: fake, now: () => '2026-11-29T10:00:00.000Z' }, polledSources(true, sources));
    expect(outcomes.map((o) => o.source)).toEqual(['doc-custody']);
    expect(asked).toEqual(['doc-custody']);
  });

  it("records a source's outage and goes on with the others, whose records and cursors are as if it had not happened", async () => {
    const now = () => '2026-11-30T10:00:00.000Z';
    const outcomes = await pollSources({ engine, audit, api: api(['dmv-licences']), now }, sources);
    expect(outcomes.map((o) => [o.source, o.ok])).toEqual([
      ['doc-custody', true],
      ['dmv-licences', false],
      ['despp-weapons', true],
    ]);
    const withOutage = await perSource();
    expect(withOutage['dmv-licences']).toBeUndefined();
    expect(await deliveryState(engine, 'dmv-licences')).toMatchObject({ lastError: 'Error: dmv-licences answered 503', lastTryAt: now() });
    expect((await deliveryState(engine, 'dmv-licences'))?.lastOkAt).toBeUndefined();
    expect(await deliveryState(engine, 'doc-custody')).toMatchObject({ lastOkAt: now() });

    // The source comes back; the next due run catches it up and changes nothing of the others.
    const later = () => '2026-12-01T10:00:00.000Z';
    await pollSources({ engine, audit, api: api([]), now: later }, sources);
    const after = await perSource();
    expect(after['doc-custody']).toBe(withOutage['doc-custody']);
    expect(after['despp-weapons']).toBe(withOutage['despp-weapons']);
    expect(after['dmv-licences']).toBeGreaterThan(100);
    expect(await deliveryState(engine, 'dmv-licences')).toMatchObject({ lastOkAt: later(), cursor: expect.any(String) });
  });

  it('asks a source that has more than one run takes again on the next run, whatever its period', async () => {
    const fake = api([]);
    const dmv = sourceOf('dmv-licences')!;
    const first = await pollSources({ engine, audit, api: fake, now: () => '2026-11-30T10:00:00.000Z', pagesPerRun: 1 }, [dmv]);
    expect(first[0]).toMatchObject({ ok: true, pages: 1 });
    const next = await pollSources({ engine, audit, api: fake, now: () => '2026-11-30T10:15:00.000Z', pagesPerRun: 1 }, [dmv]);
    expect(next[0]).toMatchObject({ ok: true, pages: 1 });
    expect(await deliveryState(engine, 'dmv-licences')).toMatchObject({ cursor: '200' });
  });

  it('asks a source again only once its period has passed', async () => {
    const fake = api([]);
    await pollSources({ engine, audit, api: fake, now: () => '2026-11-30T10:00:00.000Z' }, [sourceOf('doc-custody')!]);
    const asked = fake.asked.length;
    const soon = await pollSources({ engine, audit, api: fake, now: () => '2026-11-30T10:05:00.000Z' }, [sourceOf('doc-custody')!]);
    expect(soon[0]?.skipped).toBe('not due');
    expect(fake.asked.length).toBe(asked);
  });
});

describe('the arrest workflow as a source', () => {
  const packet = (status: PacketRecord['status'], updatedAt: string): PacketRecord =>
    ({
      packetId: 'ap-0123456789abcdef01234567',
      version: 1,
      status,
      ori: 'CT0000100',
      incidentNumber: '2026-000123',
      docketNumber: 'DCJ-2026-4F2A9C01',
      updatedAt,
      receivedAt: '2026-11-01T10:00:00.000Z',
      sealedAdjudicationToken: 'secret-token',
      packet: {
        agency: { ori: 'CT0000100', organizationName: 'Hartford Police Department', contactEmail: 'records@hartford.example' },
        incidentNumber: '2026-000123',
        arrest: { activityDateTime: '2026-10-31T22:15:00-04:00', arrestType: 'custodial', location: { streetFullText: '1 Main St', cityName: 'Hartford', stateCode: 'CT', postalCode: '06103' } },
        arrestee: { personName: { givenName: 'Zoë', surName: "D'Angelo" }, personBirthDate: '1990-05-06', personSex: 'F', personRace: 'U', address: { streetFullText: '2 Elm St', cityName: 'Hartford', stateCode: 'CT', postalCode: '06103' }, stateIdentification: 'CT01234567' },
        charges: [{ chargeSequenceID: 1, statuteSection: '53a-61', chargeDescriptionText: 'Assault in the third degree', offenseClass: 'AM', chargeCountQuantity: 1 }],
        arrestingOfficer: { personName: { givenName: 'Ann', surName: 'Officer' }, badgeIdentification: 'B1' },
        court: { gaNumber: 14 },
        arraignmentDate: '2026-11-02',
        release: { releaseType: 'held' },
        documents: [],
      },
    }) as unknown as PacketRecord;

  it('indexes a packet once AVAILABLE as a ciss-arrests record, updates it later, and leaves out one not yet published', async () => {
    let current = packet('TRANSMITTED', '2026-11-01T11:00:00.000Z');
    const ports = { engine, audit, packet: async () => current };
    expect(await indexArrest(current.packetId, ports)).toEqual({ indexed: false, reason: 'not published' });
    current = packet('AVAILABLE', '2026-11-01T12:00:00.000Z');
    expect(await indexArrest(current.packetId, ports)).toMatchObject({ indexed: true, applied: 1 });
    const [row] = await engine.query("SELECT kind, title, town, body::text AS body FROM search_record WHERE source = 'ciss-arrests'");
    expect(row).toMatchObject({ kind: 'arrest', title: 'Arrest by Hartford Police Department', town: 'Hartford' });
    const body = JSON.parse(String(row!['body'])) as SearchRecordInput;
    expect(body.identifiers).toEqual({ sid: ['CT01234567'], docket: ['DCJ-2026-4F2A9C01'], 'ori-incident': ['CT0000100:2026-000123'] });
    expect(body.person?.names).toEqual([{ first: 'Zoë', last: "D'Angelo" }]);
    expect(String(row!['body'])).not.toContain('secret-token');

    current = packet('HISTORICAL', '2026-11-20T12:00:00.000Z');
    await indexArrest(current.packetId, ports);
    // A late AVAILABLE event reads the packet as it now is; an older state never comes back.
    await indexArrest(current.packetId, ports);
    const [after] = await engine.query("SELECT version::float8 AS v, body->'fields' @> '[{\"label\":\"Status\",\"value\":\"HISTORICAL\"}]'::jsonb AS historical FROM search_record WHERE source = 'ciss-arrests'");
    expect(after).toEqual({ v: Date.parse('2026-11-20T12:00:00.000Z'), historical: true });
  });
});
