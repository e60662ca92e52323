import * as z from 'zod/mini';
import { recordAudit, sourceOf } from '#shared/audit';
import { json, parseJsonBody, orElse, routeHandler } from '#shared/http';
import { TaskIdSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { ports, store } from './ports';
import { taskDecision } from './routes';
import { decideTaskFor } from './use-cases/api';

const DecisionBody = lazy(() =>
  z.object({
    choice: z.string().check(z.minLength(1)),
    comment: z.optional(z.string().check(z.maxLength(2000))),
  }),
);

/** POST /tasks/{taskId}/decision: decides a task the caller may decide, once, as its e-mailed link would. */
export const handler = routeHandler(
  taskDecision,
  async (event) => {
    const request = { caller: event.caller, source: sourceOf(event), taskId: event.params.taskId, body: () => parseJsonBody(event, DecisionBody) };
    return json(200, await decideTaskFor(request, { ...ports, store, audit: recordAudit }));
  },
  // A malformed id names no task: a 404, as for a missing one.
  { params: lazy(() => z.object({ taskId: orElse(z.optional(TaskIdSchema), undefined) })) },
);
