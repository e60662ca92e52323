import { ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { generateKeyPair, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/auth';
import { ROLES, routes, type Role, type RouteSpec } from '../../infra/manifest';
import { custodialPacket } from '../../drive/arrest-packet';
import { givenTarget, stopTarget, type Target } from '../target';
import { eventually, scanAll } from './steps';
import { isAgencyRole } from '../../functions/shared/roles';

const tokenRoutes = (routes as readonly RouteSpec[]).filter((r) => r.auth === 'token');
/**
 * What the matrix puts in each path parameter: an id of the parameter's own format that names
 * nothing (a malformed id is answered 404 before any lookup, without naming it).
 */
const MISSING_IDS: Readonly<Record<string, string>> = { packetId: 'ap-000000000000000000000000', requestId: 'AR-20000101-0000000000', taskId: 'Nn0SuchTaskAnywhere000', id: 'no-such-execution-0', source: 'jud-crmvs', certificationId: 'SC-20000101-0000000000', accountId: 'no-such-account-0', reviewId: '2000-Q1-CT0000100', noticeId: 'nt-000000000000000000000000', ruleId: 'no-such-rule', ori: 'CT0099900' };
const MISSING_ID = MISSING_IDS['taskId'] ?? '';
const MISSING_PACKET = MISSING_IDS['packetId'] ?? '';
const withMissingIds = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => MISSING_IDS[name] ?? name);

/**
 * Whether an answer came from the route's own use case, not from something that stopped short
 * of it: the gateway (401, 403 `Missing Authentication Token`, 413: no `error` field), the
 * role check (403), a failure (5xx), or a router that no longer knows the route (a 404 that
 * names the route, not the id asked for). Our handlers answer every 4xx with `error` and
 * `message`; a 404 of the use case names the missing id, and only a route with an id in its
 * path can have one.
 */
function ranUseCase(route: Pick<RouteSpec, 'path'>, status: number, body: unknown): boolean {
  if (status < 200 || status === 401 || status === 403 || status >= 500) return false;
  if (status < 300) return true;
  const answer = (body ?? {}) as { error?: unknown; message?: unknown };
  const message = answer.message;
  if (typeof answer.error !== 'string' || typeof message !== 'string') return false;
  if (status !== 404) return true;
  return route.path.includes('{') && Object.values(MISSING_IDS).some((id) => message.includes(id));
}

describe('what counts as an allowed call in the matrix', () => {
  const byId = { path: '/arrests/{packetId}' };
  it("counts the use case's own answers: a 2xx, a 4xx about the request, a 404 naming the id", () => {
    expect(ranUseCase(byId, 200, { packetId: 'x' })).toBe(true);
    expect(ranUseCase(byId, 400, { error: 'ValidationFailed', message: 'The request is not valid', problems: [] })).toBe(true);
    expect(ranUseCase(byId, 404, { error: 'NotFound', message: `No arrest packet ${MISSING_PACKET}` })).toBe(true);
  });

  it('does not count a route dropped from its router, from the gateway, or a route without an id answering 404', () => {
    expect(ranUseCase(byId, 404, { error: 'NotFound', message: 'No route GET /arrests/{packetId}' })).toBe(false);
    expect(ranUseCase(byId, 403, { message: 'Missing Authentication Token' })).toBe(false);
    expect(ranUseCase(byId, 404, { message: `Not Found ${MISSING_PACKET}` })).toBe(false);
    expect(ranUseCase({ path: '/arrests' }, 404, { error: 'NotFound', message: `No route ${MISSING_PACKET}` })).toBe(false);
    expect(ranUseCase(byId, 500, { error: 'InternalError', message: 'x' })).toBe(false);
  });
});

/**
 * The authorization matrix (CJIS AC-3, AC-6): every token route, called by every role, and by
 * callers with no token or a bad one. An allowed role reaches the route's use case (it may
 * still answer a 4xx about the request: a missing id, a bad body; see `ranUseCase`), every other
 * role gets 403, a bad token 401.
 */
describe('who may call what: every route × every role, and bad tokens', () => {
  let h: Target;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    h = await givenTarget();
    for (const role of ROLES) {
      tokens.set(role, await h.token({ roles: [role], ori: isAgencyRole(role) ? 'CT0000100' : undefined, courts: role === 'court-clerk' ? ['GA23'] : undefined }));
    }
    const { privateKey } = await generateKeyPair('ES256');
    tokens.set('bad signature', await new SignJWT({ 'cognito:groups': ['operations'] }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(privateKey));
    tokens.set('expired', await h.token({ roles: ['operations'], expiresIn: Math.floor(Date.now() / 1000) - 60 }));
    tokens.set('wrong issuer', await h.token({ roles: ['operations'], issuer: 'https://issuer.example.com' }));
    tokens.set('wrong audience', await h.token({ roles: ['operations'], audience: 'another-app' }));
    // Every token route names the API scope, so API Gateway takes access tokens only.
    tokens.set('ID token', await h.token({ roles: ['operations'], tokenUse: 'id' }));
    // An agency's RMS, by the OAuth client-credentials grant: the agency-rms role, by scope.
    const { clientId, clientSecret } = await h.rmsClient('CT0000100');
    const grant = await fetch(`${h.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    tokens.set('RMS client', ((await grant.json()) as { access_token: string }).access_token);
    // The search engine opens on first use (locally PGlite, seconds, more on a busy machine; in
    // AWS Aurora resuming from zero): opened before the matrix, which is about who may call, not
    // about a cold engine.
    await eventually(async () => ((await fetch(`${h.apiUrl}/search/sources`, { headers: { Authorization: `Bearer ${tokens.get('operations') ?? ''}` } })).status === 200 ? true : undefined), 'the search engine open', 60_000);
    // The CISS Search training provider, by the same grant: the exam-provider role, by scope, no agency.
    const provider = await h.examProviderClient();
    const providerGrant = await fetch(`${h.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    tokens.set('exam provider client', ((await providerGrant.json()) as { access_token: string }).access_token);
  });
  afterAll(() => stopTarget(h));

  function call(route: RouteSpec, token?: string): Promise<Response> {
    const path = withMissingIds(route.path);
    return fetch(`${h.apiUrl}${path}`, {
      method: route.method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
      body: route.method === 'GET' ? undefined : '{}',
    });
  }

  it('covers every token route', () => {
    expect(tokenRoutes.length).toBeGreaterThan(5);
  });

  it.each(tokenRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: allowed roles pass, others get 403, bad tokens 401', async (_name, route) => {
    const answer = async (res: Response) => ({ status: res.status, body: (await res.text().then((t) => JSON.parse(t) as unknown).catch(() => undefined)) ?? undefined });
    // Every caller at once: the calls name nothing that exists, so none changes what another sees.
    const callers: [string, string | undefined][] = [...tokens, ['no token', undefined]];
    const outcome: Record<string, { status: number; body: unknown }> = Object.fromEntries(await Promise.all(callers.map(async ([who, token]) => [who, await answer(await call(route, token))] as const)));

    const expected = Object.fromEntries(
      Object.keys(outcome).map((who) => {
        const role = who === 'RMS client' ? 'agency-rms' : who === 'exam provider client' ? 'exam-provider' : who;
        if (!(ROLES as readonly string[]).includes(role)) return [who, 401];
        return [who, route.roles.includes(role as Role) ? 'allowed' : 403];
      }),
    );
    const seen = Object.fromEntries(
      Object.entries(outcome).map(([who, { status, body }]) => [who, expected[who] === 'allowed' && ranUseCase(route, status, body) ? 'allowed' : expected[who] === 'allowed' ? { status, body } : status]),
    );
    expect(seen).toEqual(expected);
  });

  it('records every call refused by role as a denied access attempt, naming the route and the caller', async () => {
    const route = tokenRoutes.find((r) => r.method === 'GET' && r.path === '/ops/executions');
    expect(route).toBeDefined();
    const res = await call(route as RouteSpec, tokens.get('court-clerk'));
    expect(res.status).toBe(403);
    const denied = (await scanAll(h, [h.table('audit')])).filter((r) => r['type'] === 'RouteDenied' && (r['subject'] as { id: string }).id === 'GET /ops/executions');
    expect(denied.map((r) => [r['actor'], r['outcome'], r['component']])).toContainEqual(['court-clerk', 'denied', 'api']);
  });

  /**
   * Court clerks act for the GA courts their token names (`custom:courts`), as agency users for
   * their ORI: a packet arraigned in another court, and its review task, answer as missing ones.
   */
  describe('court clerks see and decide only their courts’ packets', () => {
    interface TaskView {
      taskId: string;
      subject: { id: string };
      assignee: { role: string; court: string | null };
    }
    const packets: Record<'GA23' | 'GA7', { packetId: string; taskId: string }> = { GA23: { packetId: '', taskId: '' }, GA7: { packetId: '', taskId: '' } };
    const clerks: Record<'GA23' | 'GA7' | 'both' | 'none', string> = { GA23: '', GA7: '', both: '', none: '' };

    const api = (path: string, token: string, init: RequestInit = {}) =>
      fetch(`${h.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    const tasksOf = async (token: string) => ((await (await api('/tasks', token)).json()) as { tasks: TaskView[] }).tasks;

    beforeAll(async () => {
      clerks.GA23 = await h.token({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk-ga23' });
      clerks.GA7 = await h.token({ roles: ['court-clerk'], courts: ['GA7'], username: 'clerk-ga7' });
      clerks.both = await h.token({ roles: ['court-clerk'], courts: ['GA23', 'GA7'], username: 'clerk-ga23-ga7' });
      clerks.none = await h.token({ roles: ['court-clerk'], username: 'clerk-of-no-court' });
      const rms = await h.token({ roles: ['agency-rms'], ori: 'CT0000100', username: 'nhpd-rms' });
      for (const [court, gaNumber, location] of [['GA23', 23, 'New Haven'], ['GA7', 7, 'Meriden']] as const) {
        const packet = custodialPacket(`court-${gaNumber}`, await h.now());
        Object.assign(packet.court, { gaNumber, locationName: location });
        const res = await api('/arrests', rms, { method: 'POST', body: JSON.stringify(packet) });
        if (res.status !== 202) throw new Error(`POST /arrests for ${court}: ${res.status} ${await res.text()}`);
        packets[court].packetId = ((await res.json()) as { packetId: string }).packetId;
      }
      // Both review tasks open; the clerk of both courts sees them (asserted below).
      const ours = [packets.GA23.packetId, packets.GA7.packetId];
      const open = await eventually(async () => {
        const tasks = await tasksOf(clerks.both);
        return ours.every((id) => tasks.some((t) => t.subject.id === id)) ? tasks : undefined;
      }, 'both review tasks', 20_000);
      for (const court of ['GA23', 'GA7'] as const) packets[court].taskId = open.find((t) => t.subject.id === packets[court].packetId)?.taskId ?? '';
    });
    // The packets' executions would still run (or wait) when the runtime stops (a runtime shared
    // with other test files keeps theirs).
    afterAll(async () => {
      const running = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.machineArn('arrest-packet'), statusFilter: 'RUNNING' }));
      const ours = (running.executions ?? []).filter((e) => [packets.GA23.packetId, packets.GA7.packetId].some((id) => id && e.name?.startsWith(id)));
      for (const e of ours) await h.sfn.send(new StopExecutionCommand({ executionArn: e.executionArn, cause: 'end of the court-scoping tests' }));
    });

    it("lists to a clerk their court's review tasks and no other court's; to a clerk of two courts, both", async () => {
      // Other packets of the same courts may wait too (a runtime shared with other test files).
      const ga23 = await tasksOf(clerks.GA23);
      const ga7 = await tasksOf(clerks.GA7);
      expect(ga23.map((t) => t.taskId)).toContain(packets.GA23.taskId);
      expect(ga7.map((t) => t.taskId)).toEqual([packets.GA7.taskId]);
      expect(ga23.map((t) => t.taskId)).not.toContain(packets.GA7.taskId);
      expect(new Set(ga23.map((t) => t.assignee.court))).toEqual(new Set(['GA23']));
      const both = await tasksOf(clerks.both);
      expect(both.map((t) => t.taskId).sort()).toEqual([packets.GA23.taskId, packets.GA7.taskId].sort());
      expect(both.map((t) => [t.subject.id, t.assignee.court])).toEqual(expect.arrayContaining([[packets.GA23.packetId, 'GA23'], [packets.GA7.packetId, 'GA7']]));
    });

    it("e-mails each packet's review to its own court's clerk office", async () => {
      const mails = await h.mailbox();
      const to = (incident: string) => mails.filter((m) => m.subject.includes(`Arrest packet ${incident} `)).flatMap((m) => m.destination.to);
      expect(to('court-23')).toEqual(['clerk.ga23@jud.ct.example']);
      expect(to('court-7')).toEqual(['clerk.ga7@jud.ct.example']);
    });

    it("answers another court's task and packet as missing ones (404 alike), and audits the attempts as denied", async () => {
      const other = packets.GA7;
      const theirs = await api(`/tasks/${other.taskId}`, clerks.GA23);
      const missing = await api(`/tasks/${MISSING_ID}`, clerks.GA23);
      expect([theirs.status, missing.status]).toEqual([404, 404]);
      expect(((await theirs.json()) as { message: string }).message.replace(other.taskId, '<id>')).toBe(((await missing.json()) as { message: string }).message.replace(MISSING_ID, '<id>'));
      const decision = await api(`/tasks/${other.taskId}/decision`, clerks.GA23, { method: 'POST', body: JSON.stringify({ choice: 'accept' }) });
      expect(decision.status).toBe(404);
      const packet = await api(`/arrests/${other.packetId}`, clerks.GA23);
      const nothing = await api(`/arrests/${MISSING_PACKET}`, clerks.GA23);
      expect([packet.status, nothing.status]).toEqual([404, 404]);
      expect(((await packet.json()) as { message: string }).message.replace(other.packetId, '<id>')).toBe(((await nothing.json()) as { message: string }).message.replace(MISSING_PACKET, '<id>'));
      expect((await api(`/arrests/${packets.GA23.packetId}`, clerks.GA23)).status).toBe(200);

      const audit = await scanAll(h, [h.table('audit')]);
      const denied = audit.filter((r) => r['actor'] === 'clerk-ga23' && r['outcome'] === 'denied').map((r) => [r['type'], (r['subject'] as { id: string }).id]);
      expect(denied).toEqual(expect.arrayContaining([['TaskRead', other.packetId], ['ArrestPacketRead', other.packetId]]));
      expect(denied.filter(([type]) => type === 'TaskRead')).toHaveLength(2);
    });

    it('lists to a clerk only the packets of their courts', async () => {
      const listed = async (token: string) => ((await (await api('/arrests?status=VALIDATED', token)).json()) as { packets: { packetId: string }[] }).packets.map((p) => p.packetId);
      // Other GA23 packets may wait too (a runtime shared with other test files); no GA7 one does.
      const ga23 = await listed(clerks.GA23);
      expect(ga23).toContain(packets.GA23.packetId);
      expect(ga23).not.toContain(packets.GA7.packetId);
      expect(await listed(clerks.GA7)).toEqual([packets.GA7.packetId]);
      expect(await listed(clerks.both)).toEqual(expect.arrayContaining([packets.GA23.packetId, packets.GA7.packetId]));
    });

    it('refuses a clerk whose token names no court, with a 403 that names the claim, and audits it', async () => {
      for (const [method, path] of [['GET', '/tasks'], ['GET', `/tasks/${packets.GA23.taskId}`], ['POST', `/tasks/${packets.GA23.taskId}/decision`], ['GET', `/arrests/${packets.GA23.packetId}`], ['GET', '/arrests?status=VALIDATED']] as const) {
        const res = await api(path, clerks.none, method === 'POST' ? { method, body: JSON.stringify({ choice: 'accept' }) } : { method });
        expect([path, res.status]).toEqual([path, 403]);
        expect(((await res.json()) as { message: string }).message).toContain('custom:courts');
      }
      const audit = await scanAll(h, [h.table('audit')]);
      const refused = audit.filter((r) => r['type'] === 'RouteDenied' && r['actor'] === 'clerk-of-no-court');
      expect(refused.map((r) => (r['details'] as { reason?: string }).reason)).toEqual(Array(5).fill('no court claim'));
    });

    it("lets a clerk of the packet's court decide its review, and no other", async () => {
      const accept = (token: string) => api(`/tasks/${packets.GA7.taskId}/decision`, token, { method: 'POST', body: JSON.stringify({ choice: 'accept' }) });
      expect((await accept(clerks.GA23)).status).toBe(404);
      const decided = await accept(clerks.both);
      expect(decided.status).toBe(200);
      await expect(decided.json()).resolves.toMatchObject({ status: 'DECIDED', decision: { choice: 'accept', decidedBy: 'clerk-ga23-ga7', channel: 'api' } });
    });
  });
});
