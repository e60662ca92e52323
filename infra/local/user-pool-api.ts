import { API_SCOPE, MACHINE_ROLES, roleScope } from '../../functions/auth/claims';
import type { LocalClients } from './clients';
import type { JsonService } from './edge';

/** An error as Cognito's JSON protocol names it (`__type`), which the SDK maps to its exception class. */
const cognitoError = (type: string, message: string) => Object.assign(new Error(message), { type });

/**
 * The scopes a client made through the API may hold: the resource server's as the stack declares
 * them for every client (the API, the machine roles). The agency scopes the stack declares for its
 * own RMS clients are theirs; a provisioned agency needs none (its ORI is the registry's).
 */
const DECLARED_SCOPES: readonly string[] = [API_SCOPE, ...MACHINE_ROLES.map(roleScope)];

/**
 * The part of Cognito's user-pool API (`AWSCognitoIdentityProviderService.*` on the edge) that an
 * agency's provisioning calls (functions/agencies/adapters/cognito.ts): a machine client made with
 * the client-credentials grant, which the local issuer's token endpoint then accepts like the RMS
 * clients the runtime makes itself (clients.ts). A scope the resource server does not declare is
 * refused as Cognito refuses it (ScopeDoesNotExistException); nothing here adds one. One pool,
 * whose id is whatever the `userPool` ref resolves to locally.
 */
export class LocalUserPoolApi implements JsonService {
  /** @param clients the issuer's machine clients, once the API that holds them has started */
  constructor(private readonly clients: () => LocalClients | undefined) {}

  async handle(operation: string, body: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateUserPoolClient': {
        const clients = this.clients();
        if (!clients) throw cognitoError('InternalErrorException', 'The local issuer is starting');
        const flows = Array.isArray(body['AllowedOAuthFlows']) ? body['AllowedOAuthFlows'] : [];
        if (body['GenerateSecret'] !== true || !flows.includes('client_credentials')) throw cognitoError('InvalidParameterException', 'The embedded runtime makes machine clients only: GenerateSecret true and the client_credentials flow');
        const scopes = (Array.isArray(body['AllowedOAuthScopes']) ? body['AllowedOAuthScopes'] : []).map(String);
        const unknown = scopes.find((s) => !DECLARED_SCOPES.includes(s));
        if (unknown !== undefined) throw cognitoError('ScopeDoesNotExistException', `Invalid scope requested: ${unknown.replace(/[^A-Za-z0-9/._-]/g, '').slice(0, 80)}`);
        const { clientId, clientSecret } = clients.addClient(String(body['ClientName'] ?? 'client'), scopes);
        return { UserPoolClient: { UserPoolId: body['UserPoolId'], ClientName: body['ClientName'], ClientId: clientId, ClientSecret: clientSecret, AllowedOAuthFlows: flows, AllowedOAuthScopes: scopes } };
      }
      default:
        throw cognitoError('UnknownOperationException', `The embedded runtime does not serve the operation AWSCognitoIdentityProviderService.${operation.replace(/[^A-Za-z0-9]/g, '').slice(0, 80)}`);
    }
  }
}
