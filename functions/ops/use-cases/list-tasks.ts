import type { PendingTaskList } from '../contract';
import { pendingTasks, type OpsPorts } from '../domain/operations';
import { AuditSubject, opsAudit, type Operator, type RecordAudit } from './audit';

/** The human tasks waiting (pendingTasks), oldest first; with `olderThan`, only those waiting longer. Audited with the count. */
export async function listTasksAudited(ports: { readonly ops: OpsPorts; readonly audit: RecordAudit }, olderThan: number | undefined, operator: Operator): Promise<PendingTaskList> {
  const body: PendingTaskList = { items: await pendingTasks(ports.ops, olderThan) };
  await opsAudit(ports.audit, operator)('PendingTasksListed', AuditSubject.of('tasks', 'pending'), 'success', { olderThanSeconds: olderThan ?? null, count: body.items.length });
  return body;
}
