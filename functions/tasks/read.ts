import * as z from 'zod/mini';
import { recordAudit, sourceOf } from '#shared/audit';
import { json, orElse, routeHandler } from '#shared/http';
import { TaskIdSchema } from '#shared/ids';
import { now } from '#shared/time';
import { store } from './ports';
import { taskRead } from './routes';
import { readTaskFor } from './use-cases/api';
import { lazy } from '#shared/lazy';

/** GET /tasks/{taskId}: one task the caller may decide (404 for any other, audited). */
export const handler = routeHandler(
  taskRead,
  async (event) => json(200, await readTaskFor({ caller: event.caller, source: sourceOf(event), taskId: event.params.taskId }, { store, audit: recordAudit, now })),
  // A malformed id names no task: a 404, as for a missing one.
  { params: lazy(() => z.object({ taskId: orElse(z.optional(TaskIdSchema), undefined) })) },
);
