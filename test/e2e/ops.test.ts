import { main, type CliIo } from '../../cli/ciss';
import type { ExecutionDetail, ExecutionPage, PendingTaskList, RedriveResult } from '../../functions/ops/contract';
import { eventually, givenRuntime, mailbox, packetIdFor, scanAll, stopHarness, throughRetries, type Harness, type Mail, mailLink as link, decideByLink as decide } from './steps';
import { custodialPacket } from '../../drive/arrest-packet';

const ORI = 'CT0000100';

/**
 * Operations end to end on the embedded runtime: a packet that failed at the CMS, an access
 * request waiting for the unit, and a packet whose step hangs, seen and repaired through the ops
 * API and the `ciss` CLI (its main, with the test's argv and output) as an operator would.
 */
describe('operations: what runs, what failed, what is stuck, and redrive', () => {
  let h: Harness;
  let opsToken: string;
  let rms: string;
  let admin: string;
  let packetId: string;
  let requestId: string;

  beforeAll(async () => {
    h = await givenRuntime();
    opsToken = await h.runtime.mintToken({ roles: ['operations'], username: 'ops-oncall' });
    rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
    admin = await h.runtime.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });

    // An access request that waits for the unit's review.
    const req = await call('/access-requests', admin, 'POST', { employee: { fullName: 'Jordan Opsfield Rivera', email: 'jordan.opsfield@nhpd.ct.example', jobTitle: 'Records Supervisor' }, ori: ORI, justification: 'Supervises the records unit that runs criminal history checks for pistol permit applicants.' });
    if (req.status !== 202) throw new Error(`POST /access-requests: ${req.status}`);
    requestId = ((await req.json()) as { requestId: string }).requestId;

    // An arrest packet the clerk accepts while the CMS is down: it fails once its retries run out.
    packetId = await submit('ops-cms-down');
    h.runtime.cms.setDown(true);
    await decide(link(await mailTo('clerk.ga23@jud.ct.example', 'Arrest packet ops-cms-down '), 'Accept'));
    const arn = `${h.runtime.names.machines['arrest-packet'].replace(':stateMachine:', ':execution:')}:${packetId}-v1`;
    await throughRetries(
      h,
      arn,
      async () => {
        const page = await opsJson<ExecutionPage>('/ops/executions?workflow=arrest&status=FAILED');
        return page.items.find((e) => e.subject?.id === packetId);
      },
      'the execution to fail after its retries',
    );
    h.runtime.cms.setDown(false);
    await eventually(async () => ((await opsJson<PendingTaskList>('/ops/tasks')).items.some((t) => t.subject.id === requestId) ? true : undefined), 'the unit review task');
  });

  afterAll(() => stopHarness(h));

  function call(path: string, token: string, method = 'GET', body?: unknown): Promise<Response> {
    return fetch(`${h.runtime.endpoints.api}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  async function opsJson<T>(path: string, method = 'GET'): Promise<T> {
    const res = await call(path, opsToken, method);
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function submit(incident: string): Promise<string> {
    const res = await call('/arrests', rms, 'POST', custodialPacket(incident, h.runtime.clock.now()));
    if (res.status !== 202) throw new Error(`POST /arrests: ${res.status}`);
    return ((await res.json()) as { packetId: string }).packetId;
  }

  async function mailTo(address: string, about: string): Promise<Mail> {
    return eventually(async () => (await mailbox(h.runtime)).find((m) => m.destination.to.includes(address) && m.subject.includes(about)), `mail to ${address} about ${about}`);
  }



  /** Runs the CLI's main as `npx ciss` would, against this runtime's API. */
  async function ciss(args: string[], answer = ''): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), ask: async () => answer, env: {}, cwd: '/nonexistent', now: () => new Date(h.runtime.clock.now()) };
    const code = await main([...args, '--api', h.runtime.endpoints.api, '--token', opsToken], io);
    return { code, out, err };
  }

  it('lists the failed packet and the waiting request with their status and current state', async () => {
    const failed = await opsJson<ExecutionPage>('/ops/executions?workflow=arrest&status=FAILED');
    expect(failed.items.find((e) => e.subject?.id === packetId)).toMatchObject({ workflow: 'arrest', machine: 'arrest-packet', name: `${packetId}-v1`, status: 'FAILED', currentState: 'TransmitToCms', stuck: false });

    const all = await opsJson<ExecutionPage>('/ops/executions?since=1h');
    expect(all.items.find((e) => e.subject?.id === requestId)).toMatchObject({ workflow: 'access', subject: { type: 'request', id: requestId }, status: 'RUNNING', currentState: 'AwaitBusinessNeedReview', stuck: false });
    expect(all.items.every((e) => e.workflow !== 'arrest' || e.status !== 'SUCCEEDED')).toBe(true);
  });

  it('shows the failed execution: the failing state, its retries, error and cause', async () => {
    const detail = await opsJson<ExecutionDetail>(`/ops/executions/${packetId}`);
    expect(detail).toMatchObject({ status: 'FAILED', currentState: 'TransmitToCms', error: 'CmsUnavailable', revealed: false });
    expect(detail.cause).toMatch(/503|unavailable/i);
    const transmit = detail.timeline.find((s) => s.state === 'TransmitToCms');
    expect(transmit).toMatchObject({ type: 'Task', error: 'CmsUnavailable', retries: 6 });
    expect(detail.path.indexOf('ValidatePacket')).toBeLessThan(detail.path.indexOf('AwaitClerkReview'));
    expect(detail.path.at(-1)).toBe('TransmitToCms');
    expect(JSON.parse(detail.definition)).toHaveProperty('States.TransmitToCms');
  });

  it('hides personal data unless revealed, and audits the reveal', async () => {
    const redacted = JSON.stringify(await opsJson<ExecutionDetail>(`/ops/executions/${requestId}`));
    expect(redacted).toContain(requestId);
    expect(redacted).not.toMatch(/Opsfield|jordan\.opsfield@/);

    const revealed = await opsJson<ExecutionDetail>(`/ops/executions/${requestId}?reveal=true`);
    expect(revealed.revealed).toBe(true);
    expect(JSON.stringify(revealed)).toContain('Jordan Opsfield Rivera');
    expect(revealed.pendingTask?.subject.title).toContain('Jordan Opsfield Rivera');

    const audit = await scanAll(h, [h.runtime.names.tables.audit]);
    expect(audit.filter((r) => r['type'] === 'ExecutionDataRevealed' && r['actor'] === 'ops-oncall')).toEqual([
      expect.objectContaining({ outcome: 'success', subject: { type: 'access-request', id: requestId }, component: 'operations' }),
    ]);
    expect(audit.some((r) => r['type'] === 'ExecutionRead' && (r['subject'] as { id: string }).id === packetId)).toBe(true);
  });

  it('lists the pending human task and on whom it waits, filtered by age', async () => {
    const task = (await opsJson<PendingTaskList>('/ops/tasks')).items.find((t) => t.subject.id === requestId);
    expect(task).toMatchObject({ workflow: 'access-request', step: 'business-need-review', subject: { type: 'request', id: requestId }, assignee: { role: 'unit', email: 'cchrs.unit@dpscs.ct.example' } });
    expect(JSON.stringify(task)).not.toContain('Opsfield');
    expect((await opsJson<PendingTaskList>('/ops/tasks?olderThan=1d')).items.some((t) => t.subject.id === requestId)).toBe(false);
  });

  it('finds an execution whose step hangs past the time its definition allows, and only it', async () => {
    // The validation Lambda of one packet never answers (a hung dependency) while workflow time moves on.
    const hungId = packetIdFor(h, ORI, 'ops-hangs');
    const hold = h.runtime.faults.hold('arrests-validate', { match: hungId });
    try {
      expect(await submit('ops-hangs')).toBe(hungId);
      await hold.reached;
      await eventually(async () => ((await opsJson<ExecutionDetail>(`/ops/executions/${hungId}`)).currentState === 'ValidatePacket' ? true : undefined), 'the packet to be in ValidatePacket');
      expect((await opsJson<ExecutionPage>('/ops/executions?stuck=true')).items).toEqual([]);

      await h.runtime.clock.advance(2 * 3600 * 1000);
      const stuck = await opsJson<ExecutionPage>('/ops/executions?stuck=true');
      expect(stuck.items.map((e) => [e.subject?.id, e.currentState, e.stuck])).toEqual([[hungId, 'ValidatePacket', true]]);
      expect(stuck.items[0]?.expectedSeconds).toBeLessThan(2 * 3600);

      const cli = await ciss(['stuck', '--json']);
      expect(cli.code).toBe(0);
      expect((JSON.parse(cli.out) as ExecutionPage).items.map((e) => e.subject?.id)).toEqual([hungId]);
    } finally {
      hold.release();
    }
    await eventually(async () => ((await opsJson<ExecutionDetail>(`/ops/executions/${hungId}`)).currentState !== 'ValidatePacket' ? true : undefined), 'the packet to move on');
  });

  it('lists and shows through the CLI, in JSON and as text', async () => {
    const list = await ciss(['executions', 'list', '--workflow', 'arrest', '--status', 'FAILED', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.out) as ExecutionPage).items.map((e) => e.subject?.id)).toContain(packetId);

    const show = await ciss(['executions', 'show', packetId, '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.out) as ExecutionDetail).toMatchObject({ status: 'FAILED', currentState: 'TransmitToCms', error: 'CmsUnavailable' });

    const text = await ciss(['executions', 'show', packetId]);
    expect(text.out).toMatch(/TransmitToCms\s+Task\s+\S+ \S+\s+-\s+6\s+CmsUnavailable: .*503/);
    expect(text.out).toContain(`ciss redrive ${packetId}`);
  });

  it('says plainly when an id is unknown or the API cannot be reached (exit 1)', async () => {
    const unknown = await ciss(['executions', 'show', 'ap-000000000000000000000000']);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toContain('No execution, arrest packet or access request is known by ap-000000000000000000000000');

    let err = '';
    const code = await main(['executions', 'list', '--api', 'http://127.0.0.1:59999', '--token', 'x'], { stdout: () => undefined, stderr: (t) => void (err += t), ask: async () => '', env: {}, cwd: '/nonexistent', now: () => new Date() });
    expect(code).toBe(1);
    expect(err).toContain('Cannot reach the ops API at http://127.0.0.1:59999');
    expect(err).toContain('npm start');
  });

  it('redrives the failed packet after the CMS is back: asks first, and carries it through to available', async () => {
    const declined = await ciss(['redrive', packetId], 'n');
    expect(declined.code).toBe(1);
    expect((await opsJson<ExecutionDetail>(`/ops/executions/${packetId}`)).status).toBe('FAILED');

    const redrive = await ciss(['redrive', packetId, '--yes', '--json']);
    expect(redrive.code).toBe(0);
    expect((JSON.parse(redrive.out) as RedriveResult).execution).toMatchObject({ name: `${packetId}-v1`, status: 'RUNNING' });

    await eventually(async () => {
      const res = await call(`/arrests/${packetId}`, rms);
      return ((await res.json()) as { status: string }).status === 'AVAILABLE' ? true : undefined;
    }, 'the packet to be AVAILABLE', 20_000);
    expect(h.runtime.cms.records.filter((r) => r.idempotencyKey.startsWith(packetId))).toHaveLength(1);

    const again = await call(`/ops/executions/${packetId}/redrive`, opsToken, 'POST');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain('RUNNING');
    const audit = await scanAll(h, [h.runtime.names.tables.audit]);
    expect(audit.filter((r) => r['type'] === 'ExecutionRedriven').map((r) => r['outcome']).sort()).toEqual(['failure', 'success']);
  });

  it('is for the operations role only (403 for every other role)', async () => {
    for (const token of [rms, admin, await h.runtime.mintToken({ roles: ['auditor'] }), await h.runtime.mintToken({ roles: ['court-clerk'] })]) {
      for (const [method, path] of [['GET', '/ops/executions'], ['GET', `/ops/executions/${packetId}`], ['GET', '/ops/tasks'], ['POST', `/ops/executions/${packetId}/redrive`]] as const) {
        expect([method, path, (await call(path, token, method)).status]).toEqual([method, path, 403]);
      }
    }
  });
});
