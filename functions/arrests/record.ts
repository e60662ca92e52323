import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { env, store } from './ports';

const Input = z.discriminatedUnion('to', [
  z.object({ to: z.literal('ACCEPTED'), packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()), decidedBy: z.string().check(z.minLength(1)) }),
  z.object({ to: z.literal('RETURNED'), packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()), decidedBy: z.string().check(z.minLength(1)), reason: z.string().check(z.minLength(1)) }),
  z.object({ to: z.literal('REVIEW_TIMED_OUT'), packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()) }),
  z.object({ to: z.literal('AVAILABLE'), packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()) }),
  z.object({ to: z.literal('HISTORICAL'), packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()) }),
]);

/**
 * The machine's plain status changes (accepted, returned, review timed out, available,
 * historical): one conditional write with its audit event, then the event on the bus.
 * Retried after it happened, it changes nothing and publishes again.
 */
export const handler = taskHandler(Input, async (input) => {
  const set: Record<string, string> = {};
  if ('decidedBy' in input) set['decidedBy'] = input.decidedBy;
  if ('reason' in input) set['returnReason'] = input.reason;
  const { packet } = await store.transition({
    packetId: input.packetId,
    version: input.version,
    to: input.to,
    actor: 'decidedBy' in input ? input.decidedBy : 'system',
    set,
    details: 'reason' in input ? { reason: input.reason.slice(0, 2000) } : {},
    now: now().toISOString(),
  });
  const extra: Record<string, unknown> = {};
  if (input.to === 'ACCEPTED' || input.to === 'RETURNED') extra['decidedBy'] = input.decidedBy;
  if (input.to === 'RETURNED') extra['reason'] = input.reason;
  if (input.to === 'AVAILABLE') extra['docketNumber'] = packet.docketNumber;
  await publishStatusEvent(env.EVENT_BUS_NAME, packet, extra);
  return { status: packet.status };
});
