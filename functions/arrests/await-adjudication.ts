import * as z from 'zod';
import { seal } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { store } from './ports';
import { awaitAdjudication } from './use-cases/await-adjudication';

export { AlreadyAdjudicated } from './use-cases/await-adjudication';

const keys = loadEnv({ TASK_TOKEN_KEY_ID: nonEmpty });

const Input = z.object({
  taskToken: z.string().min(1),
  executionArn: z.string().min(1),
  packetId: z.string().min(1),
  version: z.number().int().positive(),
  generation: z.number().int().positive(),
});

/** Step 7's long wait: registers this execution, its token sealed with KMS, as the one waiting for the adjudication. */
export const handler = taskHandler(Input, (input) =>
  awaitAdjudication(input, {
    store,
    seal: (token, packetId) => seal(keys.TASK_TOKEN_KEY_ID, token, { purpose: 'adjudication-token', packetId }),
    now: nowIso,
  }),
);
