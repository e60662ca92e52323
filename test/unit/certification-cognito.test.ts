/** The grant in AWS: the Cognito group beside the table's grant, through SigV4-signed calls of the user-pool API. */
import { jest } from '@jest/globals';
import { cognitoGroups } from '../../functions/certification/adapters/cognito';
import { cognitoGrants } from '../../functions/certification/adapters/grants';
import type { RoleGrant } from '../../functions/certification/domain/grant';

const GRANT: RoleGrant = { email: 'avery@nhpd.ct.example', role: 'search', certificationId: 'SC-20261130-00000000AA', grantedAt: '2026-11-30T10:00:00.000Z', expiresAt: '2027-11-30T10:00:00.000Z', status: 'ACTIVE' };

describe('the Cognito grant adapter', () => {
  it('adds the group before storing the grant, and removes it before suspending the grant', async () => {
    const calls: string[] = [];
    const grants = cognitoGrants(
      { put: async (g) => void calls.push(`put ${g.role}`), suspend: async (_e, role) => void calls.push(`suspend ${role}`), get: async () => GRANT },
      { addUserToGroup: async (i) => void calls.push(`add ${i.userPoolId} ${i.username} ${i.groupName}`), removeUserFromGroup: async (i) => void calls.push(`remove ${i.userPoolId} ${i.username} ${i.groupName}`) },
      'us-east-1_Pool1',
    );
    await grants.grant(GRANT);
    await grants.suspend(GRANT.email, 'search', GRANT.certificationId, '2027-11-30T10:00:00.000Z', 'lapsed');
    expect(calls).toEqual(['add us-east-1_Pool1 avery@nhpd.ct.example search', 'put search', 'remove us-east-1_Pool1 avery@nhpd.ct.example search', 'suspend search']);
  });

  it('leaves the group and the grant of a later certification alone when an earlier one lapses', async () => {
    const calls: string[] = [];
    const later = { ...GRANT, certificationId: 'SC-20271101-00000000BB' };
    const grants = cognitoGrants(
      { put: async () => undefined, suspend: async () => void calls.push('suspend'), get: async () => later },
      { addUserToGroup: async () => undefined, removeUserFromGroup: async () => void calls.push('remove') },
      'us-east-1_Pool1',
    );
    await grants.suspend(GRANT.email, 'search', GRANT.certificationId, '2027-11-30T10:00:00.000Z', 'lapsed');
    expect(calls).toEqual([]);
  });

  describe('the signed calls', () => {
    const env = { ...process.env };
    beforeEach(() => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_SESSION_TOKEN: '' }));
    afterEach(() => {
      process.env = { ...env };
      jest.restoreAllMocks();
    });

    it('calls AdminAddUserToGroup on the region’s endpoint, signed with SigV4', async () => {
      const fetched = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 200 }));
      await cognitoGroups('us-east-1').addUserToGroup({ userPoolId: 'us-east-1_Pool1', username: 'avery@nhpd.ct.example', groupName: 'search' });
      const [url, init] = fetched.mock.calls[0] ?? [];
      const headers = (init?.headers ?? {}) as Record<string, string>;
      expect(url).toBe('https://cognito-idp.us-east-1.amazonaws.com/');
      expect(headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.AdminAddUserToGroup');
      expect(headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/cognito-idp\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/);
      expect(JSON.parse(String(init?.body))).toEqual({ UserPoolId: 'us-east-1_Pool1', Username: 'avery@nhpd.ct.example', GroupName: 'search' });
    });

    it('fails with the error’s name, for the step’s Retry and Catch, and nothing else of the answer', async () => {
      jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ __type: 'com.amazonaws#TooManyRequestsException', message: 'Rate exceeded for avery@nhpd.ct.example' }), { status: 400 }));
      const failed = cognitoGroups('us-east-1').removeUserFromGroup({ userPoolId: 'us-east-1_Pool1', username: 'avery@nhpd.ct.example', groupName: 'search' });
      await expect(failed).rejects.toMatchObject({ name: 'TooManyRequestsException', message: 'Cognito AdminRemoveUserFromGroup failed: TooManyRequestsException' });
    });
  });
});
