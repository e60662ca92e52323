import * as z from 'zod';
import { recordAudit, sourceOf } from '#shared/audit';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { TaskIdSchema } from '#shared/ids';
import { ports, store } from './ports';
import { taskDecision } from './routes';
import { decideTaskFor } from './use-cases/api';

const DecisionBody = z.object({
  choice: z.string().min(1),
  comment: z.string().max(2000).optional(),
});

/** POST /tasks/{taskId}/decision: decides a task the caller may decide, once, as its e-mailed link would. */
export const handler = routeHandler(
  taskDecision,
  async (event) => {
    const request = { caller: event.caller, source: sourceOf(event), taskId: event.params.taskId, body: () => parseJsonBody(event, DecisionBody) };
    return json(200, await decideTaskFor(request, { ...ports, store, audit: recordAudit }));
  },
  // A malformed id names no task: a 404, as for a missing one.
  { params: z.object({ taskId: TaskIdSchema.optional().catch(undefined) }) },
);
