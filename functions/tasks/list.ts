import { json, routeHandler } from '#shared/http';
import { now } from '#shared/time';
import { store } from './ports';
import { tasksList } from './routes';
import { pendingTasks } from './use-cases/api';

/** GET /tasks: the pending tasks the caller may decide. */
export const handler = routeHandler(tasksList, async (event) => json(200, { tasks: await pendingTasks(event.caller, { store, now }) }));
