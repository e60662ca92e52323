import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { recordAudit, sourceOf } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { orElse, type Caller } from '#shared/http';
import { lazy } from '#shared/lazy';
import { DURATION_RULE, parseDuration } from '../domain/duration';
import { ID_RULE } from '../domain/operations';
import { ports } from '../ports';
import type { Operator } from '../use-cases/audit';

/* The schemas below are built on first use (`lazy`): module load is paid at every cold start. */

/** The operations use cases' ports: Step Functions and the task table (ports.ts), and the audit trail. */
export const opsPorts = { ops: ports, audit: recordAudit };

/** `90s`, `15m`, `2h`, `1d` as seconds. */
export const duration = /* @__PURE__ */ lazy(() => z.pipe(z.string().check(z.maxLength(20), z.refine((v) => parseDuration(v) !== undefined, DURATION_RULE)), z.transform((v) => parseDuration(v) ?? 0)));
export const flag = /* @__PURE__ */ lazy(() => z.pipe(z.enum(['true', 'false']), z.transform((v) => v === 'true')));

/**
 * Path ids are names or ARNs (ours are far shorter; the domain checks their format). A malformed
 * one is answered as every API answers one, as a missing execution (404): undefined here.
 */
export const ExecutionIdParam = /* @__PURE__ */ lazy(() => z.object({ id: orElse(z.optional(z.string().check(z.minLength(1), z.maxLength(300))), undefined) }));

/** The path's execution id; an ARN may arrive percent-encoded (its colons), depending on the client. */
export function executionIdOf(params: z.infer<typeof ExecutionIdParam>): string {
  if (params.id === undefined) throw new NotFound(`No execution is known by that id: an id ${ID_RULE}`);
  try {
    return decodeURIComponent(params.id);
  } catch {
    return params.id;
  }
}

export const operatorOf = (event: APIGatewayProxyEvent & { caller: Caller }): Operator => ({ username: event.caller.username, source: sourceOf(event) });
