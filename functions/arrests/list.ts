import { sourceOf } from '#shared/audit';
import { Cursors, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { store } from './ports';
import { listArrests } from './routes';
import { ListQuerySchema, listPackets, type ListPorts } from './use-cases/list';

const config = loadEnv({ PUBLIC_API_URL: nonEmpty, CURSOR_KEY_SECRET_ID: nonEmpty });

const ports: ListPorts = { store, cursors: new Cursors(secretCursorKeys(config.CURSOR_KEY_SECRET_ID)), apiUrl: config.PUBLIC_API_URL };

/** GET /arrests?status=&ori=&from=&to=&limit=&nextToken=: one page of the packets the caller may see. */
export const handler = routeHandler(listArrests, async (event) => {
  const query = parseWith(ListQuerySchema, event.queryStringParameters ?? {});
  return json(200, await listPackets({ caller: event.caller, source: sourceOf(event), query, parameters: event.queryStringParameters }, ports));
});
