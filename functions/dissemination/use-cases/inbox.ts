/**
 * A receiver's side: the notices addressed to them (by their e-mail address) or to their office
 * (their role, with their agency or courts), and muting a rule for themselves where it allows.
 */
import { AuditSubject, type AuditSource } from '#shared/audit';
import { NotFound, ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import { inboxKeysOf, NOTICE_ID, type NoticeField } from '../domain/notice';
import { checkedRules, ruleOf, type Rule } from '../domain/rules';
import type { NoticeRecord, NoticeStatus, NoticeStore } from '../ports';

export const INBOX_LIMIT = 50;

/** A notice as its receiver sees it: no addresses, no delivery internals beyond its e-mail status. */
export interface NoticeView {
  readonly noticeId: string;
  readonly rule: { readonly id: string; readonly version: number; readonly title: string; readonly mutable: boolean };
  readonly packetId: string;
  /** For a source's record event: the record it wrote (`<source>/<record id>`). */
  readonly record?: string;
  readonly createdAt: string;
  readonly email: NoticeStatus;
  readonly recipient: { readonly kind: 'office' | 'person'; readonly role: string; readonly agency?: string; readonly court?: string };
  readonly fields: readonly NoticeField[];
}

export interface InboxAnswer {
  readonly notices: readonly NoticeView[];
  /** Rules the caller muted. */
  readonly muted: readonly string[];
  /** Rules the caller may mute (they allow it, and may send to one of the caller's roles), for the page's switches. */
  readonly mutable: readonly { readonly id: string; readonly title: string }[];
}

export function viewOf(n: NoticeRecord, rules: readonly Rule[] = checkedRules()): NoticeView {
  return {
    noticeId: n.noticeId,
    rule: { id: n.rule, version: n.ruleVersion, title: n.ruleTitle, mutable: ruleOf(n.rule, rules)?.mutable ?? false },
    packetId: n.packetId,
    ...(n.record ? { record: n.record } : {}),
    createdAt: n.createdAt,
    email: n.status,
    recipient: { kind: n.recipient.kind, role: n.recipient.role, ...(n.recipient.ori ? { agency: n.recipient.ori } : {}), ...(n.recipient.court ? { court: n.recipient.court } : {}) },
    fields: n.fields,
  };
}

/** Whether the notice is the caller's: addressed to their address, or to an office audience they belong to. */
export function isFor(caller: Caller, n: NoticeRecord): boolean {
  if (caller.email && caller.email.toLowerCase() === n.recipient.address.toLowerCase()) return true;
  if (n.recipient.kind !== 'office') return false;
  const keys = inboxKeysOf(caller);
  const { role, ori, court } = n.recipient;
  const key = ori ? `role#${role}#${ori}` : court && role === 'court-clerk' ? `role#${role}#${court}` : `role#${role}`;
  return keys.includes(key);
}

/** GET /notices: the caller's notices, newest first, less the rules they muted. */
export async function listInbox(caller: Caller, store: Pick<NoticeStore, 'inbox' | 'mutes'>, rules: readonly Rule[] = checkedRules()): Promise<InboxAnswer> {
  const muted = caller.email ? await store.mutes(caller.email) : [];
  const notices = (await store.inbox(caller.email, inboxKeysOf(caller), INBOX_LIMIT)).filter((n) => !muted.includes(n.rule) && isFor(caller, n));
  // The rules the caller may mute: those that allow it and may send to one of their roles.
  const theirs = rules.filter((r) => r.mutable && r.recipients.some((x) => caller.roles.includes(x.role)));
  return { notices: notices.map((n) => viewOf(n, rules)), muted, mutable: theirs.map((r) => ({ id: r.id, title: r.title })) };
}

/** GET /notices/{noticeId}: one of the caller's notices; another's, a missing or a malformed id alike answer 404. */
export async function readNotice(caller: Caller, noticeId: string | undefined, store: Pick<NoticeStore, 'get'>, rules: readonly Rule[] = checkedRules()): Promise<NoticeView> {
  const notice = noticeId && NOTICE_ID.test(noticeId) ? await store.get(noticeId) : undefined;
  if (!notice || !isFor(caller, notice)) throw new NotFound(NOTICE_ID.test(noticeId ?? '') ? `No notice ${noticeId} for you` : 'No such notice');
  return viewOf(notice, rules);
}

/**
 * POST /notices/mutes {rule, muted}: the caller mutes (or unmutes) a rule's notices for themselves.
 * 1. the rule must exist and allow muting (400 naming the field and the rule otherwise)
 * 2. the caller needs an e-mail address (notices reach people by it)
 * 3. record it with NoticeMuted (ids only: the rule, muted or not; the actor is the caller)
 */
export async function setMute(caller: Caller, body: { rule: string; muted: boolean }, source: AuditSource, at: string, store: Pick<NoticeStore, 'setMute'>, rules: readonly Rule[] = checkedRules()): Promise<{ rule: string; muted: boolean }> {
  const rule = ruleOf(body.rule, rules);
  if (!rule) throw new ValidationFailed([{ field: 'rule', rule: "must name a dissemination rule (GET /dissemination/rules lists them)" }]);
  if (!rule.mutable) throw new ValidationFailed([{ field: 'rule', rule: `must be a rule that may be muted; ${rule.id} may not (its notices must reach their receiver)` }]);
  if (!caller.email) throw new ValidationFailed([{ field: 'email', rule: 'your token must carry an e-mail address: notices reach people by it' }]);
  await store.setMute(caller.email, rule.id, body.muted, at, {
    type: 'NoticeMuted',
    outcome: 'success',
    actor: caller.username,
    component: 'dissemination',
    subject: AuditSubject.of('dissemination-rule', rule.id),
    source,
    details: { rule: rule.id, ruleVersion: rule.version, muted: body.muted },
  });
  return { rule: rule.id, muted: body.muted };
}
