import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { NotFound } from '#shared/errors';
import type { Caller } from '#shared/http';
import { wellFormedId } from '#shared/ids';
import type { Acting } from '../use-cases/ports';
import { portalPage } from '#shared/portal';
import { lazy } from '#shared/lazy';

/** The path's request id, or undefined when malformed: a malformed id names no request (404). */
export const RequestIdParam = /* @__PURE__ */ lazy(() => z.object({ requestId: z.pipe(z.optional(z.string()), z.transform((v) => wellFormedId('access-request', v))) }));

/** The path's request id; a malformed one is answered as a missing request (404). */
export function requestIdOf(params: z.infer<typeof RequestIdParam>): string {
  if (!params.requestId) throw new NotFound('No such access request');
  return params.requestId;
}

/** The caller and where the call came from, for the use case's audit records. */
export const actingOf = (event: APIGatewayProxyEvent & { caller: Caller }): Acting => ({ caller: event.caller, source: sourceOf(event) });

/** The link to a request's status, under the API's public URL. */
export const statusUrlOf = (publicApiUrl: string) => (requestId: string) => `${publicApiUrl}/access-requests/${requestId}`;

/** A request's page in the portal (`<PORTAL_URL>#/access-requests/<id>`), where e-mails about it lead. */
export const portalPageOf = (portalUrl: string) => (requestId: string) => portalPage(portalUrl, 'access-requests', requestId);
