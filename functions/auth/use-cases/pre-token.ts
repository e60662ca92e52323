import * as z from 'zod/mini';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { customizeToken, isClientCredentials, TokenRefused, type TokenRequest } from '../claims';

/** A string kept to its first `max` characters: a long user agent is recorded in part, never refused. */
const clipped = (max: number) => z.optional(z.pipe(z.string(), z.transform((s) => s.slice(0, max))));

/** Cognito's pre-token-generation event (trigger version V3_0: people and machine clients). */
export const PreTokenEventSchema = z.looseObject({
  triggerSource: z.string().check(z.minLength(1)),
  userName: z._default(z.string(), ''),
  callerContext: z.looseObject({ clientId: z._default(z.string(), '') }),
  request: z.looseObject({
    userAttributes: z._default(z.record(z.string(), z.string()), {}),
    groupConfiguration: z._default(z.looseObject({ groupsToOverride: z._default(z.array(z.string()), []) }), { groupsToOverride: [] }),
    scopes: z._default(z.array(z.string()), []),
  }),
  /**
   * The embedded runtime's token endpoint adds where the request came from. Cognito's V3 event has
   * no source address (only the client's own `clientMetadata`, which it may set to anything); in
   * AWS the source of a sign-in is in CloudTrail and Cognito's user auth events.
   */
  localSource: z.optional(z.object({ ip: clipped(64), userAgent: clipped(256) })),
});
export type PreTokenEvent = z.infer<typeof PreTokenEventSchema>;

export interface PreTokenPorts {
  /** Writes one record of the audit trail. */
  readonly record: (event: AuditEvent) => Promise<void>;
  readonly warn: (message: string, fields: Record<string, string>) => void;
  /**
   * Records a person's sign-in (or refresh) on their account (functions/accounts): false when the
   * account was disabled or removed, and then no token is issued. Absent: nothing is recorded.
   */
  readonly signIn?: (signIn: { readonly accountId: string; readonly email: string; readonly ori?: string; readonly roles: readonly string[] }) => Promise<boolean>;
  /**
   * The agency the registry maps a machine client to (functions/agencies: one read by client
   * id), when it maps it. Absent: only the stack's agency scopes name an agency.
   */
  readonly agencyOfClient?: (clientId: string) => Promise<string | undefined>;
}

/** The event with Cognito's answer: the claims and scopes to add to the access token. */
export type PreTokenAnswer = PreTokenEvent & {
  response: { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: Readonly<Record<string, string>>; scopesToAdd: string[] } } };
};

/** What the token customization reads of Cognito's event. */
export function tokenRequestOf(event: PreTokenEvent): TokenRequest {
  return {
    triggerSource: event.triggerSource,
    userName: event.userName,
    clientId: event.callerContext.clientId,
    userAttributes: event.request.userAttributes,
    groups: event.request.groupConfiguration.groupsToOverride,
    scopes: event.request.scopes,
  };
}

/**
 * Every sign-in, refresh and client-credentials grant passes here before Cognito issues a token
 * (CJIS AU-2: each logon is audited).
 * 1. shape the access token (claims.ts: the API scope, agency, courts, e-mail); a machine
 *    client's agency is the registry's for its client id (a provisioned agency), else its one
 *    agency scope (a client the stack declares)
 * 2. a person's sign-in or refresh is recorded on their account (its last sign-in, the roles it
 *    carries); a disabled or removed account gets no token (TokenRefused)
 * 3. record the logon (or refresh) as a success, naming who, and answer Cognito with the claims
 * 4. a refused token (a misconfigured machine client): record the failure with its reason, warn,
 *    and let TokenRefused through, so Cognito refuses the request
 */
export async function preToken(event: PreTokenEvent, ports: PreTokenPorts): Promise<PreTokenAnswer> {
  const asked = tokenRequestOf(event);
  const registeredOri = isClientCredentials(event.triggerSource) && asked.clientId && ports.agencyOfClient ? await ports.agencyOfClient(asked.clientId) : undefined;
  const request: TokenRequest = registeredOri ? { ...asked, registeredOri } : asked;
  const type = event.triggerSource === 'TokenGeneration_RefreshTokens' ? 'TokenRefreshed' : 'Logon';
  const details = { trigger: event.triggerSource, clientId: request.clientId };
  try {
    const custom = customizeToken(request);
    if (custom.kind === 'user' && ports.signIn) {
      const attributes = request.userAttributes;
      const signedIn = await ports.signIn({ accountId: attributes['sub'] ?? request.userName, email: attributes['email'] ?? '', ori: attributes['custom:ori'], roles: request.groups });
      if (!signedIn) throw new TokenRefused(`The account of ${request.userName} has been disabled or removed`);
    }
    await ports.record({ type, outcome: 'success', actor: custom.actor, component: 'cognito', subject: AuditSubject.of('identity', custom.actor), source: event.localSource, details });
    return { ...event, response: { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: custom.claims, scopesToAdd: [...custom.scopesToAdd] } } } };
  } catch (error) {
    if (!(error instanceof TokenRefused)) throw error;
    const actor = isClientCredentials(event.triggerSource) ? `client:${request.clientId}` : request.userName;
    await ports.record({ type, outcome: 'failure', actor, component: 'cognito', subject: AuditSubject.of('identity', actor), source: event.localSource, details: { ...details, reason: error.message } });
    ports.warn('token refused', { actor, reason: error.message });
    throw error;
  }
}
