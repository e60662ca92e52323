import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { firstMatch, retryDelaySeconds, type Retrier } from '../../functions/shared/asl';
import accessRequest from '../../statemachines/access-request';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { eventually, mailLink, scanAll } from './steps';

const DAY_MS = 24 * 3600 * 1000;
const ORI = 'CT0000100';
const ADMIN = 'admin@nhpd.ct.example';
const UNIT = 'cchrs.unit@dpscs.ct.example';
const EMPLOYEE = { fullName: 'Jordan Retried Rivera', email: 'jordan.retried@nhpd.ct.example', jobTitle: 'Records Supervisor' };
const CLOSED = 'the workflow no longer waits for this decision';

/**
 * The longest the verification step backs off before its first retry after a Lambda timeout: its
 * Retry's first pause (full jitter takes a random share of it), read from the state machine.
 */
const verificationStep = accessRequest.States['AwaitTrainingVerification'] as { Retry?: Retrier[] };
const timeoutRetrier = verificationStep.Retry?.[firstMatch(verificationStep.Retry, 'Sandbox.Timedout')];
if (!timeoutRetrier) throw new Error('AwaitTrainingVerification has no Retry for Sandbox.Timedout');
const BACKOFF_CEILING_MS = retryDelaySeconds(timeoutRetrier, 0) * 1000;

const cases = await casesFor(it);

interface TaskView {
  readonly taskId: string;
  readonly step: string;
  readonly subject: { readonly id: string };
  readonly status: string;
  readonly closedReason: string | null;
}

/**
 * The unit verifies training while the step that opened its verification task is being retried
 * (CI's faults-timeouts run: the load driver took the 409 this used to be for "done"). `tasks-notify` records the task and mails the
 * unit, then its answer is lost (a Lambda timeout): the engine closes that attempt's token and the
 * step's Retry waits out its back-off on the (manual, standing) clock before it opens a new task.
 * The unit's verification in that window decides a task the workflow no longer waits for: a 410
 * that keeps the training, and the same verification once the new task waits goes through.
 */
