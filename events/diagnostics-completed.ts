import * as z from 'zod/mini';

/** Published by the diagnostics machine when a run has gone through every step. */
export const DiagnosticsCompleted = {
  source: 'ciss.diagnostics',
  detailType: 'DiagnosticsCompleted',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    runId: z.string().check(z.minLength(1)),
    attempts: z.number().check(z.int(), z.positive()),
    reportMessageId: z.string().check(z.minLength(1)),
  }),
} as const;
export type DiagnosticsCompletedDetail = z.infer<typeof DiagnosticsCompleted.detail>;
