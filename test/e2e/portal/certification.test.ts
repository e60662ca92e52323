import type { Locator, Page } from 'playwright-core';
import { DEMO_USERS, type DemoUser } from '../../../infra/local/users';
import { activeCchrsAccount as activeCchrsAccountOf, eventually, mailbox } from '../steps';
import { checkPage, givenPortal, openUntil, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * CISS Search certification in the portal, in Chromium, on the real API and workflow (no mocked
 * answers): the agency administrator (nhpd-admin) requests CISS Search access for an employee,
 * first for one without a CCHRS account (the API's refusal beside the field), then for one with
 * an ACTIVE account; the page follows the request's steps (training assigned; the provider's
 * failed attempt with its score; a retake); the unit sees every request and enters the passing
 * result; the employee, signed in, sees their certification with its expiry and the CISS Search
 * section the grant opened; on the runtime's clock the renewal falls due and the certification
 * lapses, suspending the role. Every page is checked with axe and at 320 px.
 */
const ORI = 'CT0000100';
const EMPLOYEE: DemoUser = { username: 'nhpd-detective', name: 'Detective Sam Okafor', email: 'sam.okafor@nhpd.ct.example', roles: ['agency-staff'], ori: ORI, organization: 'New Haven Police Department' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('CISS Search certification in the portal: the agency administrator, the unit and the employee', () => {
  let p: PortalHarness;
  let admin: Page;
  let certificationId = '';
  let expiresAt = '';

  const api = async (path: string, token: string, body?: unknown) => {
    const res = await fetch(`${p.h.runtime.endpoints.api}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const token = (roles: DemoUser['roles'], username: string, email: string, ori?: string) => p.h.runtime.mintToken({ roles, username, email, ...(ori ? { ori } : {}) });
  const mailTo = (to: string, subject: string) => eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.destination.to.includes(to) && m.subject.includes(subject)), `mail to ${to} about ${subject}`, 30_000);
  const until = (page: Page, route: string, wanted: () => Locator, what: string) => openUntil(page, route, wanted, what, 30_000);
  const advanceTo = async (iso: string) => p.h.runtime.clock.advance(Math.max(0, Date.parse(iso) - p.h.runtime.clock.now()));

  /** The employee's CCHRS account, ACTIVE through the access workflow (API), its Security Awareness Training verified today. */
  const activeCchrsAccount = async (): Promise<void> => {
    const runtime = { apiUrl: p.h.runtime.endpoints.api, mailbox: () => mailbox(p.h.runtime), now: async () => p.h.runtime.clock.now() };
    const admin = { token: await token(['agency-admin'], 'nhpd-admin', 'admin@nhpd.ct.example', ORI), email: 'admin@nhpd.ct.example' };
    const unit = { token: await token(['unit'], 'cchrs-unit', 'cchrs.unit@dpscs.ct.example'), email: 'cchrs.unit@dpscs.ct.example' };
    await activeCchrsAccountOf(runtime, { ori: ORI, admin, unit, employee: { fullName: EMPLOYEE.name, email: EMPLOYEE.email, jobTitle: 'Detective' }, trainingRecords: ['CJIS-P-70000', 'CJIS-P-70001'] });
  };

  /** The training provider's token: its machine client, by the client-credentials grant. */
  async function providerToken(): Promise<string> {
    const client = p.h.runtime.clients.examProviderClient();
    const res = await fetch(`${p.h.runtime.endpoints.api}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  beforeAll(async () => {
    p = await givenPortal({ users: [...DEMO_USERS, EMPLOYEE] });
    await activeCchrsAccount();
  }, 180_000);
  afterAll(() => stopPortal(p));

  it('lets the agency administrator request CISS Search access: the API’s refusal beside the field, then the request', async () => {
    admin = (await signedIn(p, 'nhpd-admin', '/search-certifications')).page;
    await admin.getByRole('heading', { name: 'CISS Search certification', level: 1 }).waitFor();
    await admin.getByText('You hold no CISS Search certification.').waitFor();
    await admin.getByRole('heading', { name: 'Your agency’s CISS Search certifications' }).waitFor();
    expect(await admin.getByRole('link', { name: 'Search certification' }).getAttribute('aria-current')).toBe('page');
    expect(await checkPage(admin, 'certification-admin-home')).toEqual([]);

    await admin.getByRole('link', { name: 'Request CISS Search access for an employee' }).click();
    await admin.getByRole('heading', { name: 'Request CISS Search access for an employee', level: 1 }).waitFor();
    await admin.getByRole('button', { name: 'Send the request' }).click();
    await admin.locator('#f-employee-fullName-problem').waitFor();
    expect(await admin.getByLabel('Work e-mail').getAttribute('aria-invalid')).toBe('true');
    // An employee without a CCHRS account: the API's rule, beside the field.
    await admin.getByLabel('Full name').fill('Casey Nobody');
    await admin.getByLabel('Work e-mail').fill('casey.nobody@nhpd.ct.example');
    await admin.getByRole('button', { name: 'Send the request' }).click();
    await admin.locator('#f-employee-email-problem', { hasText: 'ACTIVE CCHRS account' }).waitFor();
    expect(await checkPage(admin, 'certification-new-refused')).toEqual([]);

    await admin.getByLabel('Full name').fill(EMPLOYEE.name);
    await admin.getByLabel('Work e-mail').fill(EMPLOYEE.email);
    await admin.getByRole('button', { name: 'Send the request' }).click();
    await admin.getByRole('heading', { name: `CISS Search certification for ${EMPLOYEE.name}`, level: 1 }).waitFor();
    certificationId = /#\/search-certifications\/(SC-[0-9A-F-]+)$/.exec(admin.url())?.[1] ?? '';
    expect(certificationId).toMatch(/^SC-\d{8}-[0-9A-F]{10}$/);
    await until(admin, `/search-certifications/${certificationId}`, () => admin.locator('.badge', { hasText: 'TRAINING ASSIGNED' }), 'training assigned');
    expect(await admin.locator('.next').textContent()).toContain('The employee takes CISS Search User Training and the certification exam (a score of 80 passes)');
    expect(await admin.getByText('No attempt yet.').count()).toBe(1);
    expect(await checkPage(admin, 'certification-training-assigned')).toEqual([]);
  }, 120_000);

  it('shows the provider’s failed attempt with its score, and when a retake may be taken', async () => {
    const provider = await providerToken();
    await p.h.runtime.clock.advance(HOUR);
    await eventually(
      async () => ((await api(`/search-certifications/${certificationId}/exam-results`, provider, { attemptId: 'QZ-7001', score: 64, takenAt: p.h.runtime.clock.nowIso() })).status === 200 ? true : undefined),
      'the failed attempt',
      30_000,
    );
    await until(admin, `/search-certifications/${certificationId}`, () => admin.locator('.badge', { hasText: 'RETAKE ALLOWED' }), 'retake allowed');
    const row = admin.getByRole('region', { name: 'Exam attempts' }).locator('tbody tr');
    expect(await row.allTextContents()).toEqual([expect.stringMatching(/^164not passed.*the training providerQZ-7001$/)]);
    expect(await admin.locator('.next').textContent()).toMatch(/a retake may be taken from .*\(2 attempts left\)/);
    expect(await admin.locator('ol.timeline').textContent()).toContain('Exam attempt 1 recorded: score 64');
    expect(await checkPage(admin, 'certification-retake')).toEqual([]);
  }, 60_000);

  it('lets the unit see every request and enter the passing result, which grants the role with its expiry', async () => {
    await p.h.runtime.clock.advance(DAY + HOUR);
    const { context, page: unit } = await signedIn(p, 'cchrs-unit', '/search-certifications');
    await unit.getByRole('heading', { name: 'Every CISS Search certification' }).waitFor();
    const listed = unit.getByRole('region', { name: /Certifications: Every certification/ }).getByRole('link', { name: EMPLOYEE.name });
    await listed.waitFor();
    await unit.getByLabel('Status').selectOption('RETAKE_ALLOWED');
    await unit.getByRole('region', { name: /retake allowed, newest first/ }).getByRole('link', { name: EMPLOYEE.name }).waitFor();
    expect(await checkPage(unit, 'certification-unit-list')).toEqual([]);
    await unit.getByRole('region', { name: /retake allowed, newest first/ }).getByRole('link', { name: EMPLOYEE.name }).click();
    await unit.getByRole('heading', { name: 'Enter an exam result' }).waitFor();
    await unit.getByRole('button', { name: 'Record the result' }).click();
    await unit.locator('#f-score-problem', { hasText: 'must be a score from 0 to 100' }).waitFor();
    expect(await unit.locator('#f-attemptId-problem').textContent()).toContain('the provider’s attempt id');
    expect(await checkPage(unit, 'certification-unit-exam-form')).toEqual([]);

    // The attempt was taken a minute ago on the runtime's clock, typed in the browser's local time.
    const local = await unit.evaluate<string, number>((at) => {
      const d = new Date(at);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, p.h.runtime.clock.now() - 60_000);
    await unit.getByLabel('Attempt id').fill('QZ-7002');
    await unit.getByLabel('Score (0–100)').fill('91');
    await unit.getByLabel('Taken at (your local time)').fill(local);
    await unit.getByRole('button', { name: 'Record the result' }).click();
    await unit.getByRole('status').getByText('Attempt 2 passed: the search role is being granted.').waitFor();
    await until(unit, `/search-certifications/${certificationId}`, () => unit.locator('.badge', { hasText: 'CERTIFIED' }), 'certified');
    const facts = await unit.locator('dl[aria-label="The certification"]').textContent();
    expect(facts).toContain('Expires');
    expect(await unit.getByRole('region', { name: 'Exam attempts' }).locator('tbody tr').nth(1).textContent()).toMatch(/^291passed.*the unitQZ-7002$/);
    expect(await checkPage(unit, 'certification-certified')).toEqual([]);
    await context.close();
    expiresAt = String((await api(`/search-certifications/${certificationId}`, await token(['unit'], 'cchrs-unit', 'cchrs.unit@dpscs.ct.example'))).body['expiresAt']);
    expect(Date.parse(expiresAt)).toBeGreaterThan(p.h.runtime.clock.now() + 364 * DAY);
  }, 120_000);

  it('shows the employee their certification, its expiry, and the CISS Search section the grant opened', async () => {
    const { context, page } = await signedIn(p, EMPLOYEE.username, '/search-certifications');
    const mine = page.locator('section', { has: page.getByRole('heading', { name: 'Your CISS Search certification' }) });
    await mine.locator('.badge', { hasText: 'CERTIFIED' }).waitFor();
    expect(await mine.locator('dl').textContent()).toMatch(/Search roleyours until/);
    expect(await mine.locator('dl').textContent()).toContain('91 (passed)');
    expect(await page.getByRole('link', { name: 'CISS Search', exact: true }).count()).toBe(1);
    // The employee is neither administrator nor unit: no list of others.
    expect(await page.getByRole('heading', { name: /Your agency’s CISS Search certifications|Every CISS Search certification/ }).count()).toBe(0);
    expect(await checkPage(page, 'certification-employee')).toEqual([]);
    await context.close();
  }, 60_000);

  it('follows the year: the renewal falls due 30 days before expiry, then the lapse suspends the role', async () => {
    await advanceTo(new Date(Date.parse(expiresAt) - 29 * DAY).toISOString());
    await mailTo(EMPLOYEE.email, 'CISS Search certification expires in 30 days');
    const { context, page } = await signedIn(p, 'nhpd-admin', '/search-certifications');
    const row = page.getByRole('region', { name: /Certifications: Newest first/ }).locator('tr', { hasText: EMPLOYEE.name });
    await row.locator('.badge', { hasText: 'renewal due' }).waitFor();
    await row.getByRole('link', { name: EMPLOYEE.name }).click();
    await page.getByRole('heading', { name: 'Renewal' }).waitFor();
    expect(await page.getByRole('button', { name: 'Request the renewal' }).count()).toBe(1);
    expect(await checkPage(page, 'certification-renewal-due')).toEqual([]);
    await context.close();

    await advanceTo(new Date(Date.parse(expiresAt) + HOUR).toISOString());
    await mailTo(EMPLOYEE.email, 'CISS Search certification lapsed');
    const employee = await signedIn(p, EMPLOYEE.username, '/search-certifications');
    const mine = employee.page.locator('section', { has: employee.page.getByRole('heading', { name: 'Your CISS Search certification' }) });
    await mine.locator('.badge', { hasText: 'LAPSED' }).waitFor();
    expect(await mine.textContent()).toContain('ended: the certification expired and the search role is suspended');
    expect(await mine.locator('dl').textContent()).toContain('not yours now (suspended)');
    expect(await employee.page.getByRole('link', { name: 'CISS Search', exact: true }).count()).toBe(0);
    expect(await checkPage(employee.page, 'certification-lapsed')).toEqual([]);
    await employee.context.close();
    expect(p.problems.filter((m) => !/status of 400/.test(m))).toEqual([]);
  }, 120_000);
});
