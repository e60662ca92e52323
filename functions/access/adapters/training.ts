import { AccessStore } from '#shared/adapters/access-store';
import { TaskStore } from '#shared/adapters/task-store';
import { nowIso } from '#shared/time';
import { decideTask } from '../../tasks/domain/use-cases';
import { ports as taskPorts } from '../../tasks/ports';
import type { RecordTrainingPorts } from '../use-cases/record-training';

/** The training-verification use case on the table, deciding the task through the human-task ports. */
export const trainingPorts = (tableName: string): RecordTrainingPorts => ({
  store: new AccessStore(tableName),
  tasks: new TaskStore(tableName),
  decide: (task, sealedToken, choice, comment, actor) => decideTask(task, sealedToken, choice, comment, actor, taskPorts),
  now: nowIso,
});
