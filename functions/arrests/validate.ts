import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { PacketStepInputSchema, packetStep } from './domain/packet';
import { env, store } from './ports';
import { validate } from './use-cases/validate';

/** Step 2: checks the packet's business rules; rejects it, or hands the clerk's review what it needs. */
export const handler = taskHandler(PacketStepInputSchema, (input) =>
  validate(packetStep(input), {
    store,
    announce: (packet, detail) => publishStatusEvent(env.EVENT_BUS_NAME, packet, detail),
    now,
  }),
);
