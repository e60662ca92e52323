import { routeHandler, json } from '#shared/http';
import { nowIso } from '#shared/time';
import { health } from './routes';

/** GET /health: the service answers, and tells the caller who it thinks they are. */
export const handler = routeHandler(health, async (event) =>
  json(200, {
    status: 'ok',
    service: 'ciss-workflows',
    time: nowIso(),
    caller: { username: event.caller.username, roles: event.caller.roles, ori: event.caller.ori ?? null },
  }),
);
