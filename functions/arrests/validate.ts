import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { ArrestPacketSchema } from './domain/packet';
import { env, store } from './ports';
import { validate } from './use-cases/validate';

const id = z.string().check(z.minLength(1));
/** The execution's input: the packet as stored travels with it (absent for one too large to carry, or started before it carried it). */
const Input = lazy(() => z.object({ packetId: id, version: z.number().check(z.int(), z.positive()), packet: z.optional(ArrestPacketSchema), ori: z.optional(id), incidentNumber: z.optional(id) }));

/** Step 2: checks the packet's business rules; rejects it, or hands the clerk's review what it needs. */
export const handler = taskHandler(Input, ({ packetId, version, packet, ori, incidentNumber }) =>
  validate({ packetId, version, ...(packet && ori && incidentNumber ? { carried: { packet, ori, incidentNumber } } : {}) }, {
    store,
    announce: (packet, detail) => publishStatusEvent(env.EVENT_BUS_NAME, packet, detail),
    now,
  }),
);
