import fc from 'fast-check';
import { checkAuthorize, PORTAL_CLIENT_ID, PORTAL_CLIENT_SCOPES, s256, type PublicClient } from '../../infra/local/oauth';
import { signInPage, userLabel } from '../../infra/local/oauth-pages';
import { SYSTEM_USE_NOTICE } from '../../portal/src/notice';
import { DEMO_USERS, userDirectory, type DemoUser } from '../../infra/local/users';

const PORTAL = 'http://127.0.0.1:3000/portal/';
const CLIENTS: readonly PublicClient[] = [{ clientId: PORTAL_CLIENT_ID, callbackUrls: [PORTAL], logoutUrls: [PORTAL], allowedScopes: [...PORTAL_CLIENT_SCOPES] }];
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const request = (extra: Record<string, string> = {}): URLSearchParams =>
  new URLSearchParams({ response_type: 'code', client_id: PORTAL_CLIENT_ID, redirect_uri: PORTAL, state: 's1', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra });

describe('the local issuer’s PKCE check (S256)', () => {
  it('computes the challenge of RFC 7636’s example verifier', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(CHALLENGE);
  });
});

describe('checkAuthorize', () => {
  it('accepts the portal’s request, granting every allowed scope when none is asked for', () => {
    expect(checkAuthorize(request(), CLIENTS)).toEqual({ kind: 'ok', request: { clientId: PORTAL_CLIENT_ID, redirectUri: PORTAL, state: 's1', codeChallenge: CHALLENGE, scopes: [...PORTAL_CLIENT_SCOPES] } });
    expect(checkAuthorize(request({ scope: 'openid openid ciss/api' }), CLIENTS)).toMatchObject({ kind: 'ok', request: { scopes: ['openid', 'ciss/api'] } });
  });

  it('never sends a code, nor an error, to a redirect URI that is not exactly a callback URL', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1 }).map((s) => PORTAL + s), fc.string({ minLength: 1 }).map((s) => s + PORTAL), fc.constantFrom('https://evil.example/portal/', 'http://127.0.0.1:3000/portal/?next=x', PORTAL.toUpperCase(), PORTAL.slice(0, -1), PORTAL.replace('127.0.0.1', 'localhost'))), (uri) => {
        fc.pre(uri !== PORTAL);
        expect(checkAuthorize(request({ redirect_uri: uri }), CLIENTS).kind).toBe('page');
      }),
    );
  });

  it.each([
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a lower-case s256', { code_challenge_method: 's256' }, 'invalid_request'],
    ['a challenge too short', { code_challenge: 'short' }, 'invalid_request'],
    ['a padded challenge', { code_challenge: `${CHALLENGE}=` }, 'invalid_request'],
    ['the implicit grant', { response_type: 'token' }, 'unsupported_response_type'],
    ["an agency's scope", { scope: 'openid ciss/ori.CT0000100' }, 'invalid_scope'],
    ['a state over 2048 characters', { state: 'x'.repeat(2049) }, 'invalid_request'],
  ])('sends %s back to the portal as an error, with the state', (_what, extra: Record<string, string>, error) => {
    expect(checkAuthorize(request(extra), CLIENTS)).toMatchObject({ kind: 'redirect', redirectUri: PORTAL, error, state: extra['state'] ?? 's1' });
  });
});

describe('the people of the local user pool', () => {
  const valid: DemoUser = { username: 'x-user', name: 'X', email: 'x@example.ct.gov', roles: ['unit'], organization: 'Somewhere' };

  it('has one person per role of the workflows, the unit at its mail address, and clerks of two courts', () => {
    expect(userDirectory()).toHaveLength(DEMO_USERS.length);
    const roles = new Set(DEMO_USERS.flatMap((u) => u.roles));
    for (const role of ['agency-admin', 'agency-staff', 'unit', 'court-clerk', 'judicial', 'dcj', 'auditor', 'operations']) expect(roles).toContain(role);
    expect(DEMO_USERS.find((u) => u.roles.includes('unit'))?.email).toBe('cchrs.unit@dpscs.ct.example');
    expect(DEMO_USERS.filter((u) => u.roles.includes('court-clerk')).map((u) => u.courts)).toEqual([['GA23'], ['GA14']]);
  });

  it.each([
    ['an agency role without its ORI', { roles: ['agency-staff'] }, 'ori'],
    ['a clerk without a court', { roles: ['court-clerk'] }, 'courts'],
    ['an unknown role', { roles: ['admin'] }, 'roles'],
    ['a bad court', { roles: ['court-clerk'], courts: ['GA99'] }, 'courts'],
  ])('refuses %s, naming the field', (_what, change, field) => {
    expect(() => userDirectory([{ ...valid, ...change }])).toThrow(field);
  });

  it('refuses a user name listed twice', () => {
    expect(() => userDirectory([valid, valid])).toThrow('users[1].username');
  });
});

describe('the sign-in page', () => {
  it('names each person by name, role and agency or court, with a submit button carrying the user name', () => {
    const html = signInPage({ clientId: PORTAL_CLIENT_ID, redirectUri: PORTAL, state: 's1', codeChallenge: CHALLENGE, scopes: ['openid'] }, DEMO_USERS);
    expect(userLabel(DEMO_USERS.find((u) => u.username === 'clerk-ga23') as DemoUser).detail).toContain('GA23');
    expect(userLabel(DEMO_USERS.find((u) => u.username === 'nhpd-admin') as DemoUser).detail).toContain('CT0000100');
    for (const user of DEMO_USERS) expect(html).toContain(`<button type="submit" name="username" value="${user.username}"><span class="who">${user.name.replace(/&/g, '&amp;')}</span>`);
    for (const paragraph of SYSTEM_USE_NOTICE.paragraphs) expect(html).toContain(paragraph.replace(/'/g, '&#39;'));
  });
});
