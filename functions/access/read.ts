import { AccessStore } from '#shared/adapters/access-store';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { now } from '#shared/time';
import { actingOf, RequestIdParam } from './adapters/http';
import { accessRead } from './routes';
import { readAccessRequest } from './use-cases/read';

const env = loadEnv({ TABLE_NAME: nonEmpty });
const ports = { store: new AccessStore(env.TABLE_NAME), audit: recordAudit, now };

/** GET /access-requests/{requestId}: the request and its timeline; another agency's reads as missing (404). */
export const handler = routeHandler(accessRead, async (event) => json(200, await readAccessRequest(ports, event.params.requestId, actingOf(event))), { params: RequestIdParam });
