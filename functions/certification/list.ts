import { z } from 'zod';
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

const env = loadEnv({ TABLE_NAME: nonEmpty, CURSOR_KEY_SECRET_ID: nonEmpty });
const ports = { store: new CertificationStore(env.TABLE_NAME), cursors: new Cursors(secretCursorKeys(env.CURSOR_KEY_SECRET_ID)), audit: recordAudit, now: nowIso };

const ListQuery = z.object({
  status: z.enum(CERTIFICATION_STATUSES, { message: `must be one of: ${CERTIFICATION_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** GET /search-certifications?status=&limit=&nextToken=: one page, newest first. */
export const handler = routeHandler(certificationList, async (event) => {
  const q = parseWith(ListQuery, event.queryStringParameters ?? {});
  return json(200, await listCertifications(ports, { ...q, nextToken: cursorParam(event.queryStringParameters).token }, actingOf(event)));
});
