import * as z from 'zod/mini';
import type { TransactItems } from '#shared/adapters/transactions';
import type { AuditEvent } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { publishStatusEvent } from './adapters/events';
import type { PacketStore } from './adapters/packet-store';

/** The one status change a human step of the arrest workflow stands for: the clerk's review opens VALIDATED. */
const ClerkReviewChange = z.object({
  from: z.tuple([z.literal('RECEIVED')]),
  to: z.literal('VALIDATED'),
  version: z.number().check(z.int(), z.positive()),
  set: z.strictObject({ warnings: z.array(z.object({ field: z.string().check(z.maxLength(200)), rule: z.string().check(z.maxLength(2000)) })).check(z.maxLength(100)) }),
});

type StatusChange = { readonly from: readonly string[]; readonly to: string; readonly version?: number | undefined; readonly set?: Readonly<Record<string, unknown>> | undefined };

/**
 * The packet's status change that goes in the same transaction as the clerk's review task
 * (tasks-notify), with its audit event, written once:
 * 1. a newer version of the packet: StaleVersion (the workflow's Catch ends this execution)
 * 2. the packet already VALIDATED (a reminder, a retried step): nothing to write
 * 3. RECEIVED: the conditional update (status, version, warnings) and its ArrestPacketValidated audit
 * 4. anywhere else: InvalidTransition
 */
export async function arrestStatusWrite(store: PacketStore, packetId: string, change: StatusChange, updatedAt: string): Promise<{ items: TransactItems; audits: AuditEvent[] } | undefined> {
  const { to, version, set } = ClerkReviewChange.parse(change);
  const current = await store.get(packetId);
  if (!current) throw new NotFound(`No arrest packet ${packetId}`);
  const write = store.transitionWrite(current, { packetId, version, to, actor: 'system', set, details: { warnings: set.warnings.length }, now: updatedAt });
  return write && { items: write.items, audits: [write.audit] };
}

/**
 * After the task's transaction: the status event (ArrestPacketValidated), once per packet version.
 * The packet records which status and version it published for; a reminder or a retried step
 * finds it there and publishes nothing (a crash between publishing and recording it publishes
 * again: consumers key on packetId, packetVersion and status).
 */
export async function publishArrestStatus(store: PacketStore, busName: string, packetId: string, change: StatusChange): Promise<void> {
  const packet = await store.get(packetId);
  if (!packet || packet.status !== change.to || packet.version !== change.version) return;
  const published = `${packet.status}#${packet.version}`;
  if (packet.statusEventPublished === published) return;
  await publishStatusEvent(busName, packet, { warnings: packet.warnings ?? [] });
  await store.annotate(packetId, packet.version, { statusEventPublished: published }, { status: packet.status });
}
