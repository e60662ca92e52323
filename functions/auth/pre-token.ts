import { recordAudit } from '#shared/audit';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { preToken, PreTokenEventSchema } from './use-cases/pre-token';

/**
 * The Cognito pre-token-generation trigger: every sign-in, refresh and client-credentials grant
 * passes here before Cognito issues a token. It shapes the access token (claims.ts) and records
 * the logon in the audit trail (CJIS AU-2): success, or a refusal when a machine client is
 * misconfigured. Cognito itself refuses bad passwords and secrets before this runs; those
 * failures are in Cognito's own logs and CloudTrail, not here.
 */
export const handler = taskHandler(PreTokenEventSchema, (event) => preToken(event, { record: recordAudit, warn: (message, fields) => logger.warn(message, fields) }));
