import { AccessStore } from '#shared/adapters/access-store';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { actingOf, requestIdOf, RequestIdParam, statusUrlOf } from './adapters/http';
import { accessWorkflow } from './adapters/workflow';
import { accessReissue } from './routes';
import { reissueTemporaryPassword } from './use-cases/reissue';

const env = loadEnv({ TABLE_NAME: nonEmpty, PUBLIC_API_URL: nonEmpty, ACCESS_MACHINE_ARN: nonEmpty });
const ports = { store: new AccessStore(env.TABLE_NAME), start: accessWorkflow(env.ACCESS_MACHINE_ARN), now: nowIso };
const statusUrl = statusUrlOf(env.PUBLIC_API_URL);

/** POST /access-requests/{requestId}/reissue: 202 once the reissue execution has started. */
export const handler = routeHandler(
  accessReissue,
  async (event) => {
    const { requestId, status } = await reissueTemporaryPassword(ports, requestIdOf(event.params), actingOf(event));
    return json(202, { requestId, status, statusUrl: statusUrl(requestId) });
  },
  { params: RequestIdParam },
);
