import * as z from 'zod';

/** Published by the diagnostics machine when a run has gone through every step. */
export const DiagnosticsCompleted = {
  source: 'ciss.diagnostics',
  detailType: 'DiagnosticsCompleted',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    runId: z.string().min(1),
    attempts: z.number().int().positive(),
    reportMessageId: z.string().min(1),
  }),
} as const;
export type DiagnosticsCompletedDetail = z.infer<typeof DiagnosticsCompleted.detail>;
