import type { Cursors, CursorCaller } from '#shared/cursor';
import type { ExecutionPage, ExecutionStatus, Workflow } from '../contract';
import { ExecutionCursorSchema, listExecutions, type OpsPorts } from '../domain/operations';
import { AuditSubject, opsAudit, type Operator, type RecordAudit } from './audit';

export interface ListExecutionsPorts {
  readonly ops: OpsPorts;
  readonly cursors: Pick<Cursors, 'open' | 'seal'>;
  readonly audit: RecordAudit;
}

export interface ExecutionsQuery {
  readonly workflow?: Workflow;
  readonly status?: ExecutionStatus;
  readonly since?: number;
  readonly stuck?: boolean;
  readonly limit: number;
  readonly cursor: { readonly token?: string; readonly param: string };
}

/**
 * One page of executions (listExecutions, functions/ops/domain/operations.ts).
 * 1. the cursor is sealed and bound to the filters and the operator (400 otherwise)
 * 2. the listing is audited with its filters and count
 */
export async function listExecutionsAudited(ports: ListExecutionsPorts, q: ExecutionsQuery, caller: CursorCaller, operator: Operator): Promise<ExecutionPage> {
  const scope = { list: 'ops-executions', caller, query: { workflow: q.workflow, status: q.status, since: q.since, stuck: q.stuck } };
  const start = await ports.cursors.open(q.cursor.token, scope, ExecutionCursorSchema, q.cursor.param);
  const page = await listExecutions(ports.ops, { workflow: q.workflow, status: q.status, sinceSeconds: q.since, stuck: q.stuck, limit: q.limit, start });
  await opsAudit(ports.audit, operator)('ExecutionsListed', AuditSubject.of('executions', q.workflow ?? '*'), 'success', { status: q.status ?? null, stuck: q.stuck ?? false, count: page.items.length });
  return { items: page.items, nextToken: await ports.cursors.seal(scope, page.next) };
}
