import * as z from 'zod/mini';
import { seal } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { store } from './ports';
import { awaitAdjudication } from './use-cases/await-adjudication';

export { AlreadyAdjudicated } from './use-cases/await-adjudication';

const keys = loadEnv({ TASK_TOKEN_KEY_ID: nonEmpty });

const Input = z.object({
  taskToken: z.string().check(z.minLength(1)),
  executionArn: z.string().check(z.minLength(1)),
  packetId: z.string().check(z.minLength(1)),
  version: z.number().check(z.int(), z.positive()),
  generation: z.number().check(z.int(), z.positive()),
});

/** Step 7's long wait: registers this execution, its token sealed with KMS, as the one waiting for the adjudication. */
export const handler = taskHandler(Input, (input) =>
  awaitAdjudication(input, {
    store,
    seal: (token, packetId) => seal(keys.TASK_TOKEN_KEY_ID, token, { purpose: 'adjudication-token', packetId }),
    now: nowIso,
  }),
);
