import { AdminDisableUserCommand, AdminEnableUserCommand, AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient, CognitoIdentityProviderServiceException } from '@aws-sdk/client-cognito-identity-provider';
import { GrantStore, LOCAL_USER_POOL_ID } from '../../certification/adapters/grants';
import { roleGrantsOn } from '../../certification/adapters/wiring';
import type { Directory, RevokeGrants } from '../ports';
import { CLIENT_CONFIG, lazyClient } from '#shared/clients/lazy';

/**
 * Cognito in AWS: AdminDisableUser (no sign-in, and Cognito revokes the user's tokens for its own
 * APIs) and AdminUserGlobalSignOut (every refresh token revoked). People sign in by e-mail, so the
 * e-mail is the user name these calls take. A user Cognito does not know is no failure: there is
 * nothing to end. Other failures are rethrown with the error's name only (the message can name
 * the user). AdminEnableUser undoes AdminDisableUser for an account enabled again. In the embedded runtime nothing is called: the local issuer's pre-token trigger
 * reads the account record at every sign-in and refresh.
 */
export function directoryOn(userPoolId: string, client?: CognitoIdentityProviderClient): Directory {
  if (userPoolId === LOCAL_USER_POOL_ID) return { disable: () => Promise.resolve(), enable: () => Promise.resolve(), signOut: () => Promise.resolve() };
  const cognito = client ?? lazyClient(() => new CognitoIdentityProviderClient(CLIENT_CONFIG));
  async function call(action: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      const name = error instanceof CognitoIdentityProviderServiceException ? error.name : 'CognitoError';
      if (name === 'UserNotFoundException') return;
      throw Object.assign(new Error(`Cognito ${action} failed: ${name}`), { name });
    }
  }
  return {
    disable: (email) => call('AdminDisableUser', () => cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: email }))),
    enable: (email) => call('AdminEnableUser', () => cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: email }))),
    signOut: (email) => call('AdminUserGlobalSignOut', () => cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: email }))),
  };
}

/**
 * The grants a lifecycle gave (CISS Search's `search` role, functions/certification): each ACTIVE
 * one is suspended as the certification's lapse suspends it (the Cognito group removed in AWS),
 * so it is gone from the next token and the record says why.
 */
export function revokeGrantsOn(tableName: string, userPoolId: string): RevokeGrants {
  const store = new GrantStore(tableName);
  const grants = roleGrantsOn(tableName, userPoolId);
  return async (email, at, reason) => {
    const revoked: string[] = [];
    for (const grant of await store.of(email)) {
      if (grant.status !== 'ACTIVE') continue;
      await grants.suspend(email, grant.role, grant.certificationId, at, reason);
      revoked.push(grant.role);
    }
    return revoked;
  };
}
