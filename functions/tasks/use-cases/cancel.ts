import { AuditSubject } from '#shared/audit';
import type { TaskPorts } from '../domain/use-cases';

/** The execution statuses that leave a human task nobody will wait for (a success closes its own tasks). */
export const ENDED = ['ABORTED', 'FAILED', 'TIMED_OUT'] as const;
const hasEnded = (status: string | undefined): boolean => status !== undefined && (ENDED as readonly string[]).includes(status);

export interface CancelPorts {
  readonly store: Pick<TaskPorts['store'], 'get' | 'close'> & { forExecution(executionArn: string): Promise<string[]> };
  /** The execution's status as Step Functions has it now; undefined when there is no such execution. */
  readonly executionStatus: (executionArn: string) => Promise<string | undefined>;
  readonly warn: (message: string, fields: Record<string, string>) => void;
}

/** Why the task was cancelled, as its link's page says it. */
export function cancelReason(status: string): string {
  return `the workflow ${status === 'ABORTED' ? 'was stopped' : status === 'TIMED_OUT' ? 'timed out' : 'failed'}`;
}

/**
 * An execution ended: whatever human tasks it still had open are cancelled, so their links say so.
 * 1. only a stop, a failure or a time-out cancels (a success closes its own tasks);
 * 2. Step Functions itself must say the execution has ended: the event alone is not trusted (it
 *    may be late, after a redrive, or not from Step Functions at all), and its status is taken
 *    from there;
 * 3. each task still pending is closed as cancelled, and audited.
 */
export async function cancelTasks(event: { readonly executionArn: string; readonly status: string }, ports: CancelPorts): Promise<{ cancelled: number }> {
  if (!hasEnded(event.status)) return { cancelled: 0 };
  const status = await ports.executionStatus(event.executionArn);
  if (!status || !hasEnded(status)) {
    ports.warn('execution has not ended: no task cancelled', { executionArn: event.executionArn, eventStatus: event.status, executionStatus: status ?? 'none' });
    return { cancelled: 0 };
  }
  let cancelled = 0;
  for (const taskId of await ports.store.forExecution(event.executionArn)) {
    const stored = await ports.store.get(taskId);
    if (stored?.task.status !== 'PENDING') continue;
    const closed = await ports.store.close(taskId, 'PENDING', 'CANCELLED', cancelReason(status), {
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
}
