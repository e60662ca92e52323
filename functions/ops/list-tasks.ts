import * as z from 'zod/mini';
import { json, parseWith, routeHandler } from '#shared/http';
import { lazy } from '#shared/lazy';
import { duration, operatorOf, opsPorts } from './adapters/http';
import { opsListTasks } from './routes';
import { listTasksAudited } from './use-cases/list-tasks';

const TasksQuery = lazy(() => z.object({ olderThan: z.optional(duration) }));

/** GET /ops/tasks?olderThan=: the human tasks waiting, oldest first; audited with the count. */
export const handler = routeHandler(opsListTasks, async (event) => {
  const q = parseWith(TasksQuery, event.queryStringParameters ?? {});
  return json(200, await listTasksAudited(opsPorts, q.olderThan, operatorOf(event)));
});
