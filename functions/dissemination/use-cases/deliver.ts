/**
 * Delivering a notice: its e-mail through SES, once, with retries; the portal shows it from the
 * moment it is written. A notice that fails its last attempt is FAILED, visible to operations,
 * who redrive it.
 */
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { noticeEmail } from '../domain/mail';
import { checkedRules, ruleOf, type Rule } from '../domain/rules';
import type { DeliveryPorts, NoticeRecord } from '../ports';

/** E-mail attempts before a notice is FAILED (each attempt's SES call has the SDK's own retries too). */
export const MAX_ATTEMPTS = 3;
/** Minutes to wait after failed attempt n (1, 2) before the next. */
export const BACKOFF_MINUTES = [5, 15] as const;
/** How long one attempt holds a notice before another may take it over (a crashed attempt). */
export const LEASE_SECONDS = 120;

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The audit record of a notice (CONTRACT: ids only: rule and version, event, the receiver's role and agency or court, never names). */
export function noticeAudit(type: 'NoticeSent' | 'NoticeFailed' | 'NoticeRedriven', notice: NoticeRecord, actor: string, extra: Readonly<Record<string, string | number>> = {}): AuditEvent {
  return {
    type,
    outcome: type === 'NoticeFailed' ? 'failure' : 'success',
    actor,
    component: 'dissemination',
    subject: AuditSubject.of('notice', notice.noticeId),
    details: {
      rule: notice.rule,
      ruleVersion: notice.ruleVersion,
      event: notice.event,
      packetId: notice.packetId,
      ...(notice.record ? { record: notice.record } : {}),
      recipientRole: notice.recipient.role,
      recipientKind: notice.recipient.kind,
      ...(notice.recipient.ori ? { agency: notice.recipient.ori } : {}),
      ...(notice.recipient.court ? { court: notice.recipient.court } : {}),
      ...extra,
    },
  };
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'not-due';

/**
 * One attempt at a notice's e-mail.
 * 1. claim the notice (due, or its last attempt's lease ran out); else another attempt has it or it is done
 * 2. e-mail the receiver the fields the notice holds (already cut to what their role may see)
 * 3. sent: SENT and NoticeSent, in one transaction
 * 4. failed: again after a backoff, or after the last attempt FAILED and NoticeFailed
 */
export async function deliverNotice(noticeId: string, ports: DeliveryPorts, rules: readonly Rule[] = checkedRules()): Promise<DeliveryOutcome> {
  const now = ports.now();
  const notice = await ports.store.claim(noticeId, now, plus(now, LEASE_SECONDS * 1000));
  if (!notice) return 'not-due';
  const rule = ruleOf(notice.rule, rules);
  try {
    const { messageId } = await ports.send(
      noticeEmail({
        noticeId,
        address: notice.recipient.address,
        rule: { id: notice.rule, version: notice.ruleVersion, title: notice.ruleTitle, mutable: rule?.mutable ?? false },
        packetId: notice.packetId,
        fields: notice.fields,
        ...(ports.portalUrl ? { portalUrl: ports.portalUrl } : {}),
      }),
    );
    await ports.store.markSent(notice, ports.now(), messageId, noticeAudit('NoticeSent', notice, 'system', { attempts: notice.attempts }));
    return 'sent';
  } catch (error) {
    // The error's name only: an SES message may echo the address.
    const name = error instanceof Error ? error.name : 'Error';
    if (notice.attempts >= MAX_ATTEMPTS) {
      await ports.store.markFailed(notice, ports.now(), name, noticeAudit('NoticeFailed', notice, 'system', { attempts: notice.attempts, error: name }));
      return 'failed';
    }
    const wait: number = BACKOFF_MINUTES[Math.min(notice.attempts, BACKOFF_MINUTES.length) - 1] ?? 15;
    await ports.store.retryLater(notice, plus(ports.now(), wait * 60_000), name);
    return 'retry';
  }
}

/** The retry schedule: every notice due by now, one attempt each. */
export async function deliverDue(ports: DeliveryPorts, limit = 100): Promise<Record<DeliveryOutcome, number>> {
  const counts: Record<DeliveryOutcome, number> = { sent: 0, retry: 0, failed: 0, 'not-due': 0 };
  for (const id of await ports.store.due(ports.now(), limit)) counts[await deliverNotice(id, ports)]++;
  return counts;
}
