/**
 * The unit's and operations' side: the rules in force with their switches, switching a rule off
 * (or on) without a deployment, the notices that failed, and redriving one.
 */
import { AuditSubject, type AuditSource } from '#shared/audit';
import { Conflict, NotFound } from '#shared/errors';
import { NOTICE_ID } from '../domain/notice';
import { RuleIdSchema, checkedRules, ruleOf, type Rule } from '../domain/rules';
import type { DeliveryPorts, NoticeStore, RuleSwitch } from '../ports';
import { deliverNotice, noticeAudit, type DeliveryOutcome } from './deliver';

/** The rule a path names: 404 for none (a malformed id is not echoed). */
export function ruleNamed(ruleId: string | undefined, rules: readonly Rule[] = checkedRules()): Rule {
  const wellFormed = RuleIdSchema.safeParse(ruleId).success;
  const rule = wellFormed && ruleId ? ruleOf(ruleId, rules) : undefined;
  if (!rule) throw new NotFound(wellFormed ? `No dissemination rule ${ruleId}` : 'No such dissemination rule');
  return rule;
}

export interface RuleView extends Rule {
  readonly enabled: boolean;
  /** The last switch, when the rule was ever switched. */
  readonly switched?: Omit<RuleSwitch, 'rule'>;
}

/** GET /dissemination/rules: each rule as data, with whether it is on now. */
export async function listRules(store: Pick<NoticeStore, 'switches'>, rules: readonly Rule[] = checkedRules()): Promise<{ rules: RuleView[] }> {
  const switches = new Map((await store.switches()).map((s) => [s.rule, s]));
  return {
    rules: rules.map((rule) => {
      const s = switches.get(rule.id);
      return { ...rule, enabled: s?.enabled ?? true, ...(s ? { switched: { enabled: s.enabled, reason: s.reason, by: s.by, at: s.at } } : {}) };
    }),
  };
}

/**
 * POST /dissemination/rules/{ruleId}/switch {enabled, reason}: read by every event from then on.
 * Audited DisseminationRuleSwitched (the rule, its version, on or off; the reason stays on the switch).
 */
export async function switchRule(ruleId: string | undefined, body: { enabled: boolean; reason: string }, by: { username: string; source: AuditSource }, at: string, store: Pick<NoticeStore, 'setSwitch'>, rules: readonly Rule[] = checkedRules()): Promise<RuleSwitch> {
  const rule = ruleNamed(ruleId, rules);
  const value: RuleSwitch = { rule: rule.id, enabled: body.enabled, reason: body.reason, by: by.username, at };
  await store.setSwitch(value, {
    type: 'DisseminationRuleSwitched',
    outcome: 'success',
    actor: by.username,
    component: 'dissemination',
    subject: AuditSubject.of('dissemination-rule', rule.id),
    source: by.source,
    details: { rule: rule.id, ruleVersion: rule.version, enabled: body.enabled },
  });
  return value;
}

/** A failed notice as operations see it: ids, the rule, the receiver's role and office, the attempts and the error; never its fields or address. */
export interface FailedNoticeView {
  readonly noticeId: string;
  readonly rule: string;
  readonly ruleVersion: number;
  readonly event: string;
  readonly packetId: string;
  readonly recipient: { readonly kind: string; readonly role: string; readonly agency?: string; readonly court?: string };
  readonly attempts: number;
  readonly failedAt?: string;
  readonly lastError?: string;
  readonly redrives: number;
}

/** GET /dissemination/failed-notices: the notices whose last attempt failed, newest first. */
export async function listFailed(store: Pick<NoticeStore, 'failed'>): Promise<{ notices: FailedNoticeView[] }> {
  const failed = await store.failed(100);
  return {
    notices: failed.map((n) => ({
      noticeId: n.noticeId,
      rule: n.rule,
      ruleVersion: n.ruleVersion,
      event: n.event,
      packetId: n.packetId,
      recipient: { kind: n.recipient.kind, role: n.recipient.role, ...(n.recipient.ori ? { agency: n.recipient.ori } : {}), ...(n.recipient.court ? { court: n.recipient.court } : {}) },
      attempts: n.attempts,
      ...(n.failedAt ? { failedAt: n.failedAt } : {}),
      ...(n.lastError ? { lastError: n.lastError } : {}),
      redrives: n.redrives ?? 0,
    })),
  };
}

/**
 * POST /dissemination/failed-notices/{noticeId}/redrive: a FAILED notice is due again, its attempts
 * reset (NoticeRedriven, the operator the actor), and one attempt is made at once.
 * 404 for no such notice, 409 for one that has not failed.
 */
export async function redriveNotice(noticeId: string | undefined, by: { username: string; source: AuditSource }, ports: DeliveryPorts): Promise<{ noticeId: string; outcome: DeliveryOutcome }> {
  const notice = noticeId && NOTICE_ID.test(noticeId) ? await ports.store.get(noticeId) : undefined;
  if (!notice) throw new NotFound(noticeId && NOTICE_ID.test(noticeId) ? `No notice ${noticeId}` : 'No such notice');
  const audit = { ...noticeAudit('NoticeRedriven', notice, by.username), source: by.source };
  if (notice.status !== 'FAILED' || !(await ports.store.redrive(notice, ports.now(), audit))) throw new Conflict(`Notice ${notice.noticeId} has not failed (it is ${notice.status}): only a failed notice is redriven`);
  return { noticeId: notice.noticeId, outcome: await deliverNotice(notice.noticeId, ports) };
}
