import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { runs } from './ports';
import { check } from './use-cases/check';

export { DiagnosticsTransientError } from './use-cases/check';

const Input = z.object({
  runId: z.string().check(z.minLength(1)),
  failuresBeforeSuccess: z._default(z.number().check(z.int(), z.gte(0), z.lte(100)), 0),
});

/** The run's check: fails transiently as often as asked, to prove the machine's Retry. */
export const handler = taskHandler(Input, (input) => check(input, { countAttempt: (runId) => runs.countCheckAttempt(runId), now: nowIso }));
