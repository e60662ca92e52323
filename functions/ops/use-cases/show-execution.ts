import { AppError } from '#shared/errors';
import type { ExecutionDetail } from '../contract';
import { showExecution, type OpsPorts } from '../domain/operations';
import { auditSubject } from '../domain/workflows';
import { AuditSubject, opsAudit, type Operator, type RecordAudit } from './audit';

/**
 * One execution's timeline (showExecution), its data redacted unless the operator reveals it.
 * A read is audited as ExecutionRead, a reveal as its own ExecutionDataRevealed; a miss (404) too.
 */
export async function showExecutionAudited(ports: { readonly ops: OpsPorts; readonly audit: RecordAudit }, id: string, reveal: boolean, operator: Operator): Promise<ExecutionDetail> {
  const audit = opsAudit(ports.audit, operator);
  const type = reveal ? 'ExecutionDataRevealed' : 'ExecutionRead';
  try {
    const detail = await showExecution(ports.ops, id, reveal ? 'reveal' : 'redact');
    await audit(type, auditSubject(detail.subject, detail.executionArn), 'success', { executionArn: detail.executionArn, revealed: reveal });
    return detail;
  } catch (error) {
    if (error instanceof AppError && error.statusCode === 404) await audit(type, AuditSubject.of('execution', id), 'failure', { reason: 'not found' });
    throw error;
  }
}
