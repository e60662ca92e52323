import { generateKeyPair, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/auth';
import { ROLES, routes, type Role, type RouteSpec } from '../../infra/manifest';
import { custodialPacket } from '../fixtures/arrests/packet';
import { eventually, givenRuntime, mailbox, scanAll, stopHarness, type Harness } from './steps';

const AGENCY_ROLES: readonly Role[] = ['agency-admin', 'agency-rms'];
const tokenRoutes = (routes as readonly RouteSpec[]).filter((r) => r.auth === 'token');
/** What the matrix puts in every path parameter. */
const MISSING_ID = 'no-such-id';

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
  if (typeof answer.error !== 'string' || typeof answer.message !== 'string') return false;
  if (status !== 404) return true;
  return route.path.includes('{') && answer.message.includes(MISSING_ID);
}

describe('what counts as an allowed call in the matrix', () => {
  const byId = { path: '/arrests/{packetId}' };
  it("counts the use case's own answers: a 2xx, a 4xx about the request, a 404 naming the id", () => {
    expect(ranUseCase(byId, 200, { packetId: 'x' })).toBe(true);
    expect(ranUseCase(byId, 400, { error: 'ValidationFailed', message: 'The request is not valid', problems: [] })).toBe(true);
    expect(ranUseCase(byId, 404, { error: 'NotFound', message: `No arrest packet ${MISSING_ID}` })).toBe(true);
  });

  it('does not count a route dropped from its router, from the gateway, or a route without an id answering 404', () => {
    expect(ranUseCase(byId, 404, { error: 'NotFound', message: 'No route GET /arrests/{packetId}' })).toBe(false);
    expect(ranUseCase(byId, 403, { message: 'Missing Authentication Token' })).toBe(false);
    expect(ranUseCase(byId, 404, { message: `Not Found ${MISSING_ID}` })).toBe(false);
    expect(ranUseCase({ path: '/arrests' }, 404, { error: 'NotFound', message: `No route ${MISSING_ID}` })).toBe(false);
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
  let h: Harness;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    h = await givenRuntime();
    for (const role of ROLES) {
      tokens.set(role, await h.runtime.mintToken({ roles: [role], ori: AGENCY_ROLES.includes(role) ? 'CT0000100' : undefined, courts: role === 'court-clerk' ? ['GA23'] : undefined }));
    }
    const { privateKey } = await generateKeyPair('ES256');
    tokens.set('bad signature', await new SignJWT({ 'cognito:groups': ['operations'] }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(privateKey));
    tokens.set('expired', await h.runtime.mintToken({ roles: ['operations'], expiresIn: Math.floor(Date.now() / 1000) - 60 }));
    tokens.set('wrong issuer', await h.runtime.mintToken({ roles: ['operations'], issuer: 'https://issuer.example.com' }));
    tokens.set('wrong audience', await h.runtime.mintToken({ roles: ['operations'], audience: 'another-app' }));
    // Every token route names the API scope, so API Gateway takes access tokens only.
    tokens.set('ID token', await h.runtime.mintToken({ roles: ['operations'], tokenUse: 'id' }));
    // An agency's RMS, by the OAuth client-credentials grant: the agency-rms role, by scope.
    const { clientId, clientSecret } = h.runtime.clients.rmsClient('CT0000100');
    const grant = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    tokens.set('RMS client', ((await grant.json()) as { access_token: string }).access_token);
  });
  afterAll(() => stopHarness(h));

  function call(route: RouteSpec, token?: string): Promise<Response> {
    const path = route.path.replace(/\{[^}]+\}/g, MISSING_ID);
    return fetch(`${h.runtime.endpoints.api}${path}`, {
      method: route.method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
      body: route.method === 'GET' ? undefined : '{}',
    });
  }

  it('covers every token route', () => {
    expect(tokenRoutes.length).toBeGreaterThan(5);
  });

  it.each(tokenRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: allowed roles pass, others get 403, bad tokens 401', async (_name, route) => {
    const outcome: Record<string, { status: number; body: unknown }> = {};
    const answer = async (res: Response) => ({ status: res.status, body: (await res.text().then((t) => JSON.parse(t) as unknown).catch(() => undefined)) ?? undefined });
    for (const [who, token] of tokens) outcome[who] = await answer(await call(route, token));
    outcome['no token'] = await answer(await call(route));

    const expected = Object.fromEntries(
      Object.keys(outcome).map((who) => {
        const role = who === 'RMS client' ? 'agency-rms' : who;
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
    const denied = (await scanAll(h, [h.runtime.names.tables.audit])).filter((r) => r['type'] === 'RouteDenied' && (r['subject'] as { id: string }).id === 'GET /ops/executions');
    expect(denied.map((r) => [r['actor'], r['outcome'], r['component']])).toContainEqual(['court-clerk', 'denied', 'api']);
  });
});
