import * as z from 'zod/mini';
import { AccessStore } from '#shared/adapters/access-store';
import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { NotFound } from '#shared/errors';
import { nowIso } from '#shared/time';
import { portalPageOf } from './adapters/http';
import { auditOf } from './domain/audit';
import { changeStatusWith } from './use-cases/change-status';
import type { AccessRequest, AccessStatus } from './domain/request';

export { auditOf };

export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  PUBLIC_API_URL: nonEmpty,
  CCHRS_UNIT_EMAIL: z.email(),
  ACCESS_MACHINE_ARN: optionalText,
  PORTAL_URL: optionalText,
});

/** The request's page in the portal, where e-mails about it lead (absent when the portal's address is not set). */
export const portalPage = env.PORTAL_URL ? portalPageOf(env.PORTAL_URL) : undefined;

export const store = new AccessStore(env.TABLE_NAME);
export const mailer = envMailer();

export async function loadRequest(requestId: string): Promise<AccessRequest> {
  const request = await store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  return request;
}


/** One status change with its audit event (use-cases/change-status.ts), on the table. */
export const changeStatus = (request: AccessRequest, from: readonly AccessStatus[], to: AccessStatus, actor: string, note?: string, fields: Partial<AccessRequest> = {}): Promise<AccessRequest> =>
  changeStatusWith({ store, now: nowIso }, request, from, to, actor, note, fields);
