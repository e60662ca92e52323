import { json, routeHandler } from '#shared/http';
import { noticeStore } from './adapters/wiring';
import { disseminationRules } from './routes';
import { listRules } from './use-cases/operate';

const store = noticeStore();

/** GET /dissemination/rules: the rules as data, each with its switch. */
export const handler = routeHandler(disseminationRules, async () => json(200, await listRules(store)));
