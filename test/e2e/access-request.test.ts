import http from 'node:http';
import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { ended, eventually, scanAll, throughRetries, mailLink as link } from './steps';

const DAY_MS = 24 * 3600 * 1000;
const UNIT = 'cchrs.unit@dpscs.ct.example';
const ORI = 'CT0000100';

const cases = await casesFor(it);

describe('CCHRS access request, end to end', () => {
  let h: Target;
  let admin: string;
  let unit: string;

  beforeAll(async () => {
    h = await givenTarget();
    admin = await h.token({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT });
  });

  afterAll(() => stopTarget(h));

  const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${h.apiUrl}${path}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });
  const post = (path: string, token: string | undefined, body: unknown) => api(path, token, { method: 'POST', body: JSON.stringify(body) });

  function employee(tag: string) {
    return { fullName: `Jordan ${tag} Rivera`, email: `jordan.${tag}@nhpd.ct.example`, jobTitle: 'Records Supervisor' };
  }
  const justification = 'Supervises the records unit that runs criminal history checks for pistol permit applicants and court-ordered background investigations.';

  async function submit(tag: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await post('/access-requests', admin, { employee: employee(tag), ori: ORI, justification, ...extra });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { requestId: string; statusUrl: string };
    expect(body.statusUrl).toContain(`/access-requests/${body.requestId}`);
    return body.requestId;
  }

  const executionArn = (name: string) => h.executionArn('access-request', name);

  async function mailTo(to: string, subjectPart: string, count = 1): Promise<Mail> {
    const mails = await eventually(async () => {
      const found = (await h.mailbox()).filter((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart));
      return found.length >= count ? found : undefined;
    }, `mail to ${to} about "${subjectPart}"`);
    return mails[count - 1] as Mail;
  }


  async function decide(url: string, comment?: string): Promise<number> {
    expect((await fetch(url)).status).toBe(200);
    const q = new URL(url).searchParams;
    const body = new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '', ...(comment ? { comment } : {}) });
    return (await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status;
  }

  async function status(requestId: string): Promise<string> {
    const res = await api(`/access-requests/${requestId}`, unit);
    return ((await res.json()) as { status: string }).status;
  }

  async function statusBecomes(requestId: string, wanted: string): Promise<void> {
    await eventually(async () => ((await status(requestId)) === wanted ? true : undefined), `request ${requestId} to be ${wanted}`);
  }

  /** Submits, approves, attests: the request waits for the unit's verification. */
  async function toVerification(tag: string): Promise<string> {
    const requestId = await submit(tag);
    const review = await mailTo(UNIT, `CCHRS access for Jordan ${tag} Rivera`);
    expect(await decide(link(review, 'Approve'))).toBe(200);
    await statusBecomes(requestId, 'TRAINING_ASSIGNED');
    const attestation = await mailTo('admin@nhpd.ct.example', `Has the employee completed both trainings on CJIS Online? (CCHRS access for Jordan ${tag} Rivera`);
    expect(await decide(link(attestation, 'Both trainings'))).toBe(200);
    await statusBecomes(requestId, 'TRAINING_VERIFICATION');
    await mailTo(UNIT, `Verify both trainings`);
    return requestId;
  }

  const bothModules = [
    { module: 'security-awareness', evidence: 'cjis-online', completedOn: '2026-11-20', recordId: 'CJIS-SA-88231' },
    { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-21', recordId: 'CJIS-NGI-55120' },
  ];

  async function temporaryPasswordFor(tag: string, count = 1): Promise<string> {
    const mail = await mailTo(employee(tag).email, 'Your CCHRS account: temporary password', count);
    const match = /^Temporary password: (\S+)$/m.exec(mail.body.text ?? '');
    if (!match?.[1]) throw new Error('no temporary password in the e-mail');
    return match[1];
  }

  const passwords: string[] = [];
  /** The request the happy path made active. */
  let activated: string | undefined;

  it('goes from request to an active account through the e-mail links, the verification API and the first login', async () => {
    const requestId = await toVerification('happy');
    const training = await mailTo(employee('happy').email, 'two trainings to complete');
    expect(training.body.text).toContain('Security and Awareness Training — minimum level, General Role');
    expect(training.body.text).toContain('CCHRS & NGI Training');

    const verified = await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules });
    expect(verified.status).toBe(200);
    const temporary = await temporaryPasswordFor('happy');
    passwords.push(temporary);
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');

    const login = await post('/auth/first-login', undefined, { email: employee('happy').email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
    expect(login.status).toBe(200);
    await statusBecomes(requestId, 'ACTIVE');
    activated = requestId;

    const view = (await (await api(`/access-requests/${requestId}`, admin)).json()) as { timeline: { status?: string }[]; training: Record<string, { verified: { recordId: string } | null }> };
    expect(view.timeline.map((t) => t.status).filter(Boolean)).toEqual(['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', 'ACTIVE']);
    expect(view.training['security-awareness']?.verified?.recordId).toBe('CJIS-SA-88231');
  });

  it('records the same evidence once when the unit’s client sends it twice at once (a retry racing its first attempt)', async () => {
    const requestId = await toVerification('twice');
    const answers = await Promise.all([0, 1].map(() => post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })));
    expect(answers.map((a) => a.status).sort()).toEqual(expect.arrayContaining([200]));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    await temporaryPasswordFor('twice');

    const view = (await (await api(`/access-requests/${requestId}`, admin)).json()) as { timeline: { status?: string }[] };
    expect(view.timeline.map((t) => t.status).filter(Boolean)).toEqual(['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED']);
  });

  cases.needs(['clock'])('ends the workflow of the active account when its temporary password’s day is over, the account still active', async () => {
    expect(activated).toBeDefined();
    await h.clock.advance(DAY_MS);
    const done = await ended(h.sfn, executionArn(activated ?? ''));
    expect(done.status).toBe('SUCCEEDED');
    expect(await status(activated ?? '')).toBe('ACTIVE');
  });

  cases.needs(['clock', 'faults'])('never shows a human step’s status before its task exists, even when opening the task is retried: whoever reads the status can act on it at once', async () => {
    const tag = 'window';
    const pendingFor = async (token: string, requestId: string, step: string) => {
      const res = await api('/tasks', token);
      const { tasks } = (await res.json()) as { tasks: { step: string; subject: { id: string } }[] };
      return tasks.some((t) => t.subject.id === requestId && t.step === step);
    };
    /**
     * Waits (moving the clock through the notify step's Retry) until the status reads `wanted`;
     * the read that first shows it must find the step's task.
     */
    const atFirstSight = async (requestId: string, wanted: string, token: string, step: string) => {
      await throughRetries(h, executionArn(requestId), async () => ((await status(requestId)) === wanted ? true : undefined), `request ${requestId} to be ${wanted}`);
      expect(await pendingFor(token, requestId, step)).toBe(true);
      expect(await h.faults.counts()).toEqual({ 'lambda:tasks-notify:serviceError': 1 });
    };
    // Each task-opening fails once (as Lambda does now and then) and is retried after a back-off:
    // a status written apart from its task would be seen for that whole back-off.
    const failOnce = (match: string) => h.faults.set({ functions: { 'tasks-notify': { serviceError: 1, times: 1, match } } });
    try {
      await failOnce(`Jordan ${tag} Rivera`);
      const requestId = await submit(tag);
      await atFirstSight(requestId, 'UNDER_REVIEW', unit, 'business-need-review');
      const review = await mailTo(UNIT, `CCHRS access for Jordan ${tag} Rivera`);
      await failOnce('"step":"training-attestation"');
      expect(await decide(link(review, 'Approve'))).toBe(200);
      await atFirstSight(requestId, 'TRAINING_ASSIGNED', admin, 'training-attestation');
      const attestation = await mailTo('admin@nhpd.ct.example', `Has the employee completed both trainings on CJIS Online? (CCHRS access for Jordan ${tag} Rivera`);
      await failOnce('"step":"training-verification"');
      expect(await decide(link(attestation, 'Both trainings'))).toBe(200);
      // The unit's client acts on the status alone, the moment it reads TRAINING_VERIFICATION.
      await throughRetries(h, executionArn(requestId), async () => ((await status(requestId)) === 'TRAINING_VERIFICATION' ? true : undefined), 'TRAINING_VERIFICATION');
      const verified = await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules });
      expect(verified.status).toBe(200);
      expect(await h.faults.counts()).toEqual({ 'lambda:tasks-notify:serviceError': 1 });
      await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');
    } finally {
      await h.faults.clear();
    }
  });

  it('opens a working form from the unit’s "Both verified" link: GET changes nothing, a PDF certificate is refused with the rule, POST records both modules and moves on', async () => {
    const requestId = await toVerification('form');
    const mail = await mailTo(UNIT, `Verify both trainings on CJIS Online and record each completion (date and record id) (CCHRS access for Jordan form Rivera`);
    expect(mail.body.text).not.toContain('/training-verification');
    const url = link(mail, 'Both verified on CJIS Online');
    expect(new URL(url).pathname).toBe(`/access-requests/${requestId}/training-evidence`);
    for (let i = 0; i < 2; i++) {
      const form = await fetch(url);
      expect(form.status).toBe(200);
      expect(form.headers.get('content-type')).toContain('text/html');
      const html = await form.text();
      expect(html).toContain('Record the training evidence');
      expect(html).toContain('CCHRS &amp; NGI Training');
    }
    expect(await status(requestId)).toBe('TRAINING_VERIFICATION');
    const q = new URL(url).searchParams;
    const hidden = { task: q.get('task') ?? '', choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' };
    const send = (fields: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams({ ...hidden, ...fields }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

    const pdf = await send({ 'security-awareness.evidence': 'pdf-certificate', 'cchrs-ngi.evidence': 'cjis-online', 'cchrs-ngi.completedOn': '2026-11-21', 'cchrs-ngi.recordId': 'CJIS-NGI-1' });
    expect(pdf.status).toBe(400);
    expect(await pdf.text()).toContain('not accepted as evidence of Security and Awareness Training since 15 May 2024');
    const forged = await fetch(url.replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43)));
    expect(forged.status).toBe(403);
    expect(await status(requestId)).toBe('TRAINING_VERIFICATION');

    const ok = await send({
      'security-awareness.evidence': 'cjis-online', 'security-awareness.completedOn': '2026-11-20', 'security-awareness.recordId': 'CJIS-SA-1',
      'cchrs-ngi.evidence': 'cjis-online', 'cchrs-ngi.completedOn': '2026-11-21', 'cchrs-ngi.recordId': 'CJIS-NGI-1',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Training evidence recorded');
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');
    const view = (await (await api(`/access-requests/${requestId}`, unit)).json()) as { training: Record<string, { verified: { recordId: string; verifiedBy: string } | null }>; timeline: { actor: string; status?: string }[] };
    expect(view.training['cchrs-ngi']?.verified).toMatchObject({ recordId: 'CJIS-NGI-1', verifiedBy: UNIT });
    expect(view.timeline).toContainEqual(expect.objectContaining({ actor: UNIT, status: 'TRAINING_VERIFICATION' }));
    // Used once: the task is decided.
    expect((await fetch(url)).status).toBe(409);
  });

  cases.needs(['faults'])('records the evidence form’s answer once when its first POST did its work but its answer was lost (Lambda timed out) and the unit sends it again', async () => {
    const requestId = await toVerification('lost');
    const mail = await mailTo(UNIT, 'Verify both trainings on CJIS Online and record each completion (date and record id) (CCHRS access for Jordan lost Rivera');
    const url = link(mail, 'Both verified on CJIS Online');
    const q = new URL(url).searchParams;
    const answer = new URLSearchParams({
      task: q.get('task') ?? '', choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '',
      'security-awareness.evidence': 'cjis-online', 'security-awareness.completedOn': '2026-11-20', 'security-awareness.recordId': 'CJIS-SA-7',
      'cchrs-ngi.evidence': 'cjis-online', 'cchrs-ngi.completedOn': '2026-11-21', 'cchrs-ngi.recordId': 'CJIS-NGI-7',
    });
    const send = () => fetch(url, { method: 'POST', body: answer, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    try {
      await h.faults.set({ functions: { 'access-evidence-record': { timeout: 1, timeoutAfterMs: 100, timeoutAfterHandler: true, times: 1, match: requestId } } });
      expect((await send()).status).toBeGreaterThanOrEqual(500);
      expect(await h.faults.counts()).toEqual({ 'lambda:access-evidence-record:timeout': 1 });
    } finally {
      await h.faults.clear();
    }
    // The second POST finds the task decided: nothing is recorded or audited again.
    expect((await send()).status).toBe(409);
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');
    const view = (await (await api(`/access-requests/${requestId}`, unit)).json()) as { timeline: { actor: string; status?: string }[] };
    // The verification step's opening, then the evidence: each audited once.
    expect(view.timeline.filter((t) => t.status === 'TRAINING_VERIFICATION').map((t) => t.actor)).toEqual(['workflow', UNIT]);
  });

  it('refuses "Both verified" before any evidence is recorded (409, saying what to do), leaving the task open and sending nothing again', async () => {
    const requestId = await toVerification('early');
    const mail = await mailTo(UNIT, 'Verify both trainings on CJIS Online and record each completion (date and record id) (CCHRS access for Jordan early Rivera');
    const tasks = (await (await api('/tasks', unit)).json()) as { tasks: { taskId: string; step: string; subject: { id: string } }[] };
    const task = tasks.tasks.find((t) => t.subject.id === requestId && t.step === 'training-verification');
    expect(task).toBeDefined();
    const res = await post(`/tasks/${task?.taskId}/decision`, unit, { choice: 'verified' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toMatch(/^Record the training evidence for both modules first/);
    // The same through the approval page a link's parameters open.
    const q = new URL(link(mail, 'Both verified on CJIS Online')).searchParams;
    const page = await fetch(`${h.apiUrl}/approvals/${q.get('task')}`, {
      method: 'POST',
      body: new URLSearchParams({ choice: 'verified', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('Record the training evidence for both modules first');
    const still = (await (await api(`/tasks/${task?.taskId}`, unit)).json()) as { status: string };
    expect(still.status).toBe('PENDING');
    expect(await status(requestId)).toBe('TRAINING_VERIFICATION');
    const sent = (await h.mailbox()).filter((m) => m.destination.to.includes(UNIT) && m.subject.includes('Verify both trainings') && m.subject.includes('Jordan early Rivera'));
    expect(sent).toHaveLength(1);
  });

  it('tells the agency why when the unit denies the request', async () => {
    const requestId = await submit('denied');
    const review = await mailTo(UNIT, 'CCHRS access for Jordan denied Rivera');
    expect(await decide(link(review, 'Deny'), 'Duties do not require criminal history record information')).toBe(200);
    await statusBecomes(requestId, 'DENIED');
    const told = await mailTo('admin@nhpd.ct.example', 'CCHRS access request denied');
    expect(told.body.text).toContain('Duties do not require criminal history record information');
    expect((await ended(h.sfn, executionArn(requestId))).status).toBe('SUCCEEDED');
  });

  it('refuses a PDF certificate as training evidence, citing the rule', async () => {
    const requestId = await toVerification('pdf');
    const res = await post(`/access-requests/${requestId}/training-verification`, unit, { modules: [{ module: 'security-awareness', evidence: 'pdf-certificate' }, bothModules[1]] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: { field: string; rule: string }[] };
    expect(body.problems).toEqual([expect.objectContaining({ field: 'modules.0.evidence', rule: expect.stringContaining('not accepted as evidence of Security and Awareness Training since 15 May 2024') })]);
    expect(await status(requestId)).toBe('TRAINING_VERIFICATION');
  });

  it('sends the request back to the agency naming the missing module', async () => {
    const requestId = await toVerification('missing');
    const res = await post(`/access-requests/${requestId}/training-verification`, unit, { modules: [bothModules[0]] });
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({ missing: ['cchrs-ngi'] });
    await statusBecomes(requestId, 'TRAINING_ASSIGNED');
    const told = await mailTo('admin@nhpd.ct.example', 'training not yet verified for Jordan missing Rivera');
    expect(told.body.text).toContain('CCHRS & NGI Training');
    await mailTo('admin@nhpd.ct.example', 'Has the employee completed both trainings on CJIS Online? (CCHRS access for Jordan missing Rivera', 2);
  });

  cases.needs(['clock'])('expires an unused temporary password after 24 hours, refuses it by its timestamp, and reissues', async () => {
    const requestId = await toVerification('expiry');
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })).status).toBe(200);
    const first = await temporaryPasswordFor('expiry');
    passwords.push(first);
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');

    await h.clock.advance(DAY_MS);
    await statusBecomes(requestId, 'PASSWORD_EXPIRED');
    await mailTo(employee('expiry').email, 'CCHRS temporary password expired');
    await mailTo('admin@nhpd.ct.example', 'CCHRS temporary password expired');
    const late = await post('/auth/first-login', undefined, { email: employee('expiry').email, temporaryPassword: first, newPassword: 'Granite-Harbor-Lantern-42' });
    expect(late.status).toBe(401);
    // The right password, expired: told so, and what to do.
    const told = (await late.json()) as { error: string; message: string };
    expect(told).toMatchObject({ error: 'TemporaryPasswordExpired', message: expect.stringMatching(/correct, but it expired.*CCHRS unit/) });
    // A wrong one still answers as for an unknown e-mail.
    const wrong = await post('/auth/first-login', undefined, { email: employee('expiry').email, temporaryPassword: 'not-it-at-all', newPassword: 'Granite-Harbor-Lantern-42' });
    const unknown = await post('/auth/first-login', undefined, { email: 'nobody@nhpd.ct.example', temporaryPassword: 'not-it-at-all', newPassword: 'Granite-Harbor-Lantern-42' });
    expect([wrong.status, await wrong.text()]).toEqual([unknown.status, await unknown.text()]);

    // Two unit members ask at once: one reissue happens, and the other is told who asked and when.
    const other = await h.token({ roles: ['unit'], username: 'cchrs-unit-2', email: UNIT });
    const both = await Promise.all([post(`/access-requests/${requestId}/reissue`, unit, {}), post(`/access-requests/${requestId}/reissue`, other, {})]);
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
    const refused = (await both.find((r) => r.status === 409)?.json()) as { message: string };
    expect(refused.message).toMatch(/already requested by cchrs-unit(-2)? at \w{3}, \d{2} \w{3} \d{4}/);
    const second = await temporaryPasswordFor('expiry', 2);
    passwords.push(second);
    expect(second).not.toBe(first);
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');
    expect((await post('/auth/first-login', undefined, { email: employee('expiry').email, temporaryPassword: second, newPassword: 'Quiet-Meadow-Ferry-17' })).status).toBe(200);
    await statusBecomes(requestId, 'ACTIVE');
    // Exactly one new password was e-mailed.
    expect((await h.mailbox()).filter((m) => m.destination.to.includes(employee('expiry').email) && m.subject.includes('Your CCHRS account: temporary password'))).toHaveLength(2);
  });

  cases.needs(['clock'])('refuses an expired temporary password by its timestamp even while the workflow has not noticed', async () => {
    const requestId = await toVerification('stamp');
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })).status).toBe(200);
    const temporary = await temporaryPasswordFor('stamp');
    passwords.push(temporary);
    // The workflow stops watching (as if its Wait were late); only the timestamp is left.
    await h.sfn.send(new StopExecutionCommand({ executionArn: executionArn(requestId) }));
    await ended(h.sfn, executionArn(requestId));
    await h.clock.advance(DAY_MS + 1000);
    expect(await status(requestId)).toBe('TEMPORARY_PASSWORD_ISSUED');
    const res = await post('/auth/first-login', undefined, { email: employee('stamp').email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
    expect(res.status).toBe(401);
    await expect(res.json()).resolves.toMatchObject({ error: 'TemporaryPasswordExpired' });
  });

  /** A first login sent from another loopback address, as another source would. */
  function firstLoginFrom(localAddress: string, body: unknown): Promise<{ status: number; text: string }> {
    const url = new URL(`${h.apiUrl}/auth/first-login`);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject).end(JSON.stringify(body));
    });
  }

  async function lockedOut(tag: string): Promise<{ requestId: string; email: string; temporary: string; unknownBody: string }> {
    const requestId = await toVerification(tag);
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })).status).toBe(200);
    const temporary = await temporaryPasswordFor(tag);
    passwords.push(temporary);
    const email = employee(tag).email;
    const unknown = await post('/auth/first-login', undefined, { email: 'nobody@nhpd.ct.example', temporaryPassword: 'x', newPassword: 'y' });
    const unknownBody = await unknown.text();
    for (let i = 0; i < 5; i++) {
      const wrong = await post('/auth/first-login', undefined, { email, temporaryPassword: `wrong-${i}`, newPassword: 'Granite-Harbor-Lantern-42' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toBe(unknownBody);
    }
    return { requestId, email, temporary, unknownBody };
  }

  cases.needs(['clock'])('locks the account after 5 failures in 15 minutes for 10 minutes (CJIS AC-7), telling only the holder of the right password, and the lock ends by itself', async () => {
    const { email, temporary, unknownBody } = await lockedOut('lock');
    // A wrong password while locked answers as any wrong password: nothing is told.
    const wrongWhileLocked = await post('/auth/first-login', undefined, { email, temporaryPassword: 'wrong-again', newPassword: 'Granite-Harbor-Lantern-42' });
    expect([wrongWhileLocked.status, await wrongWhileLocked.text()]).toEqual([401, unknownBody]);
    // The right one is told what happened and what to do.
    const locked = await post('/auth/first-login', undefined, { email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
    expect(locked.status).toBe(423);
    const told = (await locked.json()) as { error: string; message: string; lockedUntil: string };
    expect(told.error).toBe('AccountLocked');
    expect(told.message).toMatch(/temporary password is correct.*locked.*CCHRS unit/);
    expect(Date.parse(told.lockedUntil) - (await h.clock.now())).toBeGreaterThan(9 * 60_000);
    await h.clock.advance(10 * 60_000);
    expect((await post('/auth/first-login', undefined, { email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' })).status).toBe(200);
  });

  it('lets the unit release a locked account before the 10 minutes are up', async () => {
    const { requestId, email, temporary } = await lockedOut('unlock');
    const lock = async () => ((await (await api(`/access-requests/${requestId}`, unit)).json()) as { firstLoginLocked: { until: string | null } | null }).firstLoginLocked;
    expect((await lock())?.until).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await post(`/access-requests/${requestId}/unlock`, unit, {})).status).toBe(200);
    expect(await lock()).toBeNull();
    expect((await post('/auth/first-login', undefined, { email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' })).status).toBe(200);
  });

  cases.needs(['clock'])('limits first-login attempts per source address (WAF’s rate rule in AWS): 20 in 5 minutes, then 429 until the window passes, other sources unaffected', async () => {
    const body = { email: 'nobody@nhpd.ct.example', temporaryPassword: 'x', newPassword: 'y' };
    for (let i = 0; i < 20; i++) expect((await firstLoginFrom('127.0.0.2', body)).status).toBe(401);
    const refused = await firstLoginFrom('127.0.0.2', body);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many requests from this address');
    expect((await firstLoginFrom('127.0.0.3', body)).status).toBe(401);
    await h.clock.advance(5 * 60_000);
    expect((await firstLoginFrom('127.0.0.2', body)).status).toBe(401);
  });

  it('refuses a weak new password with every rule it breaks', async () => {
    const requestId = await toVerification('weak');
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })).status).toBe(200);
    const temporary = await temporaryPasswordFor('weak');
    passwords.push(temporary);
    const email = employee('weak').email;
    for (const [newPassword, rule] of [
      ['short1', 'at least 8 characters'],
      [temporary, 'must not be the temporary password'],
      ['Rivera-Harbor-2026', 'must not contain your name or e-mail address'],
      ['password123', 'commonly used password'],
      ['P@ssw0rd2026', 'is too easy to guess'],
      ['Summer2024!', 'is too easy to guess'],
    ] as const) {
      const res = await post('/auth/first-login', undefined, { email, temporaryPassword: temporary, newPassword });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(rule);
    }
    // The e-mail's first-login link opens a page with a form that works in a browser.
    const mail = await mailTo(email, 'Your CCHRS account: temporary password');
    const url = /open (http\S+\/auth\/first-login) /.exec(mail.body.text ?? '')?.[1] ?? '';
    const form = await fetch(url);
    expect([form.status, form.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    expect(await form.text()).toContain('name="temporaryPassword"');
    const byForm = (newPassword: string) => fetch(url, { method: 'POST', body: new URLSearchParams({ email: ` ${email} `, temporaryPassword: temporary, newPassword }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const weak = await byForm('Summer2024!');
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('The new password is too easy to guess');
    const done = await byForm('Granite-Harbor-Lantern-42');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your CCHRS account is active');
  });

  let removedId: string | undefined;
  it('removes the account of an employee who left, at the agency administrator’s request: disabled at once, first login refused, the unit told, the reason kept out of the audit trail', async () => {
    const tag = 'leaver';
    const reason = 'Jordan leaver Rivera left the department on 27 November.';
    const inFlight = await submit('leaver-early');
    await statusBecomes(inFlight, 'UNDER_REVIEW');
    const early = await post(`/access-requests/${inFlight}/removal`, admin, { reason });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { message: string }).message).toBe(
      'No account exists yet: the request is still in progress (UNDER_REVIEW). It can be left to expire (it does if the trainings are not attested in time), or the CCHRS unit can deny it.',
    );

    const requestId = await toVerification(tag);
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules: bothModules })).status).toBe(200);
    const temporary = await temporaryPasswordFor(tag);
    passwords.push(temporary);
    await statusBecomes(requestId, 'TEMPORARY_PASSWORD_ISSUED');

    const otherAgency = await h.token({ roles: ['agency-admin'], ori: 'CT0000200', username: 'other-admin' });
    expect((await post(`/access-requests/${requestId}/removal`, otherAgency, { reason })).status).toBe(404);
    expect((await post(`/access-requests/${requestId}/removal`, unit, { reason })).status).toBe(403);
    const noReason = await post(`/access-requests/${requestId}/removal`, admin, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['reason']);
    expect(await status(requestId)).toBe('TEMPORARY_PASSWORD_ISSUED');

    const removed = await post(`/access-requests/${requestId}/removal`, admin, { reason });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ requestId, status: 'ACCOUNT_REMOVED', removal: { by: 'nhpd-admin' } });
    expect(await status(requestId)).toBe('ACCOUNT_REMOVED');
    const login = await post('/auth/first-login', undefined, { email: employee(tag).email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
    expect(login.status).toBe(403);
    expect(((await login.json()) as { error: string }).error).toBe('AccountRemoved');

    const told = await mailTo(UNIT, `CCHRS account removal: Jordan ${tag} Rivera`);
    expect(told.body.text).toContain(`Reason: ${reason}`);
    expect(told.body.text).toMatch(new RegExp(`^Open in the portal: https?://\\S+/portal/#/access-requests/${requestId}$`, 'm'));
    const view = (await (await api(`/access-requests/${requestId}`, admin)).json()) as { status: string; step: string; timeline: { status?: string; actor: string }[] };
    expect(view.timeline.at(-1)).toMatchObject({ status: 'ACCOUNT_REMOVED', actor: 'nhpd-admin' });
    // The other agency's refused attempt is the auditor's to see, not this agency's.
    expect(view.timeline.map((t) => t.actor)).not.toContain('other-admin');
    const audit = JSON.stringify(await scanAll(h, [h.table('audit')]));
    expect(audit).toContain('"reasonGiven":true');
    expect(audit).not.toContain('27 November');
    // A retry after a lost answer is answered as done; the unit is not told twice.
    expect((await post(`/access-requests/${requestId}/removal`, admin, { reason })).status).toBe(200);
    expect((await h.mailbox()).filter((m) => m.subject.includes(`CCHRS account removal: Jordan ${tag} Rivera`))).toHaveLength(1);
    removedId = requestId;
  });

  cases.needs(['clock'])('ends the workflow of a removed account quietly when its temporary password’s day is over, the account still removed', async () => {
    expect(removedId).toBeDefined();
    await h.clock.advance(DAY_MS);
    expect((await ended(h.sfn, executionArn(removedId ?? ''))).status).toBe('SUCCEEDED');
    expect(await status(removedId ?? '')).toBe('ACCOUNT_REMOVED');
  });

  it('keeps agencies to their own requests (another agency’s answers as a missing one), one open request per e-mail, and names every bad field', async () => {
    const requestId = await submit('scope');
    const other = await h.token({ roles: ['agency-admin'], ori: 'CT0000200', username: 'hpd-admin' });
    const theirs = await api(`/access-requests/${requestId}`, other);
    const missing = await api('/access-requests/AR-20000101-0000000000', other);
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    const [theirsBody, missingBody] = [(await theirs.json()) as { message: string }, (await missing.json()) as { message: string }];
    expect(Object.keys(theirsBody)).toEqual(Object.keys(missingBody));
    expect(theirsBody.message.replace(requestId, '<id>')).toBe(missingBody.message.replace('AR-20000101-0000000000', '<id>'));
    expect((await post('/access-requests', other, { employee: employee('x'), ori: ORI, justification })).status).toBe(403);

    // The same request again is a retry (200, the same request); a different one for the e-mail is 409.
    const retried = await post('/access-requests', admin, { employee: employee('scope'), ori: ORI, justification });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { requestId: string }).requestId).toBe(requestId);
    const again = await post('/access-requests', admin, { employee: employee('scope'), ori: ORI, justification: `${justification} Also audits the unit.` });
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).toContain(requestId);
    // Another agency asking for the same employee learns that a request is open, not which one.
    const hpdAdmin = await h.token({ roles: ['agency-admin'], ori: 'CT0000200', username: 'hpd-admin' });
    const elsewhere = await post('/access-requests', hpdAdmin, { employee: employee('scope'), ori: 'CT0000200', justification });
    expect(elsewhere.status).toBe(409);
    const told = JSON.stringify(await elsewhere.json());
    expect(told).toContain('another agency');
    expect(told).not.toContain(requestId);

    const bad = await post('/access-requests', admin, { employee: { fullName: 'J', email: 'not-an-email', jobTitle: '' }, ori: 'XX', justification: 'needed' });
    expect(bad.status).toBe(400);
    const fields = [...new Set(((await bad.json()) as { problems: { field: string }[] }).problems.map((p) => p.field))].sort();
    expect(fields).toEqual(['employee.email', 'employee.fullName', 'employee.jobTitle', 'justification', 'ori']);
  });

  cases.needs(['logs'])('never writes a temporary password to a log, the table or an execution history', async () => {
    // Five of them when the cases that move the clock ran, else the happy path's, the unlocked and the weak one's.
    expect(passwords.length).toBeGreaterThanOrEqual(h.has('clock') ? 5 : 3);
    const items = await scanAll(h, [h.table('main')]);
    const stored = JSON.stringify(items);
    expect(stored).toContain('scrypt$'); // the chosen passwords
    expect(stored).toContain('sha256$'); // the temporary ones
    // Every execution's input, output and history, as the Step Functions API gives them.
    const executions = (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.machineArn('access-request') }))).executions ?? [];
    const histories: string[] = [];
    for (const e of executions) {
      let nextToken: string | undefined;
      do {
        const page = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn, nextToken }));
        histories.push(JSON.stringify(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    expect(histories.join('')).toContain(activated);
    const log = await h.logs();
    for (const password of passwords) {
      expect(stored.includes(password)).toBe(false);
      expect(histories.some((history) => history.includes(password))).toBe(false);
      expect(log.includes(password)).toBe(false);
    }
    const status = await h.sfn.send(new DescribeExecutionCommand({ executionArn: executionArn((items.find((i) => (i as { status?: string }).status === 'ACTIVE') as { requestId: string }).requestId) }));
    expect(status.input).not.toContain(passwords[0]);
  });
});
