/**
 * CISS Search certification (issue 17), end to end through the API: an employee with an active
 * CCHRS account (its Security Awareness Training verified) is requested for CISS Search by their
 * agency; the training is assigned and mailed; the provider's machine client reports a failed
 * exam, a retake too early is refused, a pass grants the search role, which the employee's next
 * token carries; then, on the runtime's clock, the renewal reminders and the lapse that takes it
 * away again.
 */
import { decodeJwt } from 'jose';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { ended, eventually, activeCchrsAccount as activeCchrsAccountOf } from './steps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNIT = 'cchrs.unit@dpscs.ct.example';
const ADMIN = 'admin@nhpd.ct.example';
const ORI = 'CT0000100';
const EMPLOYEE = { fullName: 'Avery Quinlan', email: 'avery.quinlan@nhpd.ct.example', jobTitle: 'Detective' };

const cases = await casesFor(it);

describe('CISS Search certification, end to end', () => {
  let h: Target;
  let admin: string;
  let unit: string;

  beforeAll(async () => {
    h = await givenTarget();
    admin = await h.token({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: ADMIN });
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT });
  });
  afterAll(() => stopTarget(h));

  const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${h.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const post = (path: string, token: string, body: unknown) => api(path, token, { method: 'POST', body: JSON.stringify(body) });

  async function mailTo(to: string, subjectPart: string): Promise<Mail> {
    return eventually(async () => (await h.mailbox()).find((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart)), `mail to ${to} about "${subjectPart}"`, 30_000);
  }
  async function read(path: string, token: string): Promise<Record<string, unknown>> {
    const res = await api(path, token);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }
  const statusBecomes = (path: string, wanted: string) => eventually(async () => ((await read(path, unit))['status'] === wanted ? true : undefined), `${path} to be ${wanted}`, 30_000);

  /** The employee's CCHRS account, ACTIVE through the access workflow, its Security Awareness Training verified as completed today. */
  const activeCchrsAccount = () =>
    activeCchrsAccountOf(h, { ori: ORI, admin: { token: admin, email: ADMIN }, unit: { token: unit, email: UNIT }, employee: EMPLOYEE, trainingRecords: ['CJIS-SA-40112', 'CJIS-NGI-40113'] });

  /** The training provider's token: its machine client, by the client-credentials grant. */
  async function providerToken(): Promise<string> {
    const client = await h.examProviderClient();
    const res = await fetch(`${h.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /** The employee's next token, as the issuer mints it after a sign-in. */
  const employeeToken = () => h.token({ roles: ['agency-staff'], ori: ORI, username: 'avery-quinlan', email: EMPLOYEE.email });
  const employeeRoles = async () => decodeJwt(await employeeToken())['cognito:groups'];
  /** The roles the API sees for the employee's next token (GET /health says who the caller is). */
  const rolesTheApiSees = async () => ((await read('/health', await employeeToken())) as { caller: { roles: string[] } }).caller.roles;
  const at = async (offsetMs = 0) => new Date((await h.now()) + offsetMs).toISOString();

  let certificationId = '';

  cases.needs(['clock'])('requests, assigns the training, refuses a retake too early, grants the search role after a pass, and the next token carries it', async () => {
    const body = { employee: { fullName: EMPLOYEE.fullName, email: EMPLOYEE.email }, ori: ORI };
    const refused = await post('/search-certifications', admin, body);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('employee.email');

    await activeCchrsAccount();
    const created = await post('/search-certifications', admin, body);
    expect(created.status).toBe(202);
    ({ certificationId } = (await created.json()) as { certificationId: string });
    const path = `/search-certifications/${certificationId}`;
    await statusBecomes(path, 'TRAINING_ASSIGNED');
    const assigned = await mailTo(EMPLOYEE.email, 'CISS Search User Training assigned');
    expect(assigned.destination.to).toEqual(expect.arrayContaining([ADMIN]));
    expect(await employeeRoles()).toEqual(['agency-staff']);

    const provider = await providerToken();
    await h.clock.advance(HOUR);
    // The provider's callback may come before the exam task opens: it is told to send again.
    const failed = await eventually(async () => {
      const res = await post(`${path}/exam-results`, provider, { attemptId: 'QZ-1001', score: 64, takenAt: await at() });
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    }, 'the failed attempt to be recorded');
    expect(failed).toMatchObject({ attempt: 1, passed: false, status: 'RETAKE_ALLOWED', attemptsLeft: 2 });
    await mailTo(EMPLOYEE.email, 'CISS Search certification exam not passed');

    await h.clock.advance(2 * HOUR);
    const early = await post(`${path}/exam-results`, provider, { attemptId: 'QZ-1002', score: 95, takenAt: await at() });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { message: string }).message).toContain('A retake may be taken from');

    await h.clock.advance(23 * HOUR);
    const pass = await eventually(async () => {
      const res = await post(`${path}/exam-results`, unit, { attemptId: 'QZ-1003', score: 91, takenAt: await at() });
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    }, 'the passing attempt to be recorded');
    expect(pass).toMatchObject({ attempt: 2, passed: true, status: 'EXAM_PASSED' });
    await statusBecomes(path, 'CERTIFIED');
    await mailTo(EMPLOYEE.email, 'CISS Search access granted');

    const view = await read(path, admin);
    expect(view).toMatchObject({ status: 'CERTIFIED', attempts: [{ attemptId: 'QZ-1001', score: 64, passed: false, channel: 'provider' }, { attemptId: 'QZ-1003', score: 91, passed: true, channel: 'unit' }] });
    expect(Date.parse(String(view['expiresAt'])) - Date.parse(String((view['attempts'] as { takenAt: string }[])[1]?.takenAt))).toBe(365 * DAY);
    const audited = (view['timeline'] as { type: string }[]).map((t) => t.type);
    expect(audited.filter((t) => t === 'SearchExamAttemptRecorded')).toHaveLength(2);
    expect(audited).toContain('SearchExamAttemptRefused');
    expect(await employeeRoles()).toEqual(['agency-staff', 'search']);
    expect(await rolesTheApiSees()).toEqual(['agency-staff', 'search']);

    const list = (await read('/search-certifications', admin)) as { items: { certificationId: string }[] };
    expect(list.items.map((i) => i.certificationId)).toContain(certificationId);
  }, 240_000);

  cases.needs(['clock'])('reminds 30 and 7 days before expiry, then the lapse suspends the role: the next token no longer carries it', async () => {
    expect(certificationId).not.toBe('');
    const path = `/search-certifications/${certificationId}`;
    const { expiresAt } = (await read(path, unit)) as { expiresAt: string };
    const until = async (iso: string) => h.clock.advance(Math.max(0, Date.parse(iso) - (await h.now())));

    await until(new Date(Date.parse(expiresAt) - 30 * DAY).toISOString());
    await mailTo(EMPLOYEE.email, 'CISS Search certification expires in 30 days');
    await until(new Date(Date.parse(expiresAt) - 7 * DAY).toISOString());
    await mailTo(EMPLOYEE.email, 'CISS Search certification expires in 7 days');
    expect(await employeeRoles()).toContain('search');

    await until(expiresAt);
    await statusBecomes(path, 'LAPSED');
    await mailTo(EMPLOYEE.email, 'CISS Search certification lapsed');
    expect(await employeeRoles()).toEqual(['agency-staff']);
    expect(await rolesTheApiSees()).toEqual(['agency-staff']);
    const renewal = await ended(h.sfn, h.executionArn('search-certification', `${certificationId}-renewal`));
    expect(renewal.status).toBe('SUCCEEDED');
    // The lapse suspends the role only: the CCHRS account is still active.
    const accounts = (await read('/access-requests?status=ACTIVE', unit)) as { items: { employee: string }[] };
    expect(accounts.items.map((i) => i.employee)).toContain(EMPLOYEE.fullName);
  }, 120_000);
});
