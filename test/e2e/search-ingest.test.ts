import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { custodialPacket } from '../../drive/arrest-packet';
import type { SqlEngine } from '../../functions/search/ports';
import { localSourceAccessKeyId } from '../../infra/local/search/names';
import { sourceDeliveries } from '../../infra/local/search/simulator';
import { eventually, givenRuntime, mailbox, stopHarness, type Harness, type Mail } from './steps';

const MINUTE = 60_000;

describe('CISS Search ingestion on the embedded runtime', () => {
  let h: Harness;
  /** Signed as the Judicial case system, the one principal whose ciss.search.jud-crmvs events the bus takes. */
  let events: EventBridgeClient;
  let otherSource: EventBridgeClient;
  let search: SqlEngine;

  beforeAll(async () => {
    h = await givenRuntime({ searchSources: { people: 200 } });
    const as = (accessKeyId: string) => new EventBridgeClient({ endpoint: h.runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'local' } });
    events = as(localSourceAccessKeyId('jud-crmvs'));
    otherSource = as(localSourceAccessKeyId('rms-incidents'));
    search = h.runtime.search.direct();
  });
  afterAll(async () => {
    events?.destroy();
    otherSource?.destroy();
    await stopHarness(h);
  });

  const count = async (source: string, id?: string) =>
    Number((await search.query(`SELECT count(*)::int AS n FROM search_record WHERE source = :source AND (:id::text IS NULL OR record_id = :id)`, { source, id: id ?? null }))[0]?.['n']);
  const state = async (source: string) => (await search.query('SELECT cursor, last_ok_at::text AS ok, last_error FROM search_source_state WHERE source = :source', { source }))[0];

  it('applies a source\'s pushed changes (EventBridge SearchRecordsChanged → search-ingest) and audits an erasure without its content', async () => {
    const deliveries = sourceDeliveries(11, 120, 'jud-crmvs');
    const erased = deliveries.find((d) => d.change.op === 'erase');
    expect(erased).toBeDefined();
    const present = new Set(deliveries.map((d) => d.key));
    for (const d of deliveries) if (d.change.op !== 'upsert') present.delete(d.key);
    const put = new PutEventsCommand({ Entries: [{ EventBusName: h.runtime.names.bus, Source: 'ciss.search.jud-crmvs', DetailType: 'SearchRecordsChanged', Detail: JSON.stringify({ changes: deliveries.map((d) => d.change) }) }] });
    // Another source may not speak for this one (the bus policy in AWS, the edge locally).
    const spoofed = await otherSource.send(put);
    expect(spoofed.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    const out = await events.send(put);
    expect(out.FailedEntryCount).toBe(0);
    await eventually(async () => ((await count('jud-crmvs')) === present.size ? true : undefined), `${present.size} jud-crmvs records`, 30_000);
    expect(await count('jud-crmvs', erased!.key.split('/')[1])).toBe(0);
    // The delivery is recorded once the batch is applied.
    expect(await eventually(async () => state('jud-crmvs'), 'the delivery state')).toMatchObject({ ok: expect.any(String), last_error: null });

    const audit = await eventually(async () => {
      const items = (await h.dynamo.send(new ScanCommand({ TableName: h.runtime.names.tables.audit }))).Items ?? [];
      const removed = items.filter((i) => i['type'] === 'SearchRecordRemoved');
      return removed.length > 0 ? removed : undefined;
    }, 'the erasure in the audit trail');
    expect(audit.map((a) => a['subject'])).toContainEqual({ type: 'search-record', id: erased!.key });
    expect(JSON.stringify(audit)).not.toMatch(/lastName|firstName|dateOfBirth/);
  });

  it("polls the poll and batch sources on the schedule; a source that is down is recorded and the others are ingested", async () => {
    h.runtime.searchSources.setDown('dmv-licences', true);
    await h.runtime.clock.advance(15 * MINUTE);
    await eventually(async () => (h.runtime.scheduler.runs.some((r) => r.schedule === 'search-poll') ? true : undefined), 'search-poll to run', 60_000);
    expect(h.runtime.scheduler.runs.find((r) => r.schedule === 'search-poll')?.ok).toBe(true);
    expect(await count('dmv-licences')).toBe(0);
    expect(await state('dmv-licences')).toMatchObject({ ok: null, last_error: expect.stringContaining('503') });
    expect(await count('despp-cch')).toBeGreaterThan(0);
    expect(await count('dmv-registrations')).toBeGreaterThan(0);
    expect(await state('despp-cch')).toMatchObject({ cursor: expect.stringMatching(/\.ndjson$/), last_error: null });
  });

  it('indexes an arrest packet as a ciss-arrests record once it is AVAILABLE', async () => {
    const ori = 'CT0000100';
    const rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori, username: 'search-rms' });
    const incident = 'search-1';
    const res = await fetch(`${h.runtime.endpoints.api}/arrests`, { method: 'POST', headers: { Authorization: `Bearer ${rms}`, 'Content-Type': 'application/json' }, body: JSON.stringify(custodialPacket(incident, h.runtime.clock.now())) });
    expect(res.status).toBe(202);
    const { packetId } = (await res.json()) as { packetId: string };
    const mail = await eventually(async () => (await mailbox(h.runtime)).find((m: Mail) => m.subject.includes(`Arrest packet ${incident} `)), 'the clerk review mail', 30_000);
    const accept = /^Accept: (\S+)$/m.exec(mail.body.text ?? '')?.[1];
    expect(accept).toBeDefined();
    const q = new URL(accept!).searchParams;
    const decided = await fetch(accept!, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' }) });
    expect(decided.status).toBe(200);
    await eventually(async () => ((await count('ciss-arrests', packetId)) === 1 ? true : undefined), 'the packet in search', 30_000);
    const [row] = await search.query("SELECT kind, body->'identifiers' ? 'ori-incident' AS has_incident FROM search_record WHERE source = 'ciss-arrests' AND record_id = :id", { id: packetId });
    expect(row).toEqual({ kind: 'arrest', has_incident: true });
  });

  it("purges the query log's words after their 366 days on its daily schedule, as the purge user, and audits the count", async () => {
    const now = h.runtime.clock.now();
    const log = (id: string, daysAgo: number) =>
      search.query(`INSERT INTO search_query (query_id, actor, at, purpose, text, results) VALUES (:id, 'purge-e2e', :at::timestamptz, 'C', 'smith', 1)`, { id, at: new Date(now - daysAgo * 24 * 60 * MINUTE).toISOString() });
    await log('q-purge-old', 367);
    await log('q-purge-kept', 300);
    expect(h.runtime.scheduler.table()).toContainEqual({ schedule: 'search-purge', expression: 'rate(1440 minutes)', target: 'search-purge' });

    const run = await h.runtime.scheduler.runNow('search-purge');

    expect(run).toMatchObject({ ok: true });
    const left = (await search.query(`SELECT query_id FROM search_query WHERE actor = 'purge-e2e'`)).map((r) => r['query_id']);
    expect(left).toEqual(['q-purge-kept']);
    const purged = await eventually(async () => {
      const items = (await h.dynamo.send(new ScanCommand({ TableName: h.runtime.names.tables.audit }))).Items ?? [];
      return items.find((i) => i['type'] === 'SearchQueryLogPurged');
    }, 'the purge in the audit trail');
    expect(purged?.['details']).toMatchObject({ purged: 1, retentionDays: 366 });
  });
});
