import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { AccessStore } from '#shared/adapters/access-store';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { correlate } from '#shared/observability';
import { nowIso } from '#shared/time';
import { actingOf, statusUrlOf } from './adapters/http';
import { accessWorkflow } from './adapters/workflow';
import { NewAccessRequestSchema } from './domain/request';
import { accessCreate } from './routes';
import { createAccessRequest } from './use-cases/create';

const env = loadEnv({ TABLE_NAME: nonEmpty, PUBLIC_API_URL: nonEmpty, ACCESS_MACHINE_ARN: nonEmpty, CCHRS_UNIT_EMAIL: z.email() });
const ports = {
  store: new AccessStore(env.TABLE_NAME),
  start: accessWorkflow(env.ACCESS_MACHINE_ARN),
  now: nowIso,
  unitEmail: env.CCHRS_UNIT_EMAIL,
  newId: (at: string) => `AR-${at.slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`,
};
const statusUrl = statusUrlOf(env.PUBLIC_API_URL);

/** POST /access-requests: 202 for a new request, 200 for the same request sent again. */
export const handler = routeHandler(accessCreate, async (event) => {
  const created = await createAccessRequest(ports, parseJsonBody(event, NewAccessRequestSchema), actingOf(event));
  correlate({ accessRequestId: created.requestId });
  const { requestId, status, step } = created;
  return json(created.outcome === 'new' ? 202 : 200, { requestId, status, step, statusUrl: statusUrl(requestId) }, { Location: `/access-requests/${requestId}` });
});
