/** The grant in AWS: the Cognito group beside the table's grant, through the user-pool API's client. */
import { AdminAddUserToGroupCommand, AdminRemoveUserFromGroupCommand, CognitoIdentityProviderClient, TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
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

  describe('the calls', () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    afterEach(() => cognito.reset());

    it('adds the user to the group with AdminAddUserToGroup', async () => {
      cognito.on(AdminAddUserToGroupCommand).resolves({});
      await cognitoGroups(new CognitoIdentityProviderClient({ region: 'us-east-1' })).addUserToGroup({ userPoolId: 'us-east-1_Pool1', username: 'avery@nhpd.ct.example', groupName: 'search' });
      expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: 'us-east-1_Pool1', Username: 'avery@nhpd.ct.example', GroupName: 'search' }]);
    });

    it('fails with the error’s name, for the step’s Retry and Catch, and nothing else of the answer', async () => {
      cognito.on(AdminRemoveUserFromGroupCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded for avery@nhpd.ct.example', $metadata: {} }));
      const failed = cognitoGroups(new CognitoIdentityProviderClient({ region: 'us-east-1' })).removeUserFromGroup({ userPoolId: 'us-east-1_Pool1', username: 'avery@nhpd.ct.example', groupName: 'search' });
      await expect(failed).rejects.toMatchObject({ name: 'TooManyRequestsException', message: 'Cognito AdminRemoveUserFromGroup failed: TooManyRequestsException' });
      await expect(failed).rejects.not.toMatchObject({ message: expect.stringContaining('avery') });
    });
  });
});