describe('training verification while its step is retried after a Lambda timeout', () => {
  let h: Target;
  let admin: string;
  let unit: string;

  beforeAll(async () => {
    // Nothing here needs the pending-task monitor; only the test moves the clock.
    h = await givenTarget({ runtime: { schedules: false } });
    admin = await h.token({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: ADMIN });
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT });
  });

  afterAll(() => stopTarget(h));

  const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${h.apiUrl}${path}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });
  const post = (path: string, token: string | undefined, body: unknown) => api(path, token, { method: 'POST', body: JSON.stringify(body) });
  const mails = async (to: string, subjectPart: string): Promise<Mail[]> => (await h.mailbox()).filter((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart));
  const mailTo = (to: string, subjectPart: string): Promise<Mail> => eventually(async () => (await mails(to, subjectPart))[0], `mail to ${to} about "${subjectPart}"`);
  const decideByLink = async (url: string): Promise<void> => {
    const q = new URL(url).searchParams;
    const body = new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' });
    expect((await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
  };
  const view = async (requestId: string) =>
    (await (await api(`/access-requests/${requestId}`, unit)).json()) as { status: string; training: Record<string, { verified: { completedOn: string; recordId: string } | null }> };
  const verificationTasks = async (requestId: string): Promise<TaskView[]> =>
    ((await (await api('/tasks', unit)).json()) as { tasks: TaskView[] }).tasks.filter((t) => t.subject.id === requestId && t.step === 'training-verification');

  cases.needs(['clock', 'faults'])('answers 410 while the step backs off, keeps the training, and decides the new task when sent again', async () => {
    // The verification task's opening runs to its end (task recorded, unit mailed) and loses its answer once.
    await h.faults.set({ functions: { 'tasks-notify': { timeout: 1, timeoutAfterMs: 50, timeoutAfterHandler: true, match: 'training-verification', times: 1 } } });
    const completedOn = new Date((await h.now()) - DAY_MS).toISOString().slice(0, 10);
    const modules = [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn, recordId: 'CJIS-SA-40117' },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn, recordId: 'CJIS-NGI-40118' },
    ];
    const justification = 'Supervises the records unit that runs criminal history checks for pistol permit applicants.';
    const submitted = await post('/access-requests', admin, { employee: EMPLOYEE, ori: ORI, justification });
    expect(submitted.status).toBe(202);
    const { requestId } = (await submitted.json()) as { requestId: string };
    const executionArn = h.executionArn('access-request', requestId);
    await decideByLink(mailLink(await mailTo(UNIT, `CCHRS access for ${EMPLOYEE.fullName}`), 'Approve'));
    await decideByLink(mailLink(await mailTo(ADMIN, `Has the employee completed both trainings on CJIS Online? (CCHRS access for ${EMPLOYEE.fullName}`), 'Both trainings'));

    // The step failed (Sandbox.Timedout) and its Retry sleeps on the clock, which stands still.
    const backingOff = await eventually(async () => {
      const [last] = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }))).events ?? [];
      if (last?.type !== 'TaskFailed' || last.taskFailedEventDetails?.error !== 'Sandbox.Timedout') return undefined;
      const now = await h.clock.now();
      return (await h.clock.pending()).find((at) => at > now && at <= now + BACKOFF_CEILING_MS);
    }, 'the verification step to back off after its Lambda timeout');
    expect(await h.faults.counts()).toEqual({ 'lambda:tasks-notify:timeout': 1 });
    // What the unit sees: the status, one verification task (the first opening's), one mail about it.
    expect((await view(requestId)).status).toBe('TRAINING_VERIFICATION');
    const [first, ...others] = await verificationTasks(requestId);
    expect(first).toMatchObject({ status: 'PENDING' });
    expect(others).toEqual([]);
    expect(await mails(UNIT, 'Verify both trainings')).toHaveLength(1);

    // 1. The decision reaches a token the workflow closed: nothing decided, the training kept.
    const gone = await post(`/access-requests/${requestId}/training-verification`, unit, { modules });
    expect({ status: gone.status, body: await gone.json() }).toEqual({
      status: 410,
      body: {
        error: 'Gone',
        message: `The verification task ${first?.taskId} is closed (${CLOSED}); nothing was decided. Any training recorded is kept: send the verification again once the request's new verification task is waiting.`,
      },
    });
    const kept = await view(requestId);
    expect(kept.status).toBe('TRAINING_VERIFICATION');
    expect(kept.training['security-awareness']?.verified).toMatchObject({ completedOn, recordId: 'CJIS-SA-40117' });
    expect(kept.training['cchrs-ngi']?.verified).toMatchObject({ completedOn, recordId: 'CJIS-NGI-40118' });
    expect(await (await api(`/tasks/${first?.taskId}`, unit)).json()).toMatchObject({ status: 'CANCELLED', closedReason: CLOSED });

    // 2. Sent again before the retry opened a new task: the request's task is the closed one, still a 410.
    const stillGone = await post(`/access-requests/${requestId}/training-verification`, unit, { modules });
    expect(stillGone.status).toBe(410);
    expect(((await stillGone.json()) as { message: string }).message).toContain(`The verification task ${first?.taskId} is closed (${CLOSED}); nothing was decided.`);
    expect(await h.clock.pending()).toContain(backingOff);

    // 3. The back-off passes: the retried step opens a new task, and the same verification decides it.
    await h.clock.advance(BACKOFF_CEILING_MS);
    const next = await eventually(async () => (await verificationTasks(requestId)).find((t) => t.taskId !== first?.taskId && t.status === 'PENDING'), 'the retried step’s new verification task');
    const verified = await post(`/access-requests/${requestId}/training-verification`, unit, { modules });
    expect({ status: verified.status, body: await verified.json() }).toEqual({ status: 200, body: { requestId, verified: ['security-awareness', 'cchrs-ngi'], missing: [] } });
    await mailTo(EMPLOYEE.email, 'Your CCHRS account: temporary password');
    expect(await (await api(`/tasks/${next.taskId}`, unit)).json()).toMatchObject({ status: 'DECIDED', decision: { choice: 'verified' } });

    // The training's status change audited once (by the 410's call), the closed task's cancellation once.
    const trail = (await scanAll(h, [h.table('audit')])).filter((e) => (e['subject'] as { id?: string }).id === requestId);
    const trainingNotes = trail.filter((e) => e['type'] === 'AccessRequestStatusChanged' && String((e['details'] as { note?: string }).note).startsWith('training verified on CJIS Online'));
    expect(trainingNotes).toEqual([expect.objectContaining({ actor: 'cchrs-unit', details: expect.objectContaining({ from: 'TRAINING_VERIFICATION', to: 'TRAINING_VERIFICATION', note: 'training verified on CJIS Online: security-awareness, cchrs-ngi' }) })]);
    expect(trail.filter((e) => e['type'] === 'TaskCancelled').map((e) => e['details'])).toEqual([expect.objectContaining({ taskId: first?.taskId, reason: 'workflow gone' })]);
    expect(await h.faults.counts()).toEqual({ 'lambda:tasks-notify:timeout': 1 });
  });
});
