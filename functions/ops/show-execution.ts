import * as z from 'zod/mini';
import { json, parseWith, routeHandler } from '#shared/http';
import { lazy } from '#shared/lazy';
import { executionIdOf, ExecutionIdParam, flag, operatorOf, opsPorts } from './adapters/http';
import { opsShowExecution } from './routes';
import { showExecutionAudited } from './use-cases/show-execution';

const ShowQuery = lazy(() => z.object({ reveal: z.optional(flag) }));

/** GET /ops/executions/{id}?reveal=true: one execution's timeline, redacted unless revealed; audited either way. */
export const handler = routeHandler(
  opsShowExecution,
  async (event) => {
    const id = executionIdOf(event.params);
    const reveal = parseWith(ShowQuery, event.queryStringParameters ?? {}).reveal === true;
    return json(200, await showExecutionAudited(opsPorts, id, reveal, operatorOf(event)));
  },
  { params: ExecutionIdParam },
);
