import { json, routeHandler } from '#shared/http';
import { noticeStore } from './adapters/wiring';
import { disseminationFailed } from './routes';
import { listFailed } from './use-cases/operate';

const store = noticeStore();

/** GET /dissemination/failed-notices: notices whose last e-mail attempt failed (ids and roles only). */
export const handler = routeHandler(disseminationFailed, async () => json(200, await listFailed(store)));
