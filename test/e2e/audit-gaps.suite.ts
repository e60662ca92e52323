import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditPartition } from '#shared/audit';
import { REFUSALS_RECORDED_PER_MINUTE } from '../../functions/tasks/domain/refusals';
import { eventually, mailbox, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

interface AuditRecord {
  readonly type: string;
  readonly outcome: string;
  readonly actor: string;
  readonly subject: { readonly type: string; readonly id: string };
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
  readonly details?: Record<string, unknown>;
}

/**
 * Issue 13, "audit gaps (AU-2, AU-3)": a refused approval link and a successful logon each leave
 * an audit record that says where the request came from; a flood of refused links cannot fill
 * the trail.
 */
describe('the audit trail records refused links and logons with their source', () => {
  let h: Harness;
  let approve: URL;
  let taskId: string;

  beforeAll(async () => {
    h = await sharedRuntime();
    const input = { subjectId: 'gap-1', title: 'Packet gap-1', question: 'Accept this arrest packet?', assignee: { role: 'court-clerk', email: 'clerk.ga14@jud.ct.example', court: 'GA14' } };
    await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.runtime.names.machines.approval, name: 'gap-1', input: JSON.stringify(input) }));
    const mail = await eventually(async () => (await mailbox(h.runtime)).find((m) => m.subject.includes('Packet gap-1')), 'the approval e-mail');
    approve = new URL(/^Approve: (\S+)$/m.exec(mail.body.text ?? '')?.[1] ?? '');
    taskId = decodeURIComponent(approve.pathname.split('/').pop() ?? '');
  });

  async function trail(type: string, id: string): Promise<AuditRecord[]> {
    const out = await h.dynamo.send(new QueryCommand({ TableName: h.runtime.names.tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': auditPartition({ type, id }) } }));
    return (out.Items ?? []) as AuditRecord[];
  }
  const refusals = async (id = taskId) => (await trail('task', id)).filter((r) => r.type === 'ApprovalLinkRefused');

  function tampered(): URL {
    const url = new URL(approve);
    const sig = url.searchParams.get('sig') ?? '';
    url.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
    return url;
  }

  it('records a tampered link once: anonymous, the task, the reason, the address and the user agent', async () => {
    const res = await fetch(tampered(), { headers: { 'User-Agent': 'curious-scanner/2.1' } });
    expect(res.status).toBe(403);
    const records = await refusals();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      actor: 'anonymous',
      outcome: 'denied',
      subject: { type: 'task', id: taskId },
      source: { ip: expect.stringMatching(/127\.0\.0\.1$/) as unknown, userAgent: 'curious-scanner/2.1' },
      details: { reason: 'signature does not match', method: 'GET' },
    });
  });

  it('records a link to no task, naming a malformed id only by a hash', async () => {
    await h.runtime.clock.advance(60_000);
    const unknown = 'ZZZZZZZZZZZZZZZZZZZZZZ';
    expect((await fetch(`${h.runtime.endpoints.api}/approvals/${unknown}`, { headers: { 'User-Agent': 'ua-unknown' } })).status).toBe(404);
    expect(await refusals(unknown)).toMatchObject([{ outcome: 'failure', subject: { id: unknown }, source: { userAgent: 'ua-unknown' }, details: { reason: 'unknown task' } }]);

    const odd = 'not a task <script>';
    expect((await fetch(`${h.runtime.endpoints.api}/approvals/${encodeURIComponent(odd)}`)).status).toBe(404);
    const [malformed] = await refusals('malformed');
    expect(malformed?.details).toMatchObject({ reason: 'unknown task', givenSha256: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown });
    expect(JSON.stringify(malformed)).not.toContain('script');
  });

  it(`keeps a flood of 100 refused links from one address to ${REFUSALS_RECORDED_PER_MINUTE} records a minute`, async () => {
    await h.runtime.clock.advance(60_000);
    const before = (await refusals()).length;
    const statuses: number[] = [];
    // Ten at a time: the counter holds across concurrent requests, as across Lambda instances.
    for (let i = 0; i < 10; i++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, async () => (await fetch(tampered())).status))));
    expect(statuses.filter((s) => s === 403)).toHaveLength(100);
    const flood = (await refusals()).slice(before);
    expect(flood).toHaveLength(REFUSALS_RECORDED_PER_MINUTE);
    expect(flood.filter((r) => typeof r.details?.['further'] === 'string')).toHaveLength(1);

    // The next minute, the address is heard again.
    await h.runtime.clock.advance(60_000);
    expect((await fetch(tampered())).status).toBe(403);
    expect(await refusals()).toHaveLength(before + REFUSALS_RECORDED_PER_MINUTE + 1);
  });

  it('records a machine client logon with its address and user agent', async () => {
    const client = h.runtime.clients.rmsClient('CT0000100');
    const res = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'nhpd-rms/7.4' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    const logons = (await trail('identity', `client:${client.clientId}`)).filter((r) => r.type === 'Logon');
    expect(logons).toMatchObject([{ outcome: 'success', source: { ip: expect.stringMatching(/127\.0\.0\.1$/) as unknown, userAgent: 'nhpd-rms/7.4' } }]);
  });
});
