import type { AuditEvent } from '#shared/audit';
import { API_SCOPE, TokenRefused } from '../../functions/auth/claims';
import { preToken, PreTokenEventSchema, type PreTokenPorts } from '../../functions/auth/use-cases/pre-token';

const signIn = (overrides: Record<string, unknown> = {}) =>
  PreTokenEventSchema.parse({
    triggerSource: 'TokenGeneration_Authentication',
    userName: 'jrivera',
    callerContext: { clientId: 'web' },
    request: { userAttributes: { 'custom:ori': 'CT0000100' }, groupConfiguration: { groupsToOverride: ['agency-admin'] } },
    localSource: { ip: '198.51.100.7', userAgent: 'Firefox' },
    ...overrides,
  });
const clientGrant = (scopes: string[]) => PreTokenEventSchema.parse({ triggerSource: 'TokenGeneration_ClientCredentials', userName: 'c1', callerContext: { clientId: 'c1' }, request: { scopes } });

function ports() {
  const records: AuditEvent[] = [];
  const warnings: Record<string, string>[] = [];
  const p: PreTokenPorts = { record: async (event) => void records.push(event), warn: (_m, fields) => void warnings.push(fields) };
  return { p, records, warnings };
}

describe('the pre-token trigger', () => {
  it('answers Cognito with the claims and scope of a person’s access token, and audits the logon with its source', async () => {
    const { p, records } = ports();

    const answer = await preToken(signIn(), p);

    expect(answer.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({ claimsToAddOrOverride: { 'custom:ori': 'CT0000100' }, scopesToAdd: [API_SCOPE] });
    expect(answer.userName).toBe('jrivera');
    expect(records).toEqual([
      expect.objectContaining({ type: 'Logon', outcome: 'success', actor: 'jrivera', component: 'cognito', source: { ip: '198.51.100.7', userAgent: 'Firefox' }, details: { trigger: 'TokenGeneration_Authentication', clientId: 'web' } }),
    ]);
  });

  it('audits a refresh as TokenRefreshed', async () => {
    const { p, records } = ports();

    await preToken(signIn({ triggerSource: 'TokenGeneration_RefreshTokens' }), p);

    expect(records.map((r) => [r.type, r.outcome])).toEqual([['TokenRefreshed', 'success']]);
  });

  it('refuses a machine client without an agency scope: audits the failure with its reason, warns, and lets TokenRefused through', async () => {
    const { p, records, warnings } = ports();

    await expect(preToken(clientGrant(['ciss/agency-rms']), p)).rejects.toBeInstanceOf(TokenRefused);
    expect(records).toEqual([expect.objectContaining({ type: 'Logon', outcome: 'failure', actor: 'client:c1', details: expect.objectContaining({ reason: expect.stringContaining('exactly one agency scope') }) })]);
    expect(warnings).toEqual([{ actor: 'client:c1', reason: expect.stringContaining('exactly one agency scope') }]);
  });

  it('gives a provisioned agency’s client its agency from the registry, read by client id for client-credentials grants only', async () => {
    const { p, records } = ports();
    const asked: string[] = [];
    const registry: PreTokenPorts = { ...p, agencyOfClient: async (clientId) => (asked.push(clientId), clientId === 'c1' ? 'CT0007200' : undefined) };

    const answer = await preToken(clientGrant(['ciss/api', 'ciss/agency-rms']), registry);

    expect(answer.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({ claimsToAddOrOverride: { 'custom:ori': 'CT0007200' }, scopesToAdd: [] });
    expect(records.map((r) => [r.type, r.outcome, r.actor])).toEqual([['Logon', 'success', 'client:c1']]);
    await preToken(signIn(), registry);
    expect(asked).toEqual(['c1']);
  });

  it('records no refusal for a failure that is not one (the audit write itself failing)', async () => {
    const { p: working, warnings } = ports();
    const attempts: AuditEvent[] = [];
    const p: PreTokenPorts = {
      ...working,
      record: async (event) => {
        attempts.push(event);
        throw new Error('table unavailable');
      },
    };

    await expect(preToken(signIn(), p)).rejects.toThrow('table unavailable');
    expect(attempts.map((a) => a.outcome)).toEqual(['success']);
    expect(warnings).toEqual([]);
  });

  it('keeps a long user agent in part rather than refusing the sign-in', () => {
    expect(signIn({ localSource: { userAgent: 'x'.repeat(1000) } }).localSource?.userAgent).toHaveLength(256);
  });
});
