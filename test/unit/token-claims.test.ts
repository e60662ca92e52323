import { API_SCOPE, customizeToken, rolesFromScopes, TokenRefused, type TokenRequest } from '../../functions/auth/claims';
import { lacksCourt, parseCourts } from '../../functions/shared/courts';
import { callerFromClaims } from '../../functions/shared/http';

const person = (groups: string[], attributes: Record<string, string> = {}): TokenRequest => ({
  triggerSource: 'TokenGeneration_Authentication',
  userName: 'jrivera',
  clientId: 'web',
  userAttributes: attributes,
  groups,
  scopes: [],
});
const machine = (scopes: string[]): TokenRequest => ({ triggerSource: 'TokenGeneration_ClientCredentials', userName: 'c1', clientId: 'c1', userAttributes: {}, groups: [], scopes });

describe('access-token customization (the pre-token trigger)', () => {
  it('gives a person with a role the API scope, their agency and e-mail', () => {
    expect(customizeToken(person(['agency-admin'], { 'custom:ori': 'CT0000100', email: 'a@b.ct.gov', email_verified: 'true' }))).toEqual({
      kind: 'user',
      actor: 'jrivera',
      scopesToAdd: [API_SCOPE],
      claims: { 'custom:ori': 'CT0000100', email: 'a@b.ct.gov' },
    });
  });

  it('leaves out an e-mail the user has not verified (users may change their own)', () => {
    expect(customizeToken(person(['agency-admin'], { email: 'me@elsewhere.example', email_verified: 'false' })).claims).toEqual({});
    expect(customizeToken(person(['agency-admin'], { email: 'me@elsewhere.example' })).claims).toEqual({});
  });

  it("gives a court clerk the GA courts an administrator set on their account, as custom:courts", () => {
    expect(customizeToken(person(['court-clerk'], { 'custom:courts': 'GA23,GA7' })).claims).toEqual({ 'custom:courts': 'GA23,GA7' });
    // Written loosely by hand in the console: one clean list, each court once.
    expect(customizeToken(person(['court-clerk'], { 'custom:courts': ' ga23, GA07 ,GA23' })).claims).toEqual({ 'custom:courts': 'GA23,GA7' });
  });

  it('leaves out court entries that name no GA court, and the claim when none is left', () => {
    expect(customizeToken(person(['court-clerk'], { 'custom:courts': 'GA23,GA24,New Haven,*' })).claims).toEqual({ 'custom:courts': 'GA23' });
    expect(customizeToken(person(['court-clerk'], { 'custom:courts': 'all' })).claims).toEqual({});
    expect(customizeToken(person(['court-clerk'])).claims).toEqual({});
  });

  it('gives a person in no known group no API scope', () => {
    expect(customizeToken(person(['admins-of-something-else'])).scopesToAdd).toEqual([]);
  });

  it('takes a machine client’s agency from its one ORI scope', () => {
    expect(customizeToken(machine(['ciss/agency-rms', 'ciss/ori.CT0000100']))).toMatchObject({ kind: 'client', actor: 'client:c1', scopesToAdd: [API_SCOPE], claims: { 'custom:ori': 'CT0000100' } });
  });

  it('takes a provisioned agency’s client’s agency from the registry, with no agency scope; a scope that disagrees with the registry is refused', () => {
    expect(customizeToken({ ...machine(['ciss/api', 'ciss/agency-rms']), registeredOri: 'CT0007200' })).toEqual({ kind: 'client', actor: 'client:c1', scopesToAdd: [], claims: { 'custom:ori': 'CT0007200' } });
    expect(customizeToken({ ...machine(['ciss/agency-rms', 'ciss/ori.CT0007200']), registeredOri: 'CT0007200' }).claims).toEqual({ 'custom:ori': 'CT0007200' });
    expect(() => customizeToken({ ...machine(['ciss/agency-rms', 'ciss/ori.CT0000100']), registeredOri: 'CT0007200' })).toThrow(/not its agency in the registry/);
    expect(() => customizeToken({ ...machine(['ciss/agency-rms']), registeredOri: 'not-an-ori' })).toThrow(TokenRefused);
    // The exam provider acts for no agency, whatever the registry says.
    expect(() => customizeToken({ ...machine(['ciss/exam-provider', 'ciss/ori.CT0000100']), registeredOri: 'CT0007200' })).toThrow(TokenRefused);
  });

  it.each([
    ['no agency', ['ciss/api', 'ciss/agency-rms']],
    ['two agencies', ['ciss/agency-rms', 'ciss/ori.CT0000100', 'ciss/ori.CT0000200']],
    ['no role', ['ciss/api', 'ciss/ori.CT0000100']],
    ['a person’s role only', ['ciss/unit', 'ciss/ori.CT0000100']],
    ['the exam provider’s role and an agency', ['ciss/exam-provider', 'ciss/ori.CT0000100']],
  ])('refuses a machine client with %s', (_what, scopes) => {
    expect(() => customizeToken(machine(scopes))).toThrow(TokenRefused);
  });

  it('gives the CISS Search exam provider’s client the API scope and no agency', () => {
    expect(customizeToken(machine(['ciss/exam-provider']))).toEqual({ kind: 'client', actor: 'client:c1', scopesToAdd: [API_SCOPE], claims: {} });
    expect(rolesFromScopes('ciss/api ciss/exam-provider')).toEqual(['exam-provider']);
  });

  it('lets scopes grant machine roles only', () => {
    expect(rolesFromScopes('ciss/api ciss/agency-rms ciss/unit ciss/auditor')).toEqual(['agency-rms']);
    expect(rolesFromScopes(undefined)).toEqual([]);
  });

  it('reads a machine caller from its access token, a person from theirs', () => {
    expect(callerFromClaims({ sub: 'c1', client_id: 'c1', scope: 'ciss/api ciss/agency-rms ciss/ori.CT0000100', 'custom:ori': 'CT0000100' })).toEqual({
      sub: 'c1',
      username: 'client:c1',
      email: undefined,
      roles: ['agency-rms'],
      ori: 'CT0000100',
      courts: [],
    });
    expect(callerFromClaims({ sub: 'u1', username: 'jrivera', 'cognito:groups': '[court-clerk]', scope: 'ciss/api', email: 'j@jud.ct.gov' })).toMatchObject({ username: 'jrivera', roles: ['court-clerk'], email: 'j@jud.ct.gov' });
  });

  it("reads a clerk's courts from custom:courts, and none from a claim that names no court", () => {
    expect(callerFromClaims({ sub: 'u2', username: 'clerk', 'cognito:groups': '[court-clerk]', 'custom:courts': 'GA23,GA7' }).courts).toEqual(['GA23', 'GA7']);
    expect(callerFromClaims({ sub: 'u2', username: 'clerk', 'cognito:groups': '[court-clerk]', 'custom:courts': '' }).courts).toEqual([]);
    expect(callerFromClaims({ sub: 'u2', username: 'clerk', 'cognito:groups': '[court-clerk]' }).courts).toEqual([]);
  });
});

describe('court clerks and their courts', () => {
  it.each([
    ['GA23', ['GA23']],
    ['GA1,GA23', ['GA1', 'GA23']],
    ['GA0,GA24,GA100,GB23,23', []],
    ['', []],
  ])('reads %j as %j', (claim, courts) => {
    expect(parseCourts(claim)).toEqual(courts);
  });

  it('finds a clerk with no court misconfigured, unless another role of theirs opens the route', () => {
    const deciders = ['agency-admin', 'unit', 'court-clerk', 'dcj', 'judicial', 'operations'] as const;
    expect(lacksCourt({ roles: ['court-clerk'], courts: [] }, deciders)).toBe(true);
    expect(lacksCourt({ roles: ['court-clerk'], courts: ['GA23'] }, deciders)).toBe(false);
    expect(lacksCourt({ roles: ['court-clerk', 'unit'], courts: [] }, deciders)).toBe(false);
    expect(lacksCourt({ roles: ['court-clerk', 'community'], courts: [] }, deciders)).toBe(true);
    expect(lacksCourt({ roles: ['dcj'], courts: [] }, deciders)).toBe(false);
  });
});
