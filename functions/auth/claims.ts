import { ROLES, type Role } from '#shared/roles';
import { COURTS_CLAIM, parseCourts } from '#shared/courts';

/**
 * What a token must carry to reach the API. Every token route of the REST API names this scope
 * (`authorizationScopes`), which makes API Gateway's Cognito authorizer accept *access* tokens
 * only: the one kind of token both people (after sign-in) and machine clients (OAuth client
 * credentials) can hold. Which role may call which route stays the handler's check (403).
 */
export const API_SCOPE = 'ciss/api';

/**
 * Roles a machine client can be granted, as scopes of its app client (`ciss/agency-rms`). People
 * get their roles from Cognito groups; no scope can make a client a unit or an auditor.
 */
export const MACHINE_ROLES = ['agency-rms', 'exam-provider'] as const satisfies readonly Role[];

/** Machine roles that act for one agency: a client holding one names exactly one ORI scope; any other names none. */
const AGENCY_MACHINE_ROLES: readonly Role[] = ['agency-rms'];

/** An agency's ORI: two letters, then seven letters or digits (e.g. CT0000100). */
export const ORI_PATTERN = /^[A-Z]{2}[A-Z0-9]{7}$/;

/**
 * The agency a machine client the stack declares acts for: exactly one `ciss/ori.<ORI>` scope on
 * its app client (infra/aws/api.ts `rmsClients`). An agency provisioned at run time holds no such
 * scope: the registry maps its client to its ORI (functions/agencies), and the trigger reads it.
 */
const ORI_SCOPE = new RegExp(`^ciss/ori\\.(${ORI_PATTERN.source.slice(1, -1)})$`);

export const roleScope = (role: Role): string => `ciss/${role}`;
export const oriScope = (ori: string): string => `ciss/ori.${ori}`;

/** Cognito's pre-token-generation input, as far as the customization reads it. */
export interface TokenRequest {
  readonly triggerSource: string;
  readonly userName: string;
  readonly clientId: string;
  readonly userAttributes: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  /** The scopes requested and granted (client credentials only). */
  readonly scopes: readonly string[];
  /**
   * The agency the registry maps this machine client to (an agency provisioned through
   * `POST /agencies/{ori}/rms-client`), when it maps it; client credentials only.
   */
  readonly registeredOri?: string;
}

/** What to add to the access token, and whom the audit trail names. */
export interface TokenCustomization {
  readonly kind: 'user' | 'client';
  readonly actor: string;
  readonly scopesToAdd: readonly string[];
  readonly claims: Readonly<Record<string, string>>;
}

/** The token must not be issued (Cognito answers the sign-in or token request with an error). */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

export const isClientCredentials = (triggerSource: string): boolean => triggerSource === 'TokenGeneration_ClientCredentials';

/**
 * The claims every access token of this system carries, from who asked for it:
 * - a person: the API scope (when they hold a role), their agency (`custom:ori`), the GA courts
 *   a court clerk acts for (`custom:courts`, written as a clean list) and e-mail — claims an
 *   access token lacks and the handlers need;
 * - a machine client (an agency's RMS): its agency from its one ORI scope, and only machine roles.
 */
export function customizeToken(request: TokenRequest): TokenCustomization {
  if (isClientCredentials(request.triggerSource)) {
    const oris = request.scopes.flatMap((s) => ORI_SCOPE.exec(s)?.[1] ?? []);
    const roles = MACHINE_ROLES.filter((role) => request.scopes.includes(roleScope(role)));
    const scopesToAdd = request.scopes.includes(API_SCOPE) ? [] : [API_SCOPE];
    if (!roles.length) {
      if (oris.length !== 1) throw new TokenRefused(`Client ${request.clientId} must hold exactly one agency scope (ciss/ori.<ORI>); it asked for ${oris.length}`);
      throw new TokenRefused(`Client ${request.clientId} holds no role scope (${MACHINE_ROLES.map(roleScope).join(', ')})`);
    }
    if (!roles.some((role) => AGENCY_MACHINE_ROLES.includes(role))) {
      // The exam provider acts for no agency: an agency scope beside it is a misconfiguration.
      if (oris.length) throw new TokenRefused(`Client ${request.clientId} acts for no agency and may hold no agency scope (ciss/ori.<ORI>); it asked for ${oris.length}`);
      return { kind: 'client', actor: `client:${request.clientId}`, scopesToAdd, claims: {} };
    }
    const ori = agencyOfClient(request, oris);
    return { kind: 'client', actor: `client:${request.clientId}`, scopesToAdd, claims: { 'custom:ori': ori } };
  }
  const roles = request.groups.filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  const claims: Record<string, string> = {};
  const ori = request.userAttributes['custom:ori'];
  if (ori) claims['custom:ori'] = ori;
  const courts = parseCourts(request.userAttributes[COURTS_CLAIM]);
  if (courts.length) claims[COURTS_CLAIM] = courts.join(',');
  // Users may change their own e-mail; only a verified one is trusted to route mail about cases.
  const email = request.userAttributes['email'];
  if (email && request.userAttributes['email_verified'] === 'true') claims['email'] = email;
  return { kind: 'user', actor: request.userName, scopesToAdd: roles.length ? [API_SCOPE] : [], claims };
}

/**
 * The one agency an RMS client acts for: the registry's (a provisioned agency, no scope needed)
 * or its one agency scope (a client the stack declares); both, they must agree.
 */
function agencyOfClient(request: TokenRequest, oris: readonly string[]): string {
  const registered = request.registeredOri;
  if (registered !== undefined) {
    if (!ORI_PATTERN.test(registered)) throw new TokenRefused(`Client ${request.clientId} is mapped to a malformed agency in the registry`);
    if (oris.some((o) => o !== registered)) throw new TokenRefused(`Client ${request.clientId} holds an agency scope that is not its agency in the registry`);
    return registered;
  }
  if (oris.length !== 1) throw new TokenRefused(`Client ${request.clientId} acts for no agency: the registry maps it to none (POST /agencies/{ori}/rms-client) and it must otherwise hold exactly one agency scope (ciss/ori.<ORI>); it asked for ${oris.length}`);
  return oris[0] ?? '';
}

/** Roles a machine client holds by its scopes (`scope` claim: space-separated). */
export function rolesFromScopes(scope: unknown): Role[] {
  const granted = typeof scope === 'string' ? scope.split(/\s+/) : [];
  return MACHINE_ROLES.filter((role) => granted.includes(roleScope(role)));
}
