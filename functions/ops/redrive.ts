import { json, routeHandler } from '#shared/http';
import { executionIdOf, ExecutionIdParam, operatorOf, opsPorts } from './adapters/http';
import { opsRedrive } from './routes';
import { redriveAudited } from './use-cases/redrive';

/** POST /ops/executions/{id}/redrive: the execution runs again from where it stopped (409 unless it failed, timed out or was aborted). */
export const handler = routeHandler(opsRedrive, async (event) => json(200, await redriveAudited(opsPorts, executionIdOf(event.params), operatorOf(event))), { params: ExecutionIdParam });
