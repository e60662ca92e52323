import * as z from 'zod/mini';
import type { TransactItems } from '#shared/adapters/transactions';
import type { AuditEvent } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import type { PacketStatusWrites } from './adapters/packet-store';

/** The one status change a human step of the arrest workflow stands for: the clerk's review opens VALIDATED. Built on first use (`lazy`). */
const ClerkReviewChange = lazy(() =>
  z.object({
    from: z.tuple([z.literal('RECEIVED')]),
    to: z.literal('VALIDATED'),
    version: z.number().check(z.int(), z.positive()),
    set: z.strictObject({ warnings: z.array(z.object({ field: z.string().check(z.maxLength(200)), rule: z.string().check(z.maxLength(2000)) })).check(z.maxLength(100)) }),
    /** The packet's ORI and incident number for its event, from ValidatePacket's answer (absent for an execution started before the workflow carried them). */
    about: z.optional(z.object({ ori: z.string().check(z.minLength(1)), incidentNumber: z.string().check(z.minLength(1)) })),
  }),
);

type StatusChange = {
  readonly from: readonly string[];
  readonly to: string;
  readonly version?: number | undefined;
  readonly set?: Readonly<Record<string, unknown>> | undefined;
  readonly about?: Readonly<Record<string, string>> | undefined;
};

/**
 * The packet's status change that goes in the same transaction as the clerk's review task
 * (tasks-notify), with its audit event, written once:
 * - `unread` (the review's first opening): RECEIVED → VALIDATED at the execution's version,
 *   without reading the packet, on condition that it is RECEIVED at that version: what a read
 *   would have checked (when it is not, the transaction fails and the step opens again reading)
 * - otherwise, from the packet as read:
 *   1. a newer version of the packet: StaleVersion (the workflow's Catch ends this execution)
 *   2. the packet already VALIDATED (a reminder, a retried step): nothing to write
 *   3. RECEIVED: the conditional update (status, version, warnings) and its ArrestPacketValidated audit
 *   4. anywhere else: InvalidTransition
 */
export async function arrestStatusWrite(store: PacketStatusWrites, packetId: string, change: StatusChange, updatedAt: string, options: { readonly unread?: boolean } = {}): Promise<{ items: TransactItems; audits: AuditEvent[] } | undefined> {
  const { to, version, set } = ClerkReviewChange.parse(change);
  const validated = { packetId, version, to, actor: 'system', set, details: { warnings: set.warnings.length }, now: updatedAt };
  const unread = options.unread ? store.unreadWrite(validated) : undefined;
  if (unread) return { items: unread.items, audits: [unread.audit] };
  const current = await store.get(packetId);
  if (!current) throw new NotFound(`No arrest packet ${packetId}`);
  const write = store.transitionWrite(current, validated);
  return write && { items: write.items, audits: [write.audit] };
}

/**
 * After the task's transaction: the status event (ArrestPacketValidated), from what the
 * execution carries of the packet. Published when this step made the change, and again when
 * the step's first opening was retried (it may have stopped after the transaction, before the
 * event: consumers key on packetId, packetVersion and status, so a repeat is harmless, a loss is
 * not); a reminder publishes nothing. Without the carried ORI and incident number (an execution
 * started before the workflow carried them), the packet is read for them.
 */
export async function publishArrestStatus(store: PacketStatusWrites, busName: string, packetId: string, change: StatusChange, how: { readonly changed: boolean; readonly reminder: number }): Promise<void> {
  if (!how.changed && how.reminder > 0) return;
  const { to, version, set, about } = ClerkReviewChange.parse(change);
  const packet = about ? undefined : await store.get(packetId);
  if (!about && (!packet || packet.status !== to || packet.version !== version)) return;
  const subject = { packetId, version, status: to, ori: about?.ori ?? packet?.ori ?? '', incidentNumber: about?.incidentNumber ?? packet?.incidentNumber ?? '', updatedAt: packet?.updatedAt ?? nowIso() };
  await publishStatusEvent(busName, subject, { warnings: set.warnings });
}
