import * as z from 'zod/mini';
import { coercedNumber } from '#shared/formats';
import { AccessStore } from '#shared/adapters/access-store';
import { recordAudit } from '#shared/audit';
import { Cursors, cursorParam, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { actingOf, statusUrlOf } from './adapters/http';
import { ACCESS_STATUSES } from './domain/request';
import { accessList } from './routes';
import { listAccessRequests } from './use-cases/list';
import { lazy } from '#shared/lazy';

const env = loadEnv({ TABLE_NAME: nonEmpty, PUBLIC_API_URL: nonEmpty, CURSOR_KEY_SECRET_ID: nonEmpty });
const ports = { store: new AccessStore(env.TABLE_NAME), cursors: new Cursors(secretCursorKeys(env.CURSOR_KEY_SECRET_ID)), audit: recordAudit, statusUrl: statusUrlOf(env.PUBLIC_API_URL) };

const ListQuery = /* @__PURE__ */ lazy(() => z.object({
  status: z.optional(z.enum(ACCESS_STATUSES, { message: `must be one of: ${ACCESS_STATUSES.join(', ')}` })),
  ori: z.optional(z.string().check(z.maxLength(20))),
  limit: z._default(coercedNumber().check(z.int(), z.gte(1), z.lte(100)), 25),
}));

/** GET /access-requests?status=&ori=&limit=&nextToken=: one page, newest first (`cursor` is the older name of `nextToken`). */
export const handler = routeHandler(accessList, async (event) => {
  const q = parseWith(ListQuery, event.queryStringParameters ?? {});
  const cursor = cursorParam(event.queryStringParameters, 'cursor');
  return json(200, await listAccessRequests(ports, { ...q, cursor }, actingOf(event)));
});
