import type { LocalClients } from './clients';
import type { JsonService } from './edge';

/** An error as Cognito's JSON protocol names it (`__type`), which the SDK maps to its exception class. */
const cognitoError = (type: string, message: string) => Object.assign(new Error(message), { type });

interface Scope {
  readonly ScopeName: string;
  readonly ScopeDescription: string;
}

/**
 * The part of Cognito's user-pool API (`AWSCognitoIdentityProviderService.*` on the edge) that an
 * agency's provisioning calls (functions/agencies/adapters/cognito.ts): the resource server's
 * scopes, read and replaced, and a machine client made with the client-credentials grant, which
 * the local issuer's token endpoint then accepts like the RMS clients the runtime makes itself
 * (clients.ts). One pool, whose id is whatever the `userPool` ref resolves to locally.
 */
export class LocalUserPoolApi implements JsonService {
  private scopes: Scope[] = [];

  /** @param clients the issuer's machine clients, once the API that holds them has started */
  constructor(private readonly clients: () => LocalClients | undefined) {}

  async handle(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const identifier = String(body['Identifier'] ?? '');
    switch (operation) {
      case 'DescribeResourceServer':
        return { ResourceServer: { UserPoolId: body['UserPoolId'], Identifier: identifier, Name: `${identifier}-api`, Scopes: this.scopes } };
      case 'UpdateResourceServer': {
        const scopes = Array.isArray(body['Scopes']) ? (body['Scopes'] as Scope[]) : [];
        if (scopes.length > 100) throw cognitoError('LimitExceededException', 'A resource server holds at most 100 custom scopes');
        this.scopes = scopes.map((s) => ({ ScopeName: String(s.ScopeName), ScopeDescription: String(s.ScopeDescription) }));
        return { ResourceServer: { UserPoolId: body['UserPoolId'], Identifier: identifier, Name: body['Name'], Scopes: this.scopes } };
      }
      case 'CreateUserPoolClient': {
        const clients = this.clients();
        if (!clients) throw cognitoError('InternalErrorException', 'The local issuer is starting');
        const flows = Array.isArray(body['AllowedOAuthFlows']) ? body['AllowedOAuthFlows'] : [];
        if (body['GenerateSecret'] !== true || !flows.includes('client_credentials')) throw cognitoError('InvalidParameterException', 'The embedded runtime makes machine clients only: GenerateSecret true and the client_credentials flow');
        const scopes = (Array.isArray(body['AllowedOAuthScopes']) ? body['AllowedOAuthScopes'] : []).map(String);
        const { clientId, clientSecret } = clients.addClient(String(body['ClientName'] ?? 'client'), scopes);
        return { UserPoolClient: { UserPoolId: body['UserPoolId'], ClientName: body['ClientName'], ClientId: clientId, ClientSecret: clientSecret, AllowedOAuthFlows: flows, AllowedOAuthScopes: scopes } };
      }
      default:
        throw cognitoError('UnknownOperationException', `The embedded runtime does not serve the operation AWSCognitoIdentityProviderService.${operation.replace(/[^A-Za-z0-9]/g, '').slice(0, 80)}`);
    }
  }
}
