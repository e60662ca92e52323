import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SearchAnswer } from '../../functions/search/domain/answer';
import type { RecordChange, SearchRecordInput } from '../../functions/search/domain/record';
import type { SearchLogAnswer } from '../../functions/search/use-cases/log';
import { givenTarget, stopTarget, type Target } from '../target';
import { eventually, scanAll } from './steps';

/**
 * CISS Search through the API, as its users reach it: records delivered to the engine as a
 * source's ingestion delivers them (search_apply through the RDS Data API, behind the edge, as
 * the ingest user), then searched, opened, refused and audited over HTTP.
 */
describe('CISS Search through the API', () => {
  let h: Target;
  let data: RDSDataClient;
  let officer: string;
  let uncertified: string;
  let auditor: string;
  const run = Math.random().toString(36).slice(2, 8);
  const id = (name: string) => `${name}-${run}`;

  /** The records of one person, spelt three ways by three sources; and a stranger's. */
  const records: SearchRecordInput[] = [
    { source: 'jud-crmvs', id: id('case'), version: 1, kind: 'case', title: 'State v. Kowalczyk, larceny 6th degree', date: '2026-02-01', town: 'New Haven', person: { names: [{ first: 'Katherine', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT01234567'] } },
    { source: 'despp-cch', id: id('cch'), version: 1, kind: 'person', title: 'Criminal history', person: { names: [{ first: 'Kate', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT-0123-4567'], licence: ['123456789'] } },
    { source: 'dmv-licences', id: id('lic'), version: 1, kind: 'licence', title: 'Driver licence, class D', town: 'Hamden', person: { names: [{ first: 'Katherine', last: 'Kowalcyk' }], dob: '1984-07-03' }, identifiers: { licence: ['123-45-6789'] } },
  ];

  const apply = async (changes: readonly RecordChange[] | readonly unknown[]) => {
    const arn = (kind: string) => `arn:aws:${kind}:us-east-1:000000000000:`;
    await data.send(
      new ExecuteStatementCommand({
        resourceArn: `${arn('rds')}cluster:ciss-${h.stage}-search`,
        secretArn: `${arn('secretsmanager')}secret:ciss-${h.stage}-search-ingest`,
        database: 'ciss_search',
        sql: 'SELECT search_apply(:changes::jsonb)::text AS result',
        parameters: [{ name: 'changes', value: { stringValue: JSON.stringify(changes) } }],
      }),
    );
  };

  const get = (path: string, token: string) => fetch(`${h.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'search-e2e' } });
  const find = async (q: string, token = officer): Promise<SearchAnswer> => {
    const res = await get(`/search?q=${encodeURIComponent(q)}&purpose=C`, token);
    if (res.status !== 200) throw new Error(`GET /search: ${res.status} ${await res.text()}`);
    return (await res.json()) as SearchAnswer;
  };
  const keysOf = (a: SearchAnswer) => a.people.flatMap((p) => p.hits.map((hit) => `${hit.source}/${hit.recordId}`));

  beforeAll(async () => {
    h = await givenTarget();
    data = new RDSDataClient({ endpoint: h.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    officer = await h.token({ roles: ['agency-staff', 'search'], ori: 'CT0000100', username: `officer-${run}` });
    uncertified = await h.token({ roles: ['agency-staff'], ori: 'CT0000100', username: `staff-${run}` });
    auditor = await h.token({ roles: ['auditor'], username: `auditor-${run}` });
    await apply(records.map((record) => ({ op: 'upsert', record })));
    // The first statement opens the search database (seconds of CPU; more on a busy machine).
  }, 180_000);
  afterAll(async () => {
    data.destroy();
    await stopTarget(h);
  });

  it('lets a certified user find a person across sources from a misspelt name, as one person', async () => {
    const answer = await find('Katherine Kowalzcyk');
    expect(answer.people[0]?.hits.map((hit) => hit.source).sort()).toEqual(['despp-cch', 'dmv-licences', 'jud-crmvs']);
    expect(answer.people[0]?.because).toEqual(expect.arrayContaining(['same SID CT01234567']));
    expect(answer.reading.names).toEqual([{ first: 'Katherine', last: 'Kowalzcyk' }]);
  });

  it('refuses an uncertified user (403) and audits the refusal', async () => {
    const res = await get('/search?q=Kowalczyk&purpose=C', uncertified);
    expect(res.status).toBe(403);
    const denied = await eventually(async () => {
      const rows = (await scanAll(h, [h.table('audit')])).filter((r) => r['type'] === 'RouteDenied' && r['actor'] === `staff-${run}`);
      return rows.length > 0 ? rows : undefined;
    }, 'the refusal in the audit trail');
    expect(denied[0]).toMatchObject({ outcome: 'denied', subject: { type: 'route', id: 'GET /search' } });
  });

  it('keeps every query in the audit trail with its purpose (ids only), and its words in the log the auditor reads', async () => {
    const answer = await find('Kowalczyk 03/07/1984');
    const trail = await eventually(async () => {
      const rows = (await scanAll(h, [h.table('audit')])).filter((r) => r['type'] === 'SearchPerformed' && (r['subject'] as { id: string }).id === answer.queryId);
      return rows.length > 0 ? rows : undefined;
    }, 'the search in the audit trail');
    expect(trail[0]).toMatchObject({ actor: `officer-${run}`, outcome: 'success', component: 'search', subject: { type: 'search-query', id: answer.queryId }, details: { purpose: 'C', results: answer.total } });
    expect(JSON.stringify(trail)).not.toContain('Kowalczyk');
    const log = (await (await get(`/search/log?actor=officer-${run}`, auditor)).json()) as SearchLogAnswer;
    expect(log.searches.find((s) => s.queryId === answer.queryId)).toMatchObject({ text: 'Kowalczyk 03/07/1984', purpose: 'C', actor: `officer-${run}`, results: answer.total });
  });

  it('shows an erased record nowhere, for good: not found, not opened, not brought back by a replay', async () => {
    const erased = records[2]!;
    expect((await get(`/search/records/${erased.source}/${erased.id}?purpose=C`, officer)).status).toBe(200);
    await apply([{ op: 'erase', source: erased.source, id: erased.id, version: 2 }]);
    expect(keysOf(await find('Katherine Kowalczyk'))).not.toContain(`${erased.source}/${erased.id}`);
    expect((await get(`/search/records/${erased.source}/${erased.id}?purpose=C`, officer)).status).toBe(404);
    await apply([{ op: 'upsert', record: erased }]);
    expect(keysOf(await find('Katherine Kowalczyk'))).not.toContain(`${erased.source}/${erased.id}`);
  });
});
