import { CognitoIdentityProviderClient, CognitoIdentityProviderServiceException, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { API_SCOPE, roleScope } from '../../auth/claims';
import type { RmsClients } from '../ports';
import { CLIENT_CONFIG, lazyClient } from '#shared/clients/lazy';

/**
 * An agency's RMS machine client as a Cognito app client: the client-credentials grant with a
 * secret, the API and the agency-rms role as scopes, one-hour tokens. No agency scope: the
 * registry maps the client's id to its ORI (adapters/store.ts, in the provisioning's
 * transaction) and the pre-token trigger (functions/auth) puts it in each token. A scope per
 * agency would be added to a resource server CloudFormation owns (the next deploy drops it) and
 * meet Cognito's quota of 100 custom scopes per resource server, against 181 agencies. The same
 * call reaches the local issuer through the edge (infra/local/user-pool-api.ts). A failure is
 * rethrown with the error's name only.
 */
export function cognitoRmsClients(userPoolId: string, client: CognitoIdentityProviderClient = lazyClient(() => new CognitoIdentityProviderClient(CLIENT_CONFIG))): RmsClients {
  async function call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = error instanceof CognitoIdentityProviderServiceException ? error.name : 'CognitoError';
      throw Object.assign(new Error(`Cognito ${action} failed: ${name}`), { name });
    }
  }
  return {
    async create(ori) {
      const out = await call('CreateUserPoolClient', () =>
        client.send(
          new CreateUserPoolClientCommand({
            UserPoolId: userPoolId,
            ClientName: `rms-${ori.toLowerCase()}`,
            GenerateSecret: true,
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['client_credentials'],
            AllowedOAuthScopes: [API_SCOPE, roleScope('agency-rms')],
            ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
            AccessTokenValidity: 1,
            TokenValidityUnits: { AccessToken: 'hours' },
            PreventUserExistenceErrors: 'ENABLED',
          }),
        ),
      );
      const clientId = out.UserPoolClient?.ClientId;
      const clientSecret = out.UserPoolClient?.ClientSecret;
      if (!clientId || !clientSecret) throw Object.assign(new Error('Cognito CreateUserPoolClient answered no client id or secret'), { name: 'CognitoError' });
      return { clientId, clientSecret };
    },
  };
}
