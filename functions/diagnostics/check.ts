import * as z from 'zod';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { runs } from './ports';
import { check } from './use-cases/check';

export { DiagnosticsTransientError } from './use-cases/check';

const Input = z.object({
  runId: z.string().min(1),
  failuresBeforeSuccess: z.number().int().min(0).max(100).default(0),
});

/** The run's check: fails transiently as often as asked, to prove the machine's Retry. */
export const handler = taskHandler(Input, (input) => check(input, { countAttempt: (runId) => runs.countCheckAttempt(runId), now: nowIso }));
