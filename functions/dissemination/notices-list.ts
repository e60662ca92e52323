import { json, routeHandler } from '#shared/http';
import { noticeStore } from './adapters/wiring';
import { noticesList } from './routes';
import { listInbox } from './use-cases/inbox';

const store = noticeStore();

/** GET /notices: the caller's notices, newest first, less the rules they muted. */
export const handler = routeHandler(noticesList, async (event) => json(200, await listInbox(event.caller, store)));
