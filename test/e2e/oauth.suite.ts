import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { ROOT } from '../../infra/asl';
import type { AccessLogEntry } from '../../infra/local/apigateway';
import { launchBrowser } from '../browser';
import { DEMO_USERNAMES } from '../../infra/local/users';
import { PORTAL_CLIENT_ID } from '../../infra/local/oauth';
import { signInButton } from '../../infra/local/oauth-pages';
import { eventually, scanAll, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';
import { accessibilityProblems } from './portal/harness';

/** A PKCE pair as a browser makes one: a random verifier and base64url(SHA-256(verifier)). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  error?: string;
}

/**
 * People sign in to the portal through the local issuer as through Cognito's hosted UI: the
 * authorization-code grant with PKCE (S256), refresh tokens, revocation and logout, on the API's
 * origin, with the portal's app client `local-portal` and its one callback URL `<api>/portal/`.
 */
describe('sign-in for people (OAuth authorization code with PKCE, local issuer)', () => {
  let h: Harness;
  let api: string;
  let portal: string;
  const refusals: AccessLogEntry[] = [];

  beforeAll(async () => {
    // No schedules: the tests move the clock by hours, and want no monitor runs for it.
    h = await sharedRuntime({ schedules: false });
    api = h.runtime.endpoints.api;
    portal = `${api}/portal/`;
    h.runtime.api.accessLog = (entry) => void refusals.push(entry);
  });

  const authorizeParams = (challenge: string, extra: Record<string, string> = {}): URLSearchParams =>
    new URLSearchParams({ response_type: 'code', client_id: PORTAL_CLIENT_ID, redirect_uri: portal, state: 'st-123', code_challenge: challenge, code_challenge_method: 'S256', scope: 'openid email ciss/api', ...extra });

  const authorize = (params: URLSearchParams): Promise<Response> => fetch(`${api}/oauth2/authorize?${params}`, { redirect: 'manual' });

  /** Chooses a person on the sign-in page (the form posts the request back with the username). */
  const choose = (params: URLSearchParams, username: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${api}/oauth2/authorize`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams([...params, ['username', username]]) });

  /** Signs in as `username` and answers the code the portal receives, after checking the redirect. */
  async function codeFor(username: string, challenge: string): Promise<string> {
    const params = authorizeParams(challenge);
    expect((await authorize(params)).status).toBe(200);
    const res = await choose(params, username);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(portal);
    expect(location.searchParams.get('state')).toBe('st-123');
    return location.searchParams.get('code') ?? '';
  }

  const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${api}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });

  const redeem = (code: string, verifier: string, redirectUri = portal): Promise<Response> =>
    token({ grant_type: 'authorization_code', client_id: PORTAL_CLIENT_ID, code, redirect_uri: redirectUri, code_verifier: verifier });

  const refresh = (refreshToken: string): Promise<Response> => token({ grant_type: 'refresh_token', client_id: PORTAL_CLIENT_ID, refresh_token: refreshToken });

  const revoke = (value: string, clientId = PORTAL_CLIENT_ID): Promise<Response> =>
    fetch(`${api}/oauth2/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: value, client_id: clientId }) });

  async function signIn(username: string): Promise<Required<Pick<TokenResponse, 'access_token' | 'id_token' | 'refresh_token'>>> {
    const { verifier, challenge } = pkce();
    const res = await redeem(await codeFor(username, challenge), verifier);
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    return { access_token: body.access_token ?? '', id_token: body.id_token ?? '', refresh_token: body.refresh_token ?? '' };
  }

  const health = (bearer: string): Promise<Response> => fetch(`${api}/health`, { headers: { Authorization: `Bearer ${bearer}` } });

  async function audit(actor: string, type: string): Promise<Record<string, unknown>[]> {
    return (await scanAll(h, [h.runtime.names.tables.audit])).filter((r) => r['actor'] === actor && r['type'] === type);
  }

  describe('the sign-in page', () => {
    it('shows the CJIS system-use notice and one button per demo person, under a strict CSP', async () => {
      const res = await authorize(authorizeParams(pkce().challenge));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).not.toMatch(/<script/i);
      expect(html).toMatch(/authorized use only/i);
      expect(html).toMatch(/monitor/i);
      expect(html).toMatch(/criminal penalties/i);
      expect(html).toMatch(/consent to monitoring/i);
      expect(html).toContain("Amazon Cognito's hosted sign-in");
      expect(html).toContain('TOTP');
      for (const username of DEMO_USERNAMES) expect(html).toContain(`<button type="submit" name="username" value="${username}">`);
      expect(html).toContain('name="state" value="st-123"');
      expect((await fetch(`${api}/oauth2/signin.css`)).status).toBe(200);
    });

    it('escapes the state it carries back in the form', async () => {
      const html = await (await authorize(authorizeParams(pkce().challenge, { state: '"><script>alert(1)</script>' }))).text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });

    it('lists the agency people, the unit, both clerks and the other roles', () => {
      expect(DEMO_USERNAMES).toEqual(expect.arrayContaining(['nhpd-admin', 'nhpd-staff', 'clerk-ga23', 'clerk-ga14']));
      expect(DEMO_USERNAMES.length).toBeGreaterThanOrEqual(9);
    });
  });

  describe('the authorization request', () => {
    it.each([
      ['an unregistered redirect_uri', (): Record<string, string> => ({ redirect_uri: 'https://evil.example/portal/' })],
      ['a redirect_uri that only starts with the callback URL', (): Record<string, string> => ({ redirect_uri: `${portal}x` })],
      ['the callback URL on another host name', (): Record<string, string> => ({ redirect_uri: portal.replace('127.0.0.1', 'localhost') })],
      ['an unknown client', (): Record<string, string> => ({ client_id: 'someone-else' })],
      ['no client', (): Record<string, string> => ({ client_id: '' })],
    ])('answers %s with a 400 page and never redirects', async (_what, extra) => {
      const res = await authorize(authorizeParams(pkce().challenge, extra()));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('cannot be accepted');
    });

    it('answers the same 400 when the form is posted back with another redirect_uri', async () => {
      const res = await choose(authorizeParams(pkce().challenge, { redirect_uri: `${portal}evil` }), 'nhpd-admin');
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it.each([
      ['the plain method', { code_challenge_method: 'plain' }],
      ['no method', { code_challenge_method: '' }],
      ['no challenge', { code_challenge: '' }],
    ])('refuses %s of PKCE: back to the portal with invalid_request and the state, no code', async (_what, extra) => {
      const params = authorizeParams(pkce().challenge, extra);
      for (const res of [await authorize(params), await choose(params, 'nhpd-admin')]) {
        expect(res.status).toBe(302);
        const location = new URL(res.headers.get('location') ?? '');
        expect(`${location.origin}${location.pathname}`).toBe(portal);
        expect(location.searchParams.get('error')).toBe('invalid_request');
        expect(location.searchParams.get('state')).toBe('st-123');
        expect(location.searchParams.get('code')).toBeNull();
      }
    });

    it('refuses response_type token and a machine scope', async () => {
      const implicit = new URL((await authorize(authorizeParams(pkce().challenge, { response_type: 'token' }))).headers.get('location') ?? '');
      expect(implicit.searchParams.get('error')).toBe('unsupported_response_type');
      const machine = new URL((await authorize(authorizeParams(pkce().challenge, { scope: 'openid ciss/agency-rms' }))).headers.get('location') ?? '');
      expect(machine.searchParams.get('error')).toBe('invalid_scope');
    });

    it('refuses a person not in the user pool, and a form posted from another site', async () => {
      const params = authorizeParams(pkce().challenge);
      expect((await choose(params, 'mallory')).status).toBe(400);
      const foreign = await choose(params, 'nhpd-admin', { Origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('location')).toBeNull();
    });
  });

  describe('the token endpoint', () => {
    it("issues access, ID and refresh tokens whose claims reach the API, and audits the logon", async () => {
      const { verifier, challenge } = pkce();
      const res = await redeem(await codeFor('nhpd-admin', challenge), verifier);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as TokenResponse;
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);

      const access = decodeJwt(body.access_token ?? '');
      expect(access).toMatchObject({ token_use: 'access', client_id: PORTAL_CLIENT_ID, username: 'nhpd-admin', 'cognito:groups': ['agency-admin'], 'custom:ori': 'CT0000100', email: 'admin@nhpd.ct.example' });
      expect(String(access['scope']).split(' ')).toEqual(expect.arrayContaining(['openid', 'ciss/api']));
      expect((access.exp ?? 0) - (access.iat ?? 0)).toBe(3600);
      const id = decodeJwt(body.id_token ?? '');
      expect(id).toMatchObject({ token_use: 'id', aud: PORTAL_CLIENT_ID, sub: 'nhpd-admin', 'cognito:username': 'nhpd-admin', email: 'admin@nhpd.ct.example', 'cognito:groups': ['agency-admin'] });

      const who = await health(body.access_token ?? '');
      expect(who.status).toBe(200);
      expect(((await who.json()) as { caller: unknown }).caller).toEqual({ username: 'nhpd-admin', roles: ['agency-admin'], ori: 'CT0000100' });
      expect((await health(body.id_token ?? '')).status).toBe(401);
      expect(refusals.at(-1)).toMatchObject({ resourcePath: '/health', tokenRefusal: 'not-for-this-api' });

      const logons = await audit('nhpd-admin', 'Logon');
      expect(logons).toContainEqual(expect.objectContaining({ outcome: 'success', component: 'cognito', details: expect.objectContaining({ clientId: PORTAL_CLIENT_ID, trigger: 'TokenGeneration_Authentication' }) }));
    });

    it("gives a court clerk's token their court, and an agency staff member's their agency", async () => {
      expect(decodeJwt((await signIn('clerk-ga23')).access_token)).toMatchObject({ 'cognito:groups': ['court-clerk'], 'custom:courts': 'GA23', email: 'clerk.ga23@jud.ct.example' });
      const staff = (await signIn('nhpd-staff')).access_token;
      expect(((await (await health(staff)).json()) as { caller: unknown }).caller).toEqual({ username: 'nhpd-staff', roles: ['agency-staff'], ori: 'CT0000100' });
    });

    it('refuses a wrong verifier (invalid_grant), and the code is spent', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('cchrs-unit', challenge);
      const wrong = await redeem(code, pkce().verifier);
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
      expect(await (await redeem(code, verifier)).json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a code presented twice, and withdraws the refresh token it gave', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('auditor', challenge);
      const first = (await (await redeem(code, verifier)).json()) as TokenResponse;
      expect(first.refresh_token).toBeDefined();
      const again = await redeem(code, verifier);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      expect(await (await refresh(first.refresh_token ?? '')).json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a code for another redirect_uri, a missing verifier, an unknown client and another grant type', async () => {
      const { verifier, challenge } = pkce();
      expect(await (await redeem(await codeFor('ops', challenge), verifier, `${portal}?x=1`)).json()).toMatchObject({ error: 'invalid_grant' });
      const code = await codeFor('ops', challenge);
      expect(await (await token({ grant_type: 'authorization_code', client_id: PORTAL_CLIENT_ID, code, redirect_uri: portal })).json()).toMatchObject({ error: 'invalid_request' });
      expect(await (await token({ grant_type: 'authorization_code', client_id: 'nobody', code, redirect_uri: portal, code_verifier: verifier })).json()).toMatchObject({ error: 'invalid_client' });
      expect(await (await token({ grant_type: 'password', client_id: PORTAL_CLIENT_ID, username: 'ops' })).json()).toMatchObject({ error: 'unsupported_grant_type' });
    });

    it('refuses a code after five minutes on the runtime clock', async () => {
      const { verifier, challenge } = pkce();
      const [early, late] = [await codeFor('judge-ga23', challenge), await codeFor('judge-ga23', challenge)];
      await h.runtime.clock.advance(4 * 60 * 1000);
      expect((await redeem(early, verifier)).status).toBe(200);
      await h.runtime.clock.advance(60 * 1000 + 1000);
      expect(await (await redeem(late, verifier)).json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('records a refused code exchange as a failed logon of the portal client', async () => {
      const failures = async () => (await audit(`client:${PORTAL_CLIENT_ID}`, 'Logon')).filter((r) => r['outcome'] === 'failure');
      await h.runtime.eventBridge.idle();
      const before = new Set((await failures()).map((r) => r['sk']));
      const { challenge } = pkce();
      await redeem(await codeFor('dcj-attorney', challenge), pkce().verifier);
      const after = await eventually(async () => {
        const fresh = (await failures()).filter((r) => !before.has(r['sk']));
        return fresh.length ? fresh : undefined;
      }, 'a failed Logon record for the portal client');
      expect(after).toEqual([expect.objectContaining({ component: 'cognito', details: { event: 'Token_POST', error: 'invalid_grant' } })]);
    });

    it("answers CORS for the portal's origin only", async () => {
      const { verifier, challenge } = pkce();
      const res = await redeem(await codeFor('ops', challenge), verifier);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const ours = await token({ grant_type: 'refresh_token', client_id: PORTAL_CLIENT_ID, refresh_token: 'x' }, { Origin: new URL(api).origin });
      expect(ours.headers.get('access-control-allow-origin')).toBe(new URL(api).origin);
      const theirs = await token({ grant_type: 'refresh_token', client_id: PORTAL_CLIENT_ID, refresh_token: 'x' }, { Origin: 'https://evil.example' });
      expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${api}/oauth2/token`, { method: 'OPTIONS', headers: { Origin: new URL(api).origin, 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      const revoked = await fetch(`${api}/oauth2/revoke`, { method: 'POST', headers: { Origin: new URL(api).origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: 'x', client_id: PORTAL_CLIENT_ID }) });
      expect(revoked.headers.get('access-control-allow-origin')).toBe(new URL(api).origin);
      const revokePreflight = await fetch(`${api}/oauth2/revoke`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
      expect(revokePreflight.status).toBe(204);
      expect(revokePreflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('refresh, revocation and logout', () => {
    it('refreshes: new access and ID tokens, no new refresh token, audited as a refresh', async () => {
      const first = await signIn('clerk-ga14');
      const res = await refresh(first.refresh_token);
      expect(res.status).toBe(200);
      const body = (await res.json()) as TokenResponse;
      expect(body.refresh_token).toBeUndefined();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      expect(decodeJwt(body.access_token ?? '')).toMatchObject({ username: 'clerk-ga14', 'custom:courts': 'GA14' });
      expect(decodeJwt(body.id_token ?? '')).toMatchObject({ token_use: 'id', 'cognito:username': 'clerk-ga14' });
      expect((await health(body.access_token ?? '')).status).toBe(200);
      expect(await audit('clerk-ga14', 'TokenRefreshed')).toHaveLength(1);
    });

    it('revokes a refresh token (sign-out): 200, refused from then on, audited by user name', async () => {
      const { refresh_token } = await signIn('nhpd-staff');
      expect((await refresh(refresh_token)).status).toBe(200);
      const revoked = await revoke(refresh_token);
      expect(revoked.status).toBe(200);
      const again = await refresh(refresh_token);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      const logoffs = await audit('nhpd-staff', 'Logoff');
      expect(logoffs).toEqual([expect.objectContaining({ outcome: 'success', component: 'cognito', subject: { type: 'identity', id: 'nhpd-staff' }, details: { event: 'RevokeToken', clientId: PORTAL_CLIENT_ID } })]);
      expect(JSON.stringify(logoffs)).not.toContain(refresh_token);
    });

    it('answers 200 for an unknown token, and refuses an access token or an unknown client', async () => {
      expect((await revoke('not-a-token-we-know')).status).toBe(200);
      const { access_token } = await signIn('ops');
      expect(await (await revoke(access_token)).json()).toMatchObject({ error: 'unsupported_token_type' });
      expect(await (await revoke('x', 'nobody')).json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refuses a refresh token after 12 hours on the runtime clock', async () => {
      const { refresh_token } = await signIn('auditor');
      await h.runtime.clock.advance(12 * 3600 * 1000 + 1000);
      expect(await (await refresh(refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('logs out back to the registered sign-out URL only', async () => {
      const logout = (params: Record<string, string>) => fetch(`${api}/logout?${new URLSearchParams(params)}`, { redirect: 'manual' });
      const ok = await logout({ client_id: PORTAL_CLIENT_ID, logout_uri: portal });
      expect(ok.status).toBe(302);
      expect(ok.headers.get('location')).toBe(portal);
      for (const params of [{ client_id: PORTAL_CLIENT_ID, logout_uri: `${portal}x` }, { client_id: PORTAL_CLIENT_ID, logout_uri: 'https://evil.example/' }, { client_id: 'nobody', logout_uri: portal }]) {
        const res = await logout(params);
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
      }
    });
  });
  describe('in a browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(() => browser?.close());

    it('is accessible (axe), readable at 320 px, runs under its CSP, and signs in with the keyboard alone', async () => {
      const shots = path.join(ROOT, 'test-output', 'portal');
      mkdirSync(shots, { recursive: true });
      // A context of its own: axe opens a page in the page's context to gather its results.
      const context = await browser.newContext({ viewport: { width: 320, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
      page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`)));
      // The portal is not part of this test (it would redeem the code itself): the form's answer,
      // a redirect to the portal, is kept here and the browser stops on a blank page.
      let location = '';
      let origin: string | undefined;
      await page.route(`${api}/oauth2/authorize`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        origin = (await route.request().allHeaders())['origin'];
        const answer = await route.fetch({ maxRedirects: 0 });
        expect(answer.status()).toBe(302);
        location = answer.headers()['location'] ?? '';
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'signed in' });
      });
      const { verifier, challenge } = pkce();
      await page.goto(`${api}/oauth2/authorize?${authorizeParams(challenge)}`);
      await expect(page.title()).resolves.toContain('Sign in');
      await page.screenshot({ path: path.join(shots, 'sign-in.png'), fullPage: true });

      expect(await accessibilityProblems(page)).toEqual([]);
      // Nothing is wider than the 320 px viewport (no sideways scrolling).
      const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(320);

      // Tab to the first person's button and press Enter: the browser lands on the portal with a code and the state.
      const first = page.locator(signInButton(DEMO_USERNAMES[0] ?? ''));
      for (let i = 0; i < 20 && !(await first.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)); i++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByText('signed in').waitFor();
      // The page sends its origin with the form (Referrer-Policy same-origin), so a form from another site is told apart.
      expect(origin).toBe(new URL(api).origin);
      const landed = new URL(location);
      expect(`${landed.origin}${landed.pathname}`).toBe(portal);
      expect(landed.searchParams.get('state')).toBe('st-123');
      const tokens = await redeem(landed.searchParams.get('code') ?? '', verifier);
      expect(tokens.status).toBe(200);
      expect(decodeJwt(((await tokens.json()) as TokenResponse).access_token ?? '')).toMatchObject({ username: DEMO_USERNAMES[0] });
      expect(problems).toEqual([]);
      await context.close();
    });
  });
});
