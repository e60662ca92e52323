/**
 * CISS Search certification renewal (issue 17, step 5), on the runtime's clock across the year:
 * the employee's Security Awareness Training (SAT) comes from their ACTIVE CCHRS account and
 * counts for 365 days; the certification, passed a week later, outlives it. The renewal
 * reminders say where SAT stands; a renewal asked for once SAT ran out is refused, the unit
 * records the renewed SAT, the renewal is then accepted, passed, and takes the search role over
 * before the first certification expires: the role never lapses, and the old one ends RENEWED.
 */
import { decodeJwt } from 'jose';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { eventually, activeCchrsAccount as activeCchrsAccountOf } from './steps';
import { connecticutDate } from '../../functions/shared/time';
import { awarenessCurrentUntil } from '../../functions/certification/domain/awareness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNIT = 'cchrs.unit@dpscs.ct.example';
const ADMIN = 'admin@nhpd.ct.example';
const ORI = 'CT0000100';
const EMPLOYEE = { fullName: 'Morgan Renwick', email: 'morgan.renwick@nhpd.ct.example', jobTitle: 'Detective' };

const cases = await casesFor(it);

describe('CISS Search certification renewal, across the year', () => {
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
  const mails = async (to: string, subjectPart: string) => (await h.mailbox()).filter((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart));
  const mailTo = (to: string, subjectPart: string, count = 1): Promise<Mail> =>
    eventually(async () => (await mails(to, subjectPart)).at(count - 1), `mail ${count} to ${to} about "${subjectPart}"`, 30_000);
  async function read(path: string, token: string): Promise<Record<string, unknown>> {
    const res = await api(path, token);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }
  const statusBecomes = (path: string, wanted: string) => eventually(async () => ((await read(path, unit))['status'] === wanted ? true : undefined), `${path} to be ${wanted}`, 30_000);
  /** Today in Connecticut, as the unit's "today" is read. */
  const today = async () => connecticutDate(new Date(await h.now()));
  const nowIso = async () => new Date(await h.now()).toISOString();
  const until = async (iso: string) => h.clock.advance(Math.max(0, Date.parse(iso) - (await h.now())));

  /** The employee's CCHRS account, ACTIVE through the access workflow, its Security Awareness Training verified as completed today. */
  const activeCchrsAccount = () =>
    activeCchrsAccountOf(h, { ori: ORI, admin: { token: admin, email: ADMIN }, unit: { token: unit, email: UNIT }, employee: EMPLOYEE, trainingRecords: ['CJIS-SA-51001', 'CJIS-NGI-51002'] });

  /** Requests CISS Search for the employee, and the unit enters a passing exam result an hour later: CERTIFIED. */
  async function certify(expected: number): Promise<{ certificationId: string; renews?: string }> {
    const created = await post('/search-certifications', admin, { employee: { fullName: EMPLOYEE.fullName, email: EMPLOYEE.email }, ori: ORI });
    expect(created.status).toBe(202);
    const answer = (await created.json()) as { certificationId: string; renews?: string };
    const path = `/search-certifications/${answer.certificationId}`;
    await statusBecomes(path, 'TRAINING_ASSIGNED');
    await mailTo(EMPLOYEE.email, 'CISS Search User Training assigned', expected);
    await h.clock.advance(HOUR);
    await eventually(async () => ((await post(`${path}/exam-results`, unit, { attemptId: `QZ-${expected}01`, score: 90, takenAt: await nowIso() })).status === 200 ? true : undefined), 'the pass to be recorded');
    await statusBecomes(path, 'CERTIFIED');
    return answer;
  }

  const employeeToken = () => h.token({ roles: ['agency-staff'], ori: ORI, username: 'morgan-renwick', email: EMPLOYEE.email });
  const employeeRoles = async () => decodeJwt(await employeeToken())['cognito:groups'];

  cases.needs(['clock'])(
    'reminds with where Security Awareness Training stands, refuses a renewal once it ran out, accepts one after the unit records it, and hands the role over without a lapse',
    async () => {
      const cchrsRequest = await activeCchrsAccount();
      // Current until 365 calendar days after the completion the unit verified (awareness.ts's rule).
      const verified = ((await read(`/access-requests/${cchrsRequest}`, unit))['training'] as Record<string, { verified: { completedOn: string } | null }>)['security-awareness']?.verified;
      const satUntil = awarenessCurrentUntil(verified?.completedOn ?? '');
      // The certification eight days later: it outlives the training it rests on, and its 7-day
      // reminder falls the day after the training ran out, whatever the time of day the test runs
      // (seven days would put that reminder on the training's last day, current or not by a race).
      await h.clock.advance(8 * DAY);
      const { certificationId: first } = await certify(1);
      const firstPath = `/search-certifications/${first}`;
      const { expiresAt } = (await read(firstPath, unit)) as { expiresAt: string };
      expect(await employeeRoles()).toEqual(['agency-staff', 'search']);

      // Too early for a renewal: 409 naming the day the window opens.
      const early = await post('/search-certifications', admin, { employee: { fullName: EMPLOYEE.fullName, email: EMPLOYEE.email }, ori: ORI });
      expect(early.status).toBe(409);
      expect(((await early.json()) as { message: string }).message).toContain(`its renewal may be requested from ${connecticutDate(new Date(Date.parse(expiresAt) - 30 * DAY))}`);

      await until(new Date(Date.parse(expiresAt) - 30 * DAY).toISOString());
      const reminder30 = await mailTo(EMPLOYEE.email, 'CISS Search certification expires in 30 days');
      expect(reminder30.body.text).toContain(`runs out on ${satUntil}, before the certification`);

      // SAT has run out: the first hour of the day after its last in Connecticut (05:00 UTC is 0:00
      // EST and 1:00 EDT), which is before the certification's 7-day reminder whatever the time of
      // day the test runs (noon of that day was after it for a run started before 11:00 UTC). The
      // certification still runs: a renewal is refused.
      await until(new Date(Date.parse(`${satUntil}T05:00:00.000Z`) + DAY).toISOString());
      const refused = await post('/search-certifications', admin, { employee: { fullName: EMPLOYEE.fullName, email: EMPLOYEE.email }, ori: ORI });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ problems: [{ field: 'employee.email', rule: expect.stringContaining('Security Awareness Training must be current') }] });
      await until(new Date(Date.parse(expiresAt) - 7 * DAY).toISOString());
      const reminder7 = await mailTo(EMPLOYEE.email, 'CISS Search certification expires in 7 days');
      expect(reminder7.body.text).toContain('Security Awareness Training is not shown current today');

      // The unit records the renewed SAT (CJIS Online, today); the renewal is accepted.
      // The day it was completed, taken once: the renewal below moves the clock on an hour, which may cross midnight.
      const completedOn = await today();
      const recorded = await post(`${firstPath}/awareness`, unit, { completedOn, recordId: 'CJIS-SA-61001' });
      expect(recorded.status).toBe(200);
      expect(await recorded.json()).toMatchObject({ recorded: true, awareness: { current: true, completedOn, currentUntil: awarenessCurrentUntil(completedOn) } });
      const renewal = await certify(2);
      expect(renewal.renews).toBe(first);
      const renewed = await read(`/search-certifications/${renewal.certificationId}`, admin);
      expect(renewed).toMatchObject({ renews: first, awareness: { completedOn, recordId: 'CJIS-SA-61001' } });
      await statusBecomes(firstPath, 'RENEWED');
      await mailTo(EMPLOYEE.email, 'CISS Search access renewed');

      // The first certification's own expiry passes: no lapse, the role stays, under the renewal.
      await until(new Date(Date.parse(expiresAt) + DAY).toISOString());
      expect(await employeeRoles()).toEqual(['agency-staff', 'search']);
      expect(await mails(EMPLOYEE.email, 'CISS Search certification lapsed')).toEqual([]);
      const mine = await read('/me/search-certification', await employeeToken());
      expect(mine).toMatchObject({ certification: { certificationId: renewal.certificationId, status: 'CERTIFIED', renews: first }, role: { held: true, status: 'ACTIVE', certificationId: renewal.certificationId } });
      expect(Date.parse(String((mine['role'] as { expiresAt: string }).expiresAt))).toBeGreaterThan(Date.parse(expiresAt) + 300 * DAY);
      const timeline = ((await read(firstPath, unit))['timeline'] as { type: string; status?: string }[]).map((t) => t.status ?? t.type);
      expect(timeline).toEqual(expect.arrayContaining(['CERTIFIED', 'SecurityAwarenessRecorded', 'RENEWED']));
      expect(timeline).not.toContain('LAPSED');

      // The employee leaves: the CCHRS lifecycle's removal ends their access at once, by the same
      // revocation as the accounts' removal: a token issued before it is refused on its next
      // request, no new one is issued, and the account record is REMOVED (its grants suspended).
      const earlier = await employeeToken();
      expect((await api('/me/search-certification', earlier)).status).toBe(200);
      const removed = await post(`/access-requests/${cchrsRequest}/removal`, admin, { reason: 'Left the department on 30 November' });
      expect(removed.status).toBe(200);
      const afterRemoval = await api('/me/search-certification', earlier);
      expect(afterRemoval.status).toBe(401);
      expect(((await afterRemoval.json()) as { message: string }).message).toMatch(/revoked|removed/);
      await expect(employeeToken()).rejects.toThrow();
      const accounts = (await read(`/accounts?ori=${ORI}`, unit))['items'] as { accountId: string; status: string; removal?: { by: string } }[];
      expect(accounts.find((a) => a.accountId === 'morgan-renwick')).toMatchObject({ status: 'REMOVED', removal: { by: 'nhpd-admin' } });
      expect(await read(`/search-certifications/${renewal.certificationId}`, unit)).toMatchObject({ status: 'CERTIFIED' });
    },
    300_000,
  );
});
