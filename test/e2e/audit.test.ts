import { givenTarget, stopTarget, type Target } from '../target';
import { eventually, scanAll } from './steps';

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
  let h: Target;
  let auditor: string;
  let admin: string;
  let unit: string;

  beforeAll(async () => {
    h = await givenTarget();
    auditor = await h.token({ roles: ['auditor'], username: 'state-auditor' });
    admin = await h.token({ roles: ['agency-admin'], ori: 'CT0000100', username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: 'cchrs.unit@dpscs.ct.example' });
  });
  afterAll(() => stopTarget(h));

  const get = async (query: string, token = auditor) => fetch(`${h.apiUrl}/audit?${query}`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'audit-test' } });

  async function aRequest(employee = { fullName: 'Casey Morgan', email: 'casey.morgan@nhpd.ct.example', jobTitle: 'Detective' }): Promise<string> {
    const res = await fetch(`${h.apiUrl}/access-requests`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', 'User-Agent': 'nhpd-portal/1.0' },
      body: JSON.stringify({
        employee,
        ori: 'CT0000100',
        justification: 'Investigates firearms cases and must check the criminal history of suspects and permit applicants.',
      }),
    });
    return ((await res.json()) as { requestId: string }).requestId;
  }

  it('answers by subject with who, what, when, where from and the outcome', async () => {
    const requestId = await aRequest();
    await fetch(`${h.apiUrl}/access-requests/${requestId}`, { headers: { Authorization: `Bearer ${admin}`, 'User-Agent': 'nhpd-portal/1.0' } });
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
    const from = new Date((await h.now()) - 3600_000).toISOString();
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

  /**
   * Every record as stored, by its key. Read through the DynamoDB API, as an auditor with read
   * access to the table in AWS would.
   */
  async function trail(): Promise<Map<string, string>> {
    const items = await scanAll(h, [h.table('audit')]);
    return new Map(items.map((item) => [`${String(item['pk'])}|${String(item['sk'])}`, JSON.stringify(canonical(item))]));
  }

  /** The value with every object's keys in order, so that equal records print alike. */
  function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }

  it('cannot be rewritten: what the application does after a record is written adds records, and changes or removes none', async () => {
    const requestId = await aRequest({ fullName: 'Avery Quinn', email: 'avery.quinn@nhpd.ct.example', jobTitle: 'Records Clerk' });
    // Each read from another client version: a record written over an earlier one shows.
    let reads = 0;
    const read = () => fetch(`${h.apiUrl}/access-requests/${requestId}`, { headers: { Authorization: `Bearer ${admin}`, 'User-Agent': `nhpd-portal/1.${reads++}` } });
    expect((await read()).status).toBe(200);
    await eventually(async () => ((await (await get(`subjectType=access-request&subject=${requestId}`)).json()) as { records: AuditRecord[] }).records.length >= 3 || undefined, 'the request records');
    const before = await trail();

    // The same records again, for the same subject by the same actors (at the same instant, on
    // a clock that stands still): a record keyed by what it says, or written over an earlier
    // one, would replace that one.
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    expect((await get(`subjectType=access-request&subject=${requestId}`)).status).toBe(200);
    expect((await get(`subjectType=access-request&subject=${requestId}`)).status).toBe(200);
    // A decision on the request, which rewrites the request's own item (its status), not the trail.
    const task = await eventually(async () => {
      const { tasks } = (await (await fetch(`${h.apiUrl}/tasks`, { headers: { Authorization: `Bearer ${unit}` } })).json()) as { tasks: { taskId: string; subject: { id: string } }[] };
      return tasks.find((t) => t.subject.id === requestId);
    }, 'the unit’s review task');
    const decided = await fetch(`${h.apiUrl}/tasks/${task.taskId}/decision`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${unit}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ choice: 'deny', comment: 'The audit test denies it' }),
    });
    expect(decided.status).toBe(200);
    await eventually(async () => (((await (await read()).json()) as { status: string }).status === 'DENIED' ? true : undefined), 'the request to be denied');

    const after = await trail();
    const changed = [...before].filter(([key, record]) => after.get(key) !== record).map(([key]) => [key, before.get(key), after.get(key) ?? 'removed']);
    expect(changed).toEqual([]);
    // Each read and the decision were recorded, as records of their own.
    expect(after.size).toBeGreaterThanOrEqual(before.size + 6);
  });
});
