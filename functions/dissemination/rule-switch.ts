import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { sourceOf } from '#shared/audit';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { noticeStore } from './adapters/wiring';
import { disseminationRuleSwitch } from './routes';
import { ruleNamed, switchRule } from './use-cases/operate';

const store = noticeStore();
export const SwitchBodySchema = /* @__PURE__ */ lazy(() => z.strictObject({ enabled: z.boolean(), reason: z.string().check(z.trim(), z.minLength(3, 'must say why, in at least 3 characters'), z.maxLength(300)) }));

/** POST /dissemination/rules/{ruleId}/switch {enabled, reason}: a rule off or on from the next event; audited. */
export const handler = routeHandler(disseminationRuleSwitch, async (event) => {
  // The rule first: a path that names none is a 404 whatever the body.
  const rule = ruleNamed(event.params['ruleId']);
  return json(200, await switchRule(rule.id, parseJsonBody(event, SwitchBodySchema), { username: event.caller.username, source: sourceOf(event) }, nowIso(), store));
});
