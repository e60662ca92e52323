import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishes, publishStatusEvent } from './adapters/events';
import { env, store } from './ports';

const id = z.string().check(z.minLength(1));
const version = z.number().check(z.int(), z.positive());
/**
 * What the status event says of the packet, carried by the execution from ValidatePacket's
 * answer (its input is ours: the packet as stored); absent for an execution started before the
 * workflow carried it, which then reads the packet for the event.
 */
const carried = { ori: z.optional(id), incidentNumber: z.optional(id) };
const Input = z.discriminatedUnion('to', [
  z.object({ to: z.literal('ACCEPTED'), packetId: id, version, decidedBy: id, ...carried }),
  z.object({ to: z.literal('RETURNED'), packetId: id, version, decidedBy: id, reason: id, ...carried }),
  z.object({ to: z.literal('REVIEW_TIMED_OUT'), packetId: id, version, ...carried }),
  z.object({ to: z.literal('AVAILABLE'), packetId: id, version, docketNumber: z.optional(id), agencyNotifiedAt: z.optional(id), ...carried }),
  z.object({ to: z.literal('HISTORICAL'), packetId: id, version, ...carried }),
]);

/**
 * The machine's plain status changes (accepted, returned, review timed out, available,
 * historical): one conditional write with its audit event, without reading the packet first
 * (the condition is the status it comes from and the execution's version), then the event on the
 * bus. Retried after it happened, it changes nothing and publishes again.
 */
export const handler = taskHandler(Input, async (input) => {
  const set: Record<string, string> = {};
  if ('decidedBy' in input) set['decidedBy'] = input.decidedBy;
  if ('reason' in input) set['returnReason'] = input.reason;
  if (input.to === 'AVAILABLE' && input.agencyNotifiedAt) set['agencyNotifiedAt'] = input.agencyNotifiedAt;
  const at = now().toISOString();
  await store.changeStatus({
    packetId: input.packetId,
    version: input.version,
    to: input.to,
    actor: 'decidedBy' in input ? input.decidedBy : 'system',
    set,
    details: 'reason' in input ? { reason: input.reason.slice(0, 2000) } : {},
    now: at,
  });
  if (!publishes(input.to)) return { status: input.to };
  const extra: Record<string, unknown> = {};
  if (input.to === 'ACCEPTED' || input.to === 'RETURNED') extra['decidedBy'] = input.decidedBy;
  if (input.to === 'RETURNED') extra['reason'] = input.reason;
  let subject = input.ori && input.incidentNumber ? { packetId: input.packetId, version: input.version, ori: input.ori, incidentNumber: input.incidentNumber, status: input.to, updatedAt: at } : undefined;
  let docketNumber = input.to === 'AVAILABLE' ? input.docketNumber : undefined;
  if (!subject || (input.to === 'AVAILABLE' && !docketNumber)) {
    const packet = await store.mustGet(input.packetId);
    subject ??= { ...packet, status: input.to, updatedAt: at };
    docketNumber ??= packet.docketNumber;
  }
  if (input.to === 'AVAILABLE') extra['docketNumber'] = docketNumber;
  await publishStatusEvent(env.EVENT_BUS_NAME, subject, extra);
  return { status: input.to };
});
