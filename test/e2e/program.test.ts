/**
 * The program's figures (issue 18), end to end through the API: a month of activity is seeded on
 * the runtime's clock (a new agency provisioned and connected by its first packet, packets sent,
 * rejected, accepted and made available, searches, an access request made ACTIVE), then
 * GET /metrics/program for that month is checked against what was seeded, figure by figure.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { custodialPacket, type ArrestPacket } from '../../drive/arrest-packet';
import { DataApiEngine } from '../../functions/search/adapters/data-api';
import { SOURCES } from '../../functions/search/domain/sources';
import { recordDelivery } from '../../functions/search/use-cases/ingest';
import { AGENCIES, agencyOfTown } from '../../functions/agencies/domain/registry';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { eventually, mailLink as link, decideByLink as decide } from './steps';
import { connecticutDate } from '../../functions/shared/time';

const HOUR = 3_600_000;
const DEMO_ORI = 'CT0000100';
const UNIT = 'cchrs.unit@dpscs.ct.example';
const ADMIN = 'admin@nhpd.ct.example';
const EMPLOYEE = { fullName: 'Rowan Ashdown', email: 'rowan.ashdown@nhpd.ct.example', jobTitle: 'Records clerk' };
const NEW_AGENCY = agencyOfTown('Hamden')!;

interface Exchanges {
  sent: number;
  transmitted: number;
  notified: number;
  disseminated: number;
  total: number;
}
interface Figures {
  from: string;
  to: string;
  totals: { searches: number; exchanges: Exchanges };
  months: { period: string; searches: number; exchanges: Exchanges }[];
  days: { period: string; searches: number; exchanges: Exchanges }[];
  municipalities: { connected: number; total: number; share: number };
  agencies: { total: number; provisioned: number; connected: number; provisionedInRange: number; connectedInRange: number };
  sources: { live: number; total: number; ids: string[]; down: string[]; daysDelivered: Record<string, number>; liveNow: number; liveWithinHours: number };
  medians: { arrestToAvailable: { seconds: number | null; count: number }; requestToActive: { seconds: number | null; count: number } };
}
interface Timeline {
  status: string;
  timeline: { at: string; type: string; details: Record<string, unknown> }[];
}

const cases = await casesFor(it);

describe('program figures, end to end', () => {
  let h: Target;
  let unit: string;
  let auditor: string;
  let ops: string;
  let clerk: string;
  let admin: string;
  let searcher: string;

  beforeAll(async () => {
    h = await givenTarget();
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT });
    auditor = await h.token({ roles: ['auditor'], username: 'auditor' });
    ops = await h.token({ roles: ['operations'], username: 'ops' });
    clerk = await h.token({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk-ga23' });
    admin = await h.token({ roles: ['agency-admin'], ori: DEMO_ORI, username: 'nhpd-admin', email: ADMIN });
    searcher = await h.token({ roles: ['agency-staff', 'search'], ori: DEMO_ORI, username: 'nhpd-officer' });
    // The search engine opens on first use (PGlite locally: seconds, minutes on a loaded machine):
    // opened before the figures read its sources and the officer searches.
    await eventually(async () => ((await api('/search/sources', ops)).status === 200 ? true : undefined), 'the search engine open', 240_000);
  }, 300_000);
  afterAll(() => stopTarget(h));

  const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${h.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const post = (path: string, token: string, body: unknown) => api(path, token, { method: 'POST', body: JSON.stringify(body) });
  async function read<T>(path: string, token: string): Promise<T> {
    const res = await api(path, token);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  async function clientToken(client: { clientId: string; clientSecret: string }): Promise<string> {
    const res = await fetch(`${h.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async function send(token: string, ori: string, incident: string, change: (p: ArrestPacket) => void = () => undefined): Promise<string> {
    const p = custodialPacket(incident, await h.now());
    p.agency.ori = ori;
    change(p);
    const res = await post('/arrests', token, p);
    expect(res.status).toBe(202);
    return ((await res.json()) as { packetId: string }).packetId;
  }

  const packet = (id: string) => read<Timeline>(`/arrests/${id}`, ops);
  const statusOf = (id: string, status: string) => eventually(async () => ((await packet(id)).status === status ? true : undefined), `packet ${id} to be ${status}`, 30_000);

  /** The clerk accepts the packet's review task, through the API. */
  async function accept(packetId: string): Promise<void> {
    const task = await eventually(async () => {
      const { tasks } = await read<{ tasks: { taskId: string; step: string; subject: { id: string } }[] }>('/tasks', clerk);
      return tasks.find((t) => t.subject.id === packetId && t.step === 'clerk-review');
    }, `the clerk's task for ${packetId}`, 30_000);
    expect((await post(`/tasks/${task.taskId}/decision`, clerk, { choice: 'accept' })).status).toBe(200);
  }

  async function mailTo(to: string, subjectPart: string): Promise<Mail> {
    return eventually(async () => (await h.mailbox()).find((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart)), `mail to ${to} about "${subjectPart}"`, 30_000);
  }
  const requestStatus = (id: string, wanted: string) => eventually(async () => ((await read<{ status: string }>(`/access-requests/${id}`, unit)).status === wanted ? true : undefined), `request ${id} to be ${wanted}`, 30_000);

  /** An employee's CCHRS access request, through the access workflow to ACTIVE; answers its id. */
  async function activeAccount(): Promise<string> {
    const today = connecticutDate(new Date(await h.now()));
    const res = await post('/access-requests', admin, { employee: EMPLOYEE, ori: DEMO_ORI, justification: 'Keeps the records room and answers courts for criminal history of arrestees awaiting arraignment.' });
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    await decide(link(await mailTo(UNIT, `CCHRS access for ${EMPLOYEE.fullName}`), 'Approve'));
    await h.clock.advance(3 * HOUR);
    await decide(link(await mailTo(ADMIN, `Has the employee completed both trainings on CJIS Online? (CCHRS access for ${EMPLOYEE.fullName}`), 'Both trainings'));
    await requestStatus(requestId, 'TRAINING_VERIFICATION');
    const modules = [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn: today, recordId: 'CJIS-SA-50112' },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: today, recordId: 'CJIS-NGI-50113' },
    ];
    expect((await post(`/access-requests/${requestId}/training-verification`, unit, { modules })).status).toBe(200);
    const mail = await mailTo(EMPLOYEE.email, 'Your CCHRS account: temporary password');
    const temporaryPassword = /^Temporary password: (\S+)$/m.exec(mail.body.text ?? '')?.[1];
    await h.clock.advance(2 * HOUR);
    // scrypt on a loaded machine can outlast a call's timeout (a 5xx after the password was set):
    // the employee tries again; whichever attempt set it, the request is ACTIVE.
    const firstLogin = () => fetch(`${h.apiUrl}/auth/first-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: EMPLOYEE.email, temporaryPassword, newPassword: 'Granite-Harbor-Lantern-38' }) });
    const login = await firstLogin();
    if (login.status !== 200) {
      expect(login.status).toBeGreaterThanOrEqual(500);
      const set = await requestStatus(requestId, 'ACTIVE').catch(() => false);
      if (!set) expect((await firstLogin()).status).toBe(200);
    }
    await requestStatus(requestId, 'ACTIVE');
    return requestId;
  }

  const median = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const at = (t: Timeline, type: string) => t.timeline.filter((e) => e.type === type).map((e) => e.at).sort()[0]!;

  cases.needs(['clock'])('counts a seeded month: searches, document exchanges, municipalities connected, sources live and the medians, each as seeded', async () => {
    // The month after the runtime's: nothing has happened in it yet.
    const now = new Date(await h.now());
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const monthKey = month.toISOString().slice(0, 7);
    await h.clock.advance(month.getTime() + 8 * HOUR - now.getTime());
    const before = await read<Figures>(`/metrics/program?from=${monthKey}-01&to=${monthKey}-28`, auditor);
    expect(before.totals.searches).toBe(0);
    expect(before.totals.exchanges.total).toBe(0);
    expect(before.municipalities).toEqual({ connected: 0, total: 169, share: 0 });

    // A new agency: provisioned by the unit (once), then connected by its RMS's first packet.
    const provisioned = await post(`/agencies/${NEW_AGENCY.ori}/rms-client`, unit, {});
    expect(provisioned.status).toBe(201);
    const client = (await provisioned.json()) as { clientId: string; clientSecret: string; provisionedAt: string };
    expect((await post(`/agencies/${NEW_AGENCY.ori}/rms-client`, unit, {})).status).toBe(409);
    const listed = () => read<{ agencies: { ori: string; provisionedAt?: string; connectedAt?: string; clientId?: string }[] }>('/agencies', ops).then((r) => r.agencies.find((a) => a.ori === NEW_AGENCY.ori));
    expect(await listed()).toMatchObject({ provisionedAt: client.provisionedAt, clientId: client.clientId });
    expect((await listed())?.connectedAt).toBeUndefined();
    const newRms = await clientToken(client);
    // Its agency comes from the registry's map of its client (the pre-token trigger), not from a
    // scope: the token holds the API and the role, and no scope was added to the resource server.
    const claims = JSON.parse(Buffer.from(newRms.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ client_id: client.clientId, 'custom:ori': NEW_AGENCY.ori });
    expect(String(claims['scope']).split(' ').sort()).toEqual(['ciss/agency-rms', 'ciss/api']);
    await h.clock.advance(HOUR);
    const first = await send(newRms, NEW_AGENCY.ori, 'ham-1');
    const connected = await eventually(async () => (await listed())?.connectedAt, 'the new agency to be connected', 30_000);
    expect(connected).toBe(at(await packet(first), 'ArrestPacketReceived'));

    // The demo agency's RMS: two packets accepted, one rejected (an unknown statute).
    const demoRms = await clientToken(await h.rmsClient(DEMO_ORI));
    const accepted = [first, await send(demoRms, DEMO_ORI, 'nh-1'), await send(demoRms, DEMO_ORI, 'nh-2')];
    const rejected = await send(demoRms, DEMO_ORI, 'nh-bad', (p) => void (p.charges[0]!.statuteSection = '99-999'));
    await statusOf(rejected, 'REJECTED');
    for (const [i, id] of accepted.entries()) {
      await h.clock.advance((i + 1) * HOUR);
      await accept(id);
      await statusOf(id, 'AVAILABLE');
    }

    // Searches by a certified officer.
    const queries = ['Kowalczyk', 'Smith 03/07/1984', 'Ortega'];
    for (const q of queries) {
      await eventually(async () => ((await api(`/search?q=${encodeURIComponent(q)}&purpose=C`, searcher)).status === 200 ? true : undefined), `the search "${q}"`, 120_000);
    }

    // An access request, through to ACTIVE.
    const requestId = await activeAccount();

    // The sources' deliveries, as search's ingestion records them (through the Data API on the
    // edge): the registry on two days of the month, custody on one, the criminal cases only after
    // the range, DMV licences failing (down all month).
    const data = new RDSDataClient({ endpoint: h.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const ingestDb = new DataApiEngine(data, { SEARCH_DB_ARN: `arn:aws:rds:us-east-1:000000000000:cluster:ciss-${h.stage}-search`, SEARCH_DB_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-${h.stage}-search-ingest`, SEARCH_DB_NAME: 'ciss_search' });
    await recordDelivery(ingestDb, 'jud-por', { ok: true }, `${monthKey}-01T01:00:00.000Z`);
    await recordDelivery(ingestDb, 'jud-por', { ok: true }, `${monthKey}-01T02:00:00.000Z`);
    await recordDelivery(ingestDb, 'jud-por', { ok: true }, `${monthKey}-02T01:00:00.000Z`);
    await recordDelivery(ingestDb, 'doc-custody', { ok: true, cursor: 'c-1' }, `${monthKey}-03T01:00:00.000Z`);
    await recordDelivery(ingestDb, 'jud-crmvs', { ok: true }, `${monthKey}-29T00:30:00.000Z`);
    await recordDelivery(ingestDb, 'dmv-licences', { ok: false, error: 'connect ETIMEDOUT' }, `${monthKey}-01T03:00:00.000Z`);
    data.destroy();

    const figures = await read<Figures>(`/metrics/program?from=${monthKey}-01&to=${monthKey}-28`, auditor);
    expect(await read<Figures>(`/metrics/program?from=${monthKey}-01&to=${monthKey}-28`, ops)).toEqual(figures);

    // Searches: one per query.
    expect(figures.totals.searches).toBe(queries.length);
    // Exchanges: four packets sent; three transmitted; the agency told of each (three processed,
    // one rejected); notices disseminated as the trail has them (the dissemination rules' own).
    const timelines = await Promise.all([...accepted, rejected].map(packet));
    const count = (type: string) => timelines.reduce((n, t) => n + t.timeline.filter((e) => e.type === type).length, 0);
    expect(count('ArrestPacketReceived')).toBe(4);
    const notices = await auditCount('NoticeSent', `${monthKey}-01`, `${monthKey}-28`);
    expect(figures.totals.exchanges).toEqual({ sent: 4, transmitted: 3, notified: count('AgencyNotified'), disseminated: notices, total: 4 + 3 + count('AgencyNotified') + notices });
    expect(count('AgencyNotified')).toBe(4);
    expect(figures.months).toEqual([{ period: monthKey, searches: queries.length, exchanges: figures.totals.exchanges }]);
    expect(figures.days).toHaveLength(28);
    expect(figures.days.reduce((n, d) => n + d.searches, 0)).toBe(queries.length);
    expect(figures.days.find((d) => d.period === `${monthKey}-01`)?.exchanges.sent).toBe(4);

    // Municipalities: New Haven and Hamden connected, of 169; the registry's agencies.
    expect(figures.municipalities).toEqual({ connected: 2, total: 169, share: 2 / 169 });
    expect(figures.agencies).toMatchObject({ total: AGENCIES.length, provisioned: 1, connected: 2, provisionedInRange: 1, connectedInRange: 2 });

    // Sources live in the month: those that delivered on one of its days (the registry on two, custody
    // on one); the failing one and the one that delivered only after the range are not. Live now:
    // those GET /search/sources says delivered within 24 hours.
    const liveInMonth = ['jud-por', 'doc-custody'];
    const { sources } = await read<{ sources: { id: string; lastDeliveredAt?: string }[] }>('/search/sources', ops);
    const nowMs = await h.now();
    const liveNow = sources.filter((s) => s.lastDeliveredAt && Date.parse(s.lastDeliveredAt) <= nowMs && nowMs - Date.parse(s.lastDeliveredAt) <= 24 * HOUR);
    expect(figures.sources).toEqual({
      live: 2,
      total: 14,
      ids: liveInMonth,
      down: SOURCES.map((x) => x.id).filter((id) => !liveInMonth.includes(id)),
      daysDelivered: { 'jud-por': 2, 'doc-custody': 1 },
      liveNow: liveNow.length,
      liveWithinHours: 24,
    });
    expect(figures.sources.down).toEqual(expect.arrayContaining(['dmv-licences', 'jud-crmvs']));

    // Medians: from each packet's receipt to AVAILABLE (1, 3 and 6 hours of clock, plus the
    // workflow's own steps), and from the request's receipt to ACTIVE.
    const toAvailable = timelines.slice(0, 3).map((t) => (Date.parse(at(t, 'ArrestDataAvailable')) - Date.parse(at(t, 'ArrestPacketReceived'))) / 1000);
    expect(figures.medians.arrestToAvailable).toEqual({ seconds: median(toAvailable), count: 3 });
    expect(figures.medians.arrestToAvailable.seconds).toBeGreaterThanOrEqual(3 * 3600);
    const request = await read<{ timeline: { at: string; status?: string }[] }>(`/access-requests/${requestId}`, unit);
    const received = request.timeline.map((e) => e.at).sort()[0]!;
    const active = request.timeline.find((e) => e.status === 'ACTIVE')!.at;
    expect(figures.medians.requestToActive).toEqual({ seconds: (Date.parse(active) - Date.parse(received)) / 1000, count: 1 });
    expect(figures.medians.requestToActive.seconds).toBeGreaterThanOrEqual(5 * 3600);
  }, 600_000);

  it('refuses a range that is not one, naming the field and the rule', async () => {
    const res = await api('/metrics/program?from=2026-12-10&to=2026-12-01', auditor);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('must not be before from');
    expect((await api('/metrics/program?from=2026-1-01', auditor)).status).toBe(400);
  });

  it('is for auditors and operations only; provisioning is for the unit only, and an ORI outside the registry is a 404', async () => {
    expect((await api('/metrics/program', clerk)).status).toBe(403);
    expect((await post(`/agencies/${NEW_AGENCY.ori}/rms-client`, ops, {})).status).toBe(403);
    const unknown = await post('/agencies/CT0099900/rms-client', unit, {});
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(await unknown.json())).toContain('CT0099900');
  });

  /** Records of a type in a range of days, as the auditor's trail reads them (GET /audit by time, every page). */
  async function auditCount(type: string, from: string, to: string): Promise<number> {
    let n = 0;
    let next: string | null = null;
    do {
      const range = `from=${from}T00:00:00.000Z&to=${to}T23:59:59.999Z&limit=500`;
      const page: { records: { type: string }[]; nextToken: string | null } = await read(`/audit?${range}${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, auditor);
      n += page.records.filter((r) => r.type === type).length;
      next = page.nextToken;
    } while (next);
    return n;
  }
});
