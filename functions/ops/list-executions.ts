import * as z from 'zod/mini';
import { coercedNumber } from '#shared/formats';
import { Cursors, cursorParam, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { lazy } from '#shared/lazy';
import { duration, flag, operatorOf, opsPorts } from './adapters/http';
import { EXECUTION_STATUSES, WORKFLOWS } from './contract';
import { opsListExecutions } from './routes';
import { listExecutionsAudited } from './use-cases/list-executions';

const ports = { ...opsPorts, cursors: new Cursors(secretCursorKeys(loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty }).CURSOR_KEY_SECRET_ID)) };

const ListQuery = lazy(() =>
  z.object({
    workflow: z.optional(z.enum(WORKFLOWS)),
    status: z.optional(z.enum(EXECUTION_STATUSES)),
    since: z.optional(duration),
    stuck: z.optional(flag),
    limit: z._default(coercedNumber().check(z.int(), z.gte(1), z.lte(100)), 20),
  }),
);

/** GET /ops/executions?workflow=&status=&since=&stuck=&limit=&nextToken=: one page of executions, audited. */
export const handler = routeHandler(opsListExecutions, async (event) => {
  const q = parseWith(ListQuery, event.queryStringParameters ?? {});
  return json(200, await listExecutionsAudited(ports, { ...q, cursor: cursorParam(event.queryStringParameters) }, event.caller, operatorOf(event)));
});
