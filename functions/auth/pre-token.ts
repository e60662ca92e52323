import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { nowIso } from '#shared/time';
import { AccountStore } from '../accounts/adapters/store';
import { DynamoAgencyStates } from '../agencies/adapters/store';
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
const table = loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME;
const accounts = new AccountStore(table);
const agencies = new DynamoAgencyStates(table);
const signIn = (s: { accountId: string; email: string; ori?: string; roles: readonly string[] }) => accounts.recordSignIn({ ...s, at: nowIso() });

export const handler = taskHandler(PreTokenEventSchema, (event) => preToken(event, { record: recordAudit, warn: (message, fields) => logger.warn(message, fields), signIn, agencyOfClient: (clientId) => agencies.agencyOfClient(clientId) }));
