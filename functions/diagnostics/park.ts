import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { runs } from './ports';
import { park } from './use-cases/park';

const Input = z.object({ runId: z.string().check(z.minLength(1)), taskToken: z.string().check(z.minLength(1)) });

/** The Lambda behind `.waitForTaskToken`: records that the run waits (the token's fingerprint only), then returns. */
export const handler = taskHandler(Input, (input) => park(input, { recordParked: (runId, fingerprint, at) => runs.recordParked(runId, fingerprint, at), now: nowIso }));
