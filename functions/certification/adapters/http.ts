import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { NotFound } from '#shared/errors';
import type { Caller } from '#shared/http';
import { CertificationIdSchema } from '../domain/certification';
import type { Acting } from '../ports';
import { lazy } from '#shared/lazy';

/** The path's certification id, or undefined when malformed: a malformed id names no certification (404). */
export const CertificationIdParam = /* @__PURE__ */ lazy(() => z.object({ certificationId: z.pipe(z.optional(z.string()), z.transform((v) => (v !== undefined && CertificationIdSchema.safeParse(v).success ? v : undefined))) }));

export function certificationIdOf(params: z.infer<typeof CertificationIdParam>): string {
  if (!params.certificationId) throw new NotFound('No such CISS Search certification');
  return params.certificationId;
}

export const actingOf = (event: APIGatewayProxyEvent & { caller: Caller }): Acting => ({ caller: event.caller, source: sourceOf(event) });
