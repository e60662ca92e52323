import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { env, store } from './ports';
import { validate } from './use-cases/validate';

const Input = z.object({ packetId: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.positive()) });

/** Step 2: checks the packet's business rules; rejects it, or hands the clerk's review what it needs. */
export const handler = taskHandler(Input, (input) =>
  validate(input, {
    store,
    announce: (packet, detail) => publishStatusEvent(env.EVENT_BUS_NAME, packet, detail),
    now,
  }),
);
