import { z } from 'zod';
import { AuditSubject, recordAudit } from '#shared/audit';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { customizeToken, isClientCredentials, TokenRefused } from './claims';

/** A string kept to its first `max` characters: a long user agent is recorded in part, never refused. */
const clipped = (max: number) => z.string().transform((s) => s.slice(0, max)).optional();

/** Cognito's pre-token-generation event (trigger version V3_0: people and machine clients). */
const EventSchema = z.looseObject({
  triggerSource: z.string().min(1),
  userName: z.string().default(''),
  callerContext: z.looseObject({ clientId: z.string().default('') }),
  request: z.looseObject({
    userAttributes: z.record(z.string(), z.string()).default({}),
    groupConfiguration: z.looseObject({ groupsToOverride: z.array(z.string()).default([]) }).default({ groupsToOverride: [] }),
    scopes: z.array(z.string()).default([]),
  }),
  /**
   * The embedded runtime's token endpoint adds where the request came from. Cognito's V3 event has
   * no source address (only the client's own `clientMetadata`, which it may set to anything); in
   * AWS the source of a sign-in is in CloudTrail and Cognito's user auth events.
   */
  localSource: z.object({ ip: clipped(64), userAgent: clipped(256) }).optional(),
});

/**
 * The Cognito pre-token-generation trigger: every sign-in, refresh and client-credentials grant
 * passes here before Cognito issues a token. It shapes the access token (claims.ts) and records
 * the logon in the audit trail (CJIS AU-2): success, or a refusal when a machine client is
 * misconfigured. Cognito itself refuses bad passwords and secrets before this runs; those
 * failures are in Cognito's own logs and CloudTrail, not here.
 */
export const handler = taskHandler(EventSchema, async (event) => {
  const request = {
    triggerSource: event.triggerSource,
    userName: event.userName,
    clientId: event.callerContext.clientId,
    userAttributes: event.request.userAttributes,
    groups: event.request.groupConfiguration.groupsToOverride,
    scopes: event.request.scopes,
  };
  const type = event.triggerSource === 'TokenGeneration_RefreshTokens' ? 'TokenRefreshed' : 'Logon';
  const details = { trigger: event.triggerSource, clientId: request.clientId };
  try {
    const custom = customizeToken(request);
    await recordAudit({ type, outcome: 'success', actor: custom.actor, component: 'cognito', subject: AuditSubject.of('identity', custom.actor), source: event.localSource, details });
    return {
      ...event,
      response: {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { claimsToAddOrOverride: custom.claims, scopesToAdd: [...custom.scopesToAdd] },
        },
      },
    };
  } catch (error) {
    if (!(error instanceof TokenRefused)) throw error;
    const actor = isClientCredentials(event.triggerSource) ? `client:${request.clientId}` : request.userName;
    await recordAudit({ type, outcome: 'failure', actor, component: 'cognito', subject: AuditSubject.of('identity', actor), source: event.localSource, details: { ...details, reason: error.message } });
    logger.warn('token refused', { actor, reason: error.message });
    throw error;
  }
});
