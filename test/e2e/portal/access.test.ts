import type { Locator, Page } from 'playwright-core';
import { PDF_CERTIFICATE_RULE } from '../../../functions/access/domain/training';
import { eventually, mailbox, type Mail } from '../steps';
import { checkPage, givenPortal, goTo, openUntil, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * CCHRS access in the portal, in Chromium: the agency administrator (nhpd-admin, CT0000100)
 * requests access, the unit (cchrs-unit) approves the business need, the administrator attests
 * the trainings, the unit records the evidence per module (a PDF certificate first, refused with
 * the 15 May 2024 rule), the temporary password goes out, the employee's first login makes the
 * request ACTIVE, and the administrator has the account removed when the employee leaves.
 */
const EMPLOYEE = { fullName: 'Jordan Portal Rivera', email: 'jordan.portal@nhpd.ct.example', jobTitle: 'Records Supervisor' };
const JUSTIFICATION = 'Supervises the records unit that runs criminal history checks for pistol permit applicants and court-ordered background investigations.';

describe('CCHRS access in the portal: the agency administrator and the unit', () => {
  let p: PortalHarness;
  beforeAll(async () => {
    p = await givenPortal();
  });
  afterAll(() => stopPortal(p));

  const go = goTo;
  const until = (page: Page, route: string, wanted: () => Locator, what: string) => openUntil(page, route, wanted, what, 20_000);
  const press = async (target: Locator, key = 'Enter') => {
    await target.focus();
    await target.page().keyboard.press(key);
  };
  const mailTo = (to: string, subject: string) =>
    eventually(async () => (await mailbox(p.h.runtime)).find((m: Mail) => m.destination.to.includes(to) && m.subject.includes(subject)), `mail to ${to} about ${subject}`);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

  /** The main path's people, each signed in once in their own browser context, and its request. */
  let a: Page;
  let u: Page;
  let requestId = '';
  let requestRoute = '';

  it('lets the agency administrator request access: the problem beside the field first, then fixed', async () => {
    a = (await signedIn(p, 'nhpd-admin', '/access-requests')).page;
    await a.getByRole('heading', { name: 'CCHRS access', level: 1 }).waitFor();
    await a.getByRole('heading', { name: 'Your agency’s requests' }).waitFor();
    expect(await checkPage(a, 'admin-requests')).toEqual([]);

    // 1. The request, on the API's schema: the problem beside the field first, then fixed.
    await press(a.getByRole('link', { name: 'Request access for an employee' }));
    await a.getByRole('heading', { name: 'Request CCHRS access for an employee' }).waitFor();
    await a.getByLabel('Full name').fill(EMPLOYEE.fullName);
    await a.getByLabel('Work e-mail').fill(EMPLOYEE.email);
    await a.getByLabel('Job title').fill(EMPLOYEE.jobTitle);
    await a.getByLabel('Business need').fill('Needs access for work.');
    await press(a.getByRole('button', { name: 'Send the request' }));
    const problem = a.locator('#f-justification-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('must explain, in at least 40 characters');
    expect(await a.getByLabel('Business need').getAttribute('aria-invalid')).toBe('true');
    expect(await checkPage(a, 'admin-new-request')).toEqual([]);
    await a.getByLabel('Business need').fill(JUSTIFICATION);
    await press(a.getByRole('button', { name: 'Send the request' }));
    await a.getByRole('heading', { name: `CCHRS access for ${EMPLOYEE.fullName}` }).waitFor();
    requestId = /#\/access-requests\/(AR-[0-9A-F-]+)$/.exec(a.url())?.[1] ?? '';
    expect(requestId).toMatch(/^AR-\d{8}-[0-9A-F]{10}$/);
    requestRoute = `/access-requests/${requestId}`;
    await until(a, requestRoute, () => a.getByText('Waiting for the CCHRS unit’s review of the business need'), 'the request to wait for the unit');
    expect(await checkPage(a, 'admin-request')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('shows the unit its queue by step and requests by status; the unit approves the business need with the keyboard', async () => {
    u = (await signedIn(p, 'cchrs-unit', '/access-requests')).page;
    const reviewLink = () => u.getByRole('table', { name: /Business-need review/ }).getByRole('link', { name: new RegExp(EMPLOYEE.fullName) });
    await until(u, '/access-requests', reviewLink, 'the review in the unit’s queue');
    await u.getByRole('table', { name: /Every request/ }).getByRole('link', { name: EMPLOYEE.fullName }).waitFor();
    expect(await checkPage(u, 'unit-queue')).toEqual([]);
    await u.getByLabel('Status', { exact: true }).selectOption('UNDER_REVIEW');
    await u.getByRole('table', { name: /under review/ }).getByRole('link', { name: EMPLOYEE.fullName }).waitFor();
    await press(reviewLink());
    await u.getByText(JUSTIFICATION).waitFor();
    expect(await checkPage(u, 'unit-review')).toEqual([]);
    await press(u.getByRole('button', { name: 'Approve: assign the trainings' }));
    await u.getByText(/Decided “Approve: assign the trainings” by cchrs-unit/).waitFor();
    expect(p.problems).toEqual([]);
  });

  it('leads the administrator from the request’s page to the attestation, which says what attesting means', async () => {
    // The request and the task list are two requests: the page is opened again until both show
    // the attestation (the link alone can come from a task list read after a request read before).
    const needed = 'Your attestation that both trainings are complete on CJIS Online is needed';
    const attestLink = () => a.locator('.card.next', { has: a.getByText(needed) }).getByRole('link', { name: 'Attest the trainings' });
    await until(a, requestRoute, attestLink, 'the attestation to wait for the agency');
    expect(await a.getByText(needed).isVisible()).toBe(true);
    await press(attestLink());
    await a.getByRole('heading', { name: 'What attesting means' }).waitFor();
    expect(await checkPage(a, 'admin-attest')).toEqual([]);
    await a.getByRole('button', { name: 'Both trainings are complete on CJIS Online' }).click();
    await a.getByText(/Decided “Both trainings are complete on CJIS Online” by nhpd-admin/).waitFor();
    expect(p.problems).toEqual([]);
  });

  it('lets the unit record the evidence per module: a PDF certificate shows the 15 May 2024 rule and is refused', async () => {
    const verifyLink = () => u.getByRole('table', { name: /Training verification/ }).getByRole('link', { name: new RegExp(EMPLOYEE.fullName) });
    await until(u, '/access-requests', verifyLink, 'the verification in the unit’s queue');
    await verifyLink().click();
    const security = u.getByRole('group', { name: /Security and Awareness Training/ });
    const ngi = u.getByRole('group', { name: 'CCHRS & NGI Training' });
    await security.getByLabel('Evidence').selectOption('pdf-certificate');
    expect(await security.locator('.hint').textContent()).toBe(PDF_CERTIFICATE_RULE);
    await ngi.getByLabel('Completed on (CJIS Online)').fill(daysAgo(3));
    await ngi.getByLabel('CJIS Online record id').fill('CJIS-NGI-55120');
    await press(u.getByRole('button', { name: 'Record the evidence' }));
    await security.locator('.problem').waitFor();
    expect(await security.locator('.problem').textContent()).toBe(PDF_CERTIFICATE_RULE);
    expect(await checkPage(u, 'unit-verify-pdf-refused')).toEqual([]);
    await security.getByLabel('Evidence').selectOption('cjis-online');
    await security.getByLabel('Completed on (CJIS Online)').fill(daysAgo(4));
    await security.getByLabel('CJIS Online record id').fill('CJIS-SA-88231');
    await u.getByRole('button', { name: 'Record the evidence' }).click();
    await u.getByText(/Decided “Both verified on CJIS Online” by cchrs-unit/).waitFor();
    expect(await checkPage(u, 'unit-verified')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('sends the temporary password; the administrator follows the request to ACTIVE after the first login', async () => {
    const mail = await mailTo(EMPLOYEE.email, 'Your CCHRS account: temporary password');
    const temporary = /^Temporary password: (\S+)$/m.exec(mail.body.text ?? '')?.[1] ?? '';
    expect(temporary).not.toBe('');
    await until(a, requestRoute, () => a.getByText(/Waiting for the employee’s first login/), 'the password to be issued');
    const login = await fetch(`${p.h.runtime.endpoints.api}/auth/first-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: EMPLOYEE.email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' }),
    });
    expect(login.status).toBe(200);
    await until(a, requestRoute, () => a.locator('.badge', { hasText: /^ACTIVE$/ }), 'the request to be ACTIVE');
    await a.getByText('verified — completed').first().waitFor();
    expect(await checkPage(a, 'admin-active')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('removes the account when the employee leaves, at the administrator’s request (the reason first missing)', async () => {
    await press(a.getByRole('button', { name: 'Remove the account' }));
    await a.locator('#f-reason-problem').waitFor();
    await a.getByLabel('Why is the account to be removed?').fill('Left the department on 27 November.');
    await press(a.getByRole('button', { name: 'Remove the account' }));
    await a.getByText('The account is removed: it can no longer log in').waitFor();
    await a.locator('.badge', { hasText: /^ACCOUNT REMOVED$/ }).waitFor();
    expect(await checkPage(a, 'admin-removed')).toEqual([]);
    const told = await mailTo('cchrs.unit@dpscs.ct.example', `CCHRS account removal: ${EMPLOYEE.fullName}`);
    expect(told.body.text).toContain(`Open in the portal: ${p.url}#/access-requests/${requestId}`);

    await a.context().close();
    await u.context().close();
    expect(p.problems).toEqual([]);
  });

  it('lets the unit unlock a locked first login and reissue an expired temporary password; a second reissue is told who asked and when', async () => {
    const ORI = 'CT0000100';
    const tokens = {
      admin: await p.h.runtime.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' }),
      unit: await p.h.runtime.mintToken({ roles: ['unit'], username: 'cchrs-unit', email: 'cchrs.unit@dpscs.ct.example' }),
    };
    const api = async <T>(token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${p.h.runtime.endpoints.api}${path}`, { method, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as T };
    };
    const decideStep = async (token: string, requestId: string, step: string, choice: string) => {
      const taskId = await eventually(async () => (await api<{ tasks: { taskId: string; step: string; subject: { id: string } }[] }>(token, 'GET', '/tasks')).body.tasks.find((t) => t.subject.id === requestId && t.step === step)?.taskId, `the ${step} task`);
      expect((await api(token, 'POST', `/tasks/${taskId}/decision`, { choice })).status).toBe(200);
    };
    const statusIs = (requestId: string, wanted: string) => eventually(async () => ((await api<{ status: string }>(tokens.unit, 'GET', `/access-requests/${requestId}`)).body.status === wanted ? true : undefined), wanted);
    const employee = { fullName: 'Avery Locked Chen', email: 'avery.chen@nhpd.ct.example', jobTitle: 'Records Clerk' };

    const created = await api<{ requestId: string }>(tokens.admin, 'POST', '/access-requests', { employee, ori: ORI, justification: JUSTIFICATION });
    expect(created.status).toBe(202);
    const { requestId } = created.body;
    await decideStep(tokens.unit, requestId, 'business-need-review', 'approve');
    await decideStep(tokens.admin, requestId, 'training-attestation', 'attest');
    await statusIs(requestId, 'TRAINING_VERIFICATION');
    await eventually(async () => ((await api<{ tasks: { step: string; subject: { id: string } }[] }>(tokens.unit, 'GET', '/tasks')).body.tasks.some((t) => t.subject.id === requestId && t.step === 'training-verification') ? true : undefined), 'the verification task');
    const modules = [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn: daysAgo(5), recordId: 'CJIS-SA-10001' },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: daysAgo(5), recordId: 'CJIS-NGI-10002' },
    ];
    expect((await api(tokens.unit, 'POST', `/access-requests/${requestId}/training-verification`, { modules })).status).toBe(200);
    const temporary = /^Temporary password: (\S+)$/m.exec((await mailTo(employee.email, 'Your CCHRS account: temporary password')).body.text ?? '')?.[1] ?? '';
    await statusIs(requestId, 'TEMPORARY_PASSWORD_ISSUED');

    // Five wrong temporary passwords lock the first login; the unit unlocks it from the request's page.
    for (let i = 0; i < 5; i++) expect((await api(undefined, 'POST', '/auth/first-login', { email: employee.email, temporaryPassword: 'wrong-password', newPassword: 'Granite-Harbor-Lantern-42' })).status).toBe(401);
    expect((await api(undefined, 'POST', '/auth/first-login', { email: employee.email, temporaryPassword: temporary, newPassword: 'short' })).status).toBe(423);
    const first = await signedIn(p, 'cchrs-unit', `/access-requests/${requestId}`);
    await first.page.getByText(/The employee’s first login is locked after 5 wrong temporary passwords until .+\. You can unlock it now\./).waitFor();
    await press(first.page.getByRole('button', { name: 'Unlock the first login' }));
    await first.page.getByText('The first login is unlocked: the employee can try again now.').waitFor();
    await first.page.getByText(/first login is locked/).waitFor({ state: 'detached' });
    expect(await first.page.getByRole('button', { name: 'Unlock the first login' }).count()).toBe(0);
    expect(await checkPage(first.page, 'unit-unlocked')).toEqual([]);
    // Unlocked: the right temporary password is heard again (here with a new password too weak to set).
    expect((await api(undefined, 'POST', '/auth/first-login', { email: employee.email, temporaryPassword: temporary, newPassword: 'short' })).status).toBe(400);

    // The day passes unused: PASSWORD_EXPIRED. Two unit members reissue at once: one is told who asked first.
    await p.h.runtime.clock.advance(24 * 3600 * 1000);
    await statusIs(requestId, 'PASSWORD_EXPIRED');
    const second = await signedIn(p, 'cchrs-unit', `/access-requests/${requestId}`);
    await go(first.page, '/');
    await go(first.page, `/access-requests/${requestId}`);
    const reissue = (page: Page) => page.getByRole('button', { name: 'Reissue a temporary password' });
    await reissue(first.page).waitFor();
    await reissue(second.page).waitFor();
    await Promise.all([reissue(first.page).click(), reissue(second.page).click()]);
    const outcome = async (page: Page) =>
      Promise.race([
        page.getByText('A new temporary password is being issued').waitFor().then(() => 'done'),
        page.getByRole('alert').filter({ hasText: /already requested by cchrs-unit at \w{3}, \d{2} \w{3} \d{4}/ }).waitFor().then(() => 'told'),
      ]);
    const outcomes = [await outcome(first.page), await outcome(second.page)];
    expect([...outcomes].sort()).toEqual(['done', 'told']);
    expect(await checkPage(outcomes[0] === 'told' ? first.page : second.page, 'unit-reissue-told')).toEqual([]);
    await mailTo(employee.email, 'Your CCHRS account: temporary password');
    await eventually(async () => ((await mailbox(p.h.runtime)).filter((m) => m.destination.to.includes(employee.email) && m.subject.includes('temporary password (expires')).length === 2 ? true : undefined), 'the reissued password');

    await first.context.close();
    await second.context.close();
    // The browser logs the refused reissue's 409 as a failed resource; it is the answer the page shows.
    const refused = p.problems.filter((m) => m.endsWith('the server responded with a status of 409 (Conflict)'));
    expect(refused).toHaveLength(1);
    expect(p.problems.filter((m) => !refused.includes(m))).toEqual([]);
  });
});
