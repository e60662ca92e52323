import { AccessStore } from '#shared/adapters/access-store';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { actingOf, requestIdOf, RequestIdParam } from './adapters/http';
import { accessUnlock } from './routes';
import { unlockAccount } from './use-cases/unlock';

const ports = { store: new AccessStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME), audit: recordAudit };

/** POST /access-requests/{requestId}/unlock: the unit ends a first-login lock early. */
export const handler = routeHandler(accessUnlock, async (event) => json(200, await unlockAccount(ports, requestIdOf(event.params), actingOf(event))), { params: RequestIdParam });
