import { AccessStore } from '#shared/adapters/access-store';
import { TaskStore } from '#shared/adapters/task-store';
import { recordAudit } from '#shared/audit';
import { nowIso } from '#shared/time';
import { decideTask } from '../../tasks/domain/use-cases';
import { linkKeys, ports as taskPorts } from '../../tasks/ports';
import type { RecordTrainingPorts } from '../use-cases/record-training';
import type { EvidenceLinkPorts } from '../use-cases/training-evidence';

/** The training-verification use case on the table, deciding the task through the human-task ports. */
export const trainingPorts = (tableName: string): RecordTrainingPorts => ({
  store: new AccessStore(tableName),
  tasks: new TaskStore(tableName),
  decide: (task, sealedToken, choice, comment, actor, ready) => decideTask(task, sealedToken, choice, comment, actor, ready ? { ...taskPorts, readiness: undefined } : taskPorts),
  now: nowIso,
});

/** The e-mailed evidence link's checks: the task table, the link keys (Secrets Manager), the audit trail. */
export const evidenceLinkPorts = (tableName: string): EvidenceLinkPorts => ({ tasks: new TaskStore(tableName), linkKeys, audit: recordAudit, clock: taskPorts.now });
