import { sourceOf } from '#shared/audit';
import { json, routeHandler } from '#shared/http';
import { deliveryPorts } from './adapters/wiring';
import { disseminationRedrive } from './routes';
import { redriveNotice } from './use-cases/operate';

const ports = deliveryPorts();

/** POST /dissemination/failed-notices/{noticeId}/redrive: a failed notice tried again at once; audited NoticeRedriven. */
export const handler = routeHandler(disseminationRedrive, async (event) => json(200, await redriveNotice(event.params['noticeId'], { username: event.caller.username, source: sourceOf(event) }, ports)));
