import { AccessRequestStore } from '#shared/adapters/access-store';
import { TaskStore } from '#shared/adapters/task-store';
import { recordAudit } from '#shared/audit';
import { nowIso } from '#shared/time';
import { decideTask, type Alongside } from '../../tasks/domain/use-cases';
import { linkKeys, ports as taskPorts } from '../../tasks/ports';
import type { AccessRequest } from '../domain/request';
import type { EvidenceWrite, RecordTrainingPorts } from '../use-cases/record-training';
import type { EvidenceLinkPorts } from '../use-cases/training-evidence';

/** The training-verification use case on the table, deciding the task through the human-task ports. */
export const trainingPorts = (tableName: string): RecordTrainingPorts => {
  const store = new AccessRequestStore(tableName);
  return {
    store,
    tasks: new TaskStore(tableName),
    requestWithTask: (requestId) => store.getWithStepTask(requestId, 'training-verification'),
    decide: (task, sealedToken, choice, comment, actor, { ready, evidence }) =>
      decideTask(task, sealedToken, choice, comment, actor, ready ? { ...taskPorts, readiness: undefined } : taskPorts, evidence ? evidenceWrites(store, evidence) : undefined),
    now: nowIso,
  };
};

/** The evidence's conditional update of the request (its status kept, its trainings as read) and its audit event, for the decision's transaction. */
function evidenceWrites(store: AccessRequestStore, { request, fields, audit, updatedAt }: EvidenceWrite): Alongside {
  const asRead = Object.fromEntries(Object.keys(fields).map((field) => [field, request[field as keyof AccessRequest]]));
  return { items: store.transitionItems(request, [request.status], request.status, fields, updatedAt, { fields: asRead }), audits: [audit] };
}

/** The e-mailed evidence link's checks: the task table, the link keys (Secrets Manager), the audit trail. */
export const evidenceLinkPorts = (tableName: string): EvidenceLinkPorts => ({ tasks: new TaskStore(tableName), linkKeys, audit: recordAudit, clock: taskPorts.now });
