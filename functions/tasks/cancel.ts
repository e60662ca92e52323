import { z } from 'zod';
import { AuditSubject } from '#shared/audit';
import { executionStatus } from '#shared/adapters/workflow';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { store } from './ports';

const ENDED = ['ABORTED', 'FAILED', 'TIMED_OUT'] as const;

const StatusChange = z.object({
  source: z.literal('aws.states'),
  detail: z.object({ executionArn: z.string().min(1), status: z.enum(['ABORTED', 'FAILED', 'TIMED_OUT', 'SUCCEEDED', 'RUNNING']) }),
});

/**
 * An execution ended: whatever human tasks it still had open are cancelled, so their links say so.
 * 1. only a stop, a failure or a time-out cancels (a success closes its own tasks);
 * 2. Step Functions itself must say the execution has ended: the event alone is not trusted (it
 *    may be late, after a redrive, or not from Step Functions at all), and its status is taken
 *    from DescribeExecution;
 * 3. each task still pending is closed as cancelled, and audited.
 */
export const handler = taskHandler(StatusChange, async ({ detail }) => {
  if (!(ENDED as readonly string[]).includes(detail.status)) return { cancelled: 0 };
  const status = await executionStatus(detail.executionArn);
  if (!status || !(ENDED as readonly string[]).includes(status)) {
    logger.warn('execution has not ended: no task cancelled', { executionArn: detail.executionArn, eventStatus: detail.status, executionStatus: status ?? 'none' });
    return { cancelled: 0 };
  }
  let cancelled = 0;
  for (const taskId of await store.forExecution(detail.executionArn)) {
    const stored = await store.get(taskId);
    if (stored?.task.status !== 'PENDING') continue;
    const reason = `the workflow ${status === 'ABORTED' ? 'was stopped' : status === 'TIMED_OUT' ? 'timed out' : 'failed'}`;
    const closed = await store.close(taskId, 'PENDING', 'CANCELLED', reason, {
      type: 'TaskCancelled',
      outcome: 'success',
      actor: 'system',
      component: 'human-tasks',
      subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id),
      details: { taskId, executionStatus: status },
    });
    if (closed) cancelled++;
  }
  return { cancelled };
});
