import * as z from 'zod/mini';
import { seal } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { env, store } from './ports';
import { awaitAdjudication } from './use-cases/await-adjudication';

export { AlreadyAdjudicated } from './use-cases/await-adjudication';

const keys = loadEnv({ TASK_TOKEN_KEY_ID: nonEmpty });

const id = z.string().check(z.minLength(1));
const Input = z.object({
  taskToken: z.string().check(z.minLength(1)),
  executionArn: z.string().check(z.minLength(1)),
  packetId: z.string().check(z.minLength(1)),
  version: z.number().check(z.int(), z.positive()),
  /** The wait's generation, and on the first wait what makes the packet AVAILABLE (StartAdjudicationWait). */
  wait: z.object({
    generation: z.number().check(z.int(), z.positive()),
    available: z.optional(z.object({ docketNumber: id, agencyNotifiedAt: id, ori: id, incidentNumber: id })),
  }),
});

/**
 * Step 7's long wait: registers this execution, its token sealed with KMS, as the one waiting for
 * the adjudication; the first wait makes the packet AVAILABLE in the same write and publishes it.
 */
export const handler = taskHandler(Input, ({ wait, ...input }) =>
  awaitAdjudication({ ...input, ...wait }, {
    store,
    seal: (token, packetId) => seal(keys.TASK_TOKEN_KEY_ID, token, { purpose: 'adjudication-token', packetId }),
    announce: (packet, detail) => publishStatusEvent(env.EVENT_BUS_NAME, packet, detail),
    now: nowIso,
  }),
);
