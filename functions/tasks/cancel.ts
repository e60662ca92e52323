import * as z from 'zod/mini';
import { executionStatus } from '#shared/adapters/workflow';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { store } from './ports';
import { cancelTasks } from './use-cases/cancel';
import { lazy } from '#shared/lazy';

/** Step Functions' "Execution Status Change" event, as the rule delivers it. */
const StatusChange = /* @__PURE__ */ lazy(() => z.object({
  source: z.literal('aws.states'),
  detail: z.object({ executionArn: z.string().check(z.minLength(1)), status: z.enum(['ABORTED', 'FAILED', 'TIMED_OUT', 'SUCCEEDED', 'RUNNING']) }),
}));

/** An execution ended: the human tasks it still had open are cancelled, once Step Functions confirms the end. */
export const handler = taskHandler(StatusChange, ({ detail }) => cancelTasks(detail, { store, executionStatus, warn: (message, fields) => logger.warn(message, fields) }));
