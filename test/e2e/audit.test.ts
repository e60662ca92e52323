import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AuditSubject, auditPut } from '#shared/audit';
import { eventually, givenRuntime, stopHarness, type Harness } from './steps';

interface AuditRecord {
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly outcome: string;
  readonly component: string;
  readonly subject: { readonly type: string; readonly id: string };
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
  readonly details?: Record<string, unknown>;
}

/** The auditor's view of the trail (CJIS AU-2, AU-3, AU-6), and that the trail cannot be rewritten. */
describe('the audit trail', () => {
  let h: Harness;
  let auditor: string;
  let admin: string;

  beforeAll(async () => {
    h = await givenRuntime();
    auditor = await h.runtime.mintToken({ roles: ['auditor'], username: 'state-auditor' });
    admin = await h.runtime.mintToken({ roles: ['agency-admin'], ori: 'CT0000100', username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
  });
  afterAll(() => stopHarness(h));

  const get = async (query: string, token = auditor) => fetch(`${h.runtime.endpoints.api}/audit?${query}`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'audit-test' } });

  async function aRequest(): Promise<string> {
    const res = await fetch(`${h.runtime.endpoints.api}/access-requests`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', 'User-Agent': 'nhpd-portal/1.0' },
      body: JSON.stringify({
        employee: { fullName: 'Casey Morgan', email: 'casey.morgan@nhpd.ct.example', jobTitle: 'Detective' },
        ori: 'CT0000100',
        justification: 'Investigates firearms cases and must check the criminal history of suspects and permit applicants.',
      }),
    });
    return ((await res.json()) as { requestId: string }).requestId;
  }

  it('answers by subject with who, what, when, where from and the outcome', async () => {
    const requestId = await aRequest();
    await fetch(`${h.runtime.endpoints.api}/access-requests/${requestId}`, { headers: { Authorization: `Bearer ${admin}`, 'User-Agent': 'nhpd-portal/1.0' } });
    const records = await eventually(async () => {
      const body = (await (await get(`subjectType=access-request&subject=${requestId}`)).json()) as { records: AuditRecord[] };
      return body.records.length >= 2 ? body.records : undefined;
    }, 'the request audit records');
    // The request as received (the workflow's UNDER_REVIEW comes with the unit's task).
    const received = records.find((r) => r.type === 'AccessRequestStatusChanged' && r.details?.['to'] === 'RECEIVED');
    expect(received).toMatchObject({ actor: 'nhpd-admin', outcome: 'success', component: 'cchrs-access', subject: { type: 'access-request', id: requestId }, source: { userAgent: 'nhpd-portal/1.0' } });
    expect(received?.source?.ip).toBeTruthy();
    expect(Date.parse(received?.at ?? '')).not.toBeNaN();
    expect(records.map((r) => r.type)).toContain('AccessRequestRead');
  });

  it('answers by actor and by time, and pages', async () => {
    const byActor = (await (await get('actor=nhpd-admin&limit=1')).json()) as { records: AuditRecord[]; nextToken: string | null };
    expect(byActor.records).toHaveLength(1);
    expect(byActor.nextToken).toBeTruthy();
    const next = (await (await get(`actor=nhpd-admin&limit=1&nextToken=${byActor.nextToken}`)).json()) as { records: AuditRecord[] };
    expect(next.records).toHaveLength(1);
    expect(next.records[0]).not.toEqual(byActor.records[0]);
    // The name the API documented before, `cursor`, still works.
    const old = (await (await get(`actor=nhpd-admin&limit=1&cursor=${byActor.nextToken}`)).json()) as { records: AuditRecord[] };
    expect(old.records).toEqual(next.records);
    const from = new Date(h.runtime.clock.now() - 3600_000).toISOString();
    const byTime = (await (await get(`from=${from}`)).json()) as { records: AuditRecord[] };
    expect(byTime.records.length).toBeGreaterThan(2);
  });

  it('audits every read of the audit trail itself', async () => {
    await get('actor=nhpd-admin');
    const reads = (await (await get('actor=state-auditor')).json()) as { records: AuditRecord[] };
    expect(reads.records.some((r) => r.type === 'AuditTrailRead' && r.subject.id === 'actor:nhpd-admin')).toBe(true);
  });

  it('refuses a query without a subject, actor or time, and anyone but the auditor', async () => {
    expect((await get('')).status).toBe(400);
    expect((await get('subject=x')).status).toBe(400);
    expect((await get('actor=x', admin)).status).toBe(403);
  });

  it('cannot be rewritten: the application puts a record only where none is', async () => {
    const [record] = ((await (await get('actor=nhpd-admin&limit=1')).json()) as { records: AuditRecord[] }).records;
    const table = `ciss-${h.stage}-audit`;
    const { Items } = await h.dynamo.send(new QueryCommand({ TableName: table, IndexName: 'byActor', KeyConditionExpression: 'actor = :a', ExpressionAttributeValues: { ':a': 'nhpd-admin' }, Limit: 1, ScanIndexForward: false }));
    const key = { pk: Items?.[0]?.['pk'], sk: Items?.[0]?.['sk'] };
    expect(record).toBeDefined();
    // The application's own audit write (every producer goes through auditPut), aimed at an
    // existing record's key, is refused: it carries its own guard.
    const { Put } = auditPut({ type: 'Forged', outcome: 'success', actor: 'forger', component: 'test', subject: AuditSubject.of('access-request', 'forged') }, table);
    await expect(h.dynamo.send(new PutCommand({ ...Put, Item: { ...Put.Item, ...key } }))).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    // In AWS no function role may UpdateItem or DeleteItem on this table (test/infra); here the
    // record is simply unchanged after the refused attempt.
    const again = await h.dynamo.send(new GetCommand({ TableName: table, Key: key }));
    expect(again.Item?.['type']).not.toBe('Forged');
  });
});
