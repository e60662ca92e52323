import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  CreateUserPoolClientCommand,
  DescribeResourceServerCommand,
  UpdateResourceServerCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { API_SCOPE, oriScope, roleScope } from '../../auth/claims';
import type { RmsClients } from '../ports';

/** The resource server whose scopes the API and the machine clients name (`ciss`). */
const RESOURCE_SERVER = API_SCOPE.split('/')[0] ?? 'ciss';

/**
 * An agency's RMS machine client as a Cognito app client, made as the CDK stack makes those of
 * `rmsClients` (infra/aws/api.ts): the client-credentials grant with a secret, the API, the
 * agency-rms role and the agency's own scope (`ciss/ori.<ORI>`), added to the resource server
 * first when it lacks it; one-hour tokens. The same calls reach the local issuer through the
 * edge (infra/local/user-pool-api.ts). A failure is rethrown with the error's name only.
 */
export function cognitoRmsClients(userPoolId: string, client = new CognitoIdentityProviderClient({})): RmsClients {
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
      const scopeName = oriScope(ori).slice(RESOURCE_SERVER.length + 1);
      const described = await call('DescribeResourceServer', () => client.send(new DescribeResourceServerCommand({ UserPoolId: userPoolId, Identifier: RESOURCE_SERVER })));
      const scopes = described.ResourceServer?.Scopes ?? [];
      if (!scopes.some((s) => s.ScopeName === scopeName)) {
        await call('UpdateResourceServer', () =>
          client.send(
            new UpdateResourceServerCommand({
              UserPoolId: userPoolId,
              Identifier: RESOURCE_SERVER,
              Name: described.ResourceServer?.Name ?? RESOURCE_SERVER,
              Scopes: [...scopes, { ScopeName: scopeName, ScopeDescription: `Act for agency ${ori}` }],
            }),
          ),
        );
      }
      const out = await call('CreateUserPoolClient', () =>
        client.send(
          new CreateUserPoolClientCommand({
            UserPoolId: userPoolId,
            ClientName: `rms-${ori.toLowerCase()}`,
            GenerateSecret: true,
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['client_credentials'],
            AllowedOAuthScopes: [API_SCOPE, roleScope('agency-rms'), oriScope(ori)],
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
