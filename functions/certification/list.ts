import * as z from 'zod/mini';
import { coercedNumber } from '#shared/formats';
import { recordAudit } from '#shared/audit';
import { Cursors, cursorParam, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { nowIso } from '#shared/time';
import { json, parseWith, routeHandler } from '#shared/http';
import { actingOf } from './adapters/http';
import { CertificationStore } from './adapters/store';
import { CERTIFICATION_STATUSES } from './domain/certification';
import { certificationList } from './routes';
import { listCertifications } from './use-cases/read';
import { lazy } from '#shared/lazy';

const env = loadEnv({ TABLE_NAME: nonEmpty, CURSOR_KEY_SECRET_ID: nonEmpty });
const ports = { store: new CertificationStore(env.TABLE_NAME), cursors: new Cursors(secretCursorKeys(env.CURSOR_KEY_SECRET_ID)), audit: recordAudit, now: nowIso };

const ListQuery = /* @__PURE__ */ lazy(() => z.object({
  status: z.optional(z.enum(CERTIFICATION_STATUSES, { message: `must be one of: ${CERTIFICATION_STATUSES.join(', ')}` })),
  limit: z._default(coercedNumber().check(z.int(), z.gte(1), z.lte(100)), 25),
}));

/** GET /search-certifications?status=&limit=&nextToken=: one page, newest first. */
export const handler = routeHandler(certificationList, async (event) => {
  const q = parseWith(ListQuery, event.queryStringParameters ?? {});
  return json(200, await listCertifications(ports, { ...q, nextToken: cursorParam(event.queryStringParameters).token }, actingOf(event)));
});
