import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { sourceOf } from '#shared/audit';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { noticeStore } from './adapters/wiring';
import { RuleIdSchema } from './domain/rules';
import { noticesMute } from './routes';
import { setMute } from './use-cases/inbox';

const store = noticeStore();
export const MuteBodySchema = /* @__PURE__ */ lazy(() => z.strictObject({ rule: RuleIdSchema, muted: z.boolean() }));

/** POST /notices/mutes {rule, muted}: mutes (or unmutes) a rule for the caller, where it allows; audited NoticeMuted. */
export const handler = routeHandler(noticesMute, async (event) => json(200, await setMute(event.caller, parseJsonBody(event, MuteBodySchema), sourceOf(event), nowIso(), store)));
