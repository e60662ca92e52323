import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoGroups } from './grants';
import { CLIENT_CONFIG, lazyClient } from '#shared/clients/lazy';

/**
 * Cognito user pools' group membership: AdminAddUserToGroup and AdminRemoveUserFromGroup with
 * the SDK's client. A failure is rethrown with the error's name only (UserNotFoundException,
 * TooManyRequestsException...), which the step's Retry and Catch read; the answer's message,
 * which can name the user, is left out.
 */
export function cognitoGroups(client: CognitoIdentityProviderClient = lazyClient(() => new CognitoIdentityProviderClient(CLIENT_CONFIG))): CognitoGroups {
  async function call(action: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      const name = error instanceof CognitoIdentityProviderServiceException ? error.name : 'CognitoError';
      throw Object.assign(new Error(`Cognito ${action} failed: ${name}`), { name });
    }
  }
  return {
    addUserToGroup: ({ userPoolId, username, groupName }) =>
      call('AdminAddUserToGroup', () => client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: groupName }))),
    removeUserFromGroup: ({ userPoolId, username, groupName }) =>
      call('AdminRemoveUserFromGroup', () => client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: groupName }))),
  };
}
