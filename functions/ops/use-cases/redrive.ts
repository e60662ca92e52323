import { AppError } from '#shared/errors';
import type { RedriveResult } from '../contract';
import { redriveExecution, type OpsPorts } from '../domain/operations';
import { auditSubject } from '../domain/workflows';
import { AuditSubject, opsAudit, type Operator, type RecordAudit } from './audit';

/**
 * Redrives a failed, timed-out or aborted execution (redriveExecution), a privileged action:
 * audited whether it succeeds or not, a refusal with its reason (never an internal error's words).
 */
export async function redriveAudited(ports: { readonly ops: OpsPorts; readonly audit: RecordAudit }, id: string, operator: Operator): Promise<RedriveResult> {
  const audit = opsAudit(ports.audit, operator);
  try {
    const result = await redriveExecution(ports.ops, id);
    await audit('ExecutionRedriven', auditSubject(result.execution.subject, result.execution.executionArn), 'success', { executionArn: result.execution.executionArn });
    return result;
  } catch (error) {
    const reason = error instanceof AppError && error.statusCode < 500 ? error.message.slice(0, 300) : 'error';
    await audit('ExecutionRedriven', AuditSubject.of('execution', id), 'failure', { reason });
    throw error;
  }
}
