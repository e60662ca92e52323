import { json, routeHandler } from '#shared/http';
import { noticeStore } from './adapters/wiring';
import { noticesRead } from './routes';
import { readNotice } from './use-cases/inbox';

const store = noticeStore();

/** GET /notices/{noticeId}: one of the caller's notices (404 alike for another's, a missing or a malformed id). */
export const handler = routeHandler(noticesRead, async (event) => json(200, await readNotice(event.caller, event.params['noticeId'], store)));
