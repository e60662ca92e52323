import { recordAudit } from '#shared/audit';
import { TaskStore } from '#shared/adapters/task-store';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { decideTask } from '../tasks/domain/use-cases';
import { ports as taskPorts } from '../tasks/ports';
import { actingOf, CertificationIdParam, certificationIdOf } from './adapters/http';
import { CertificationStore } from './adapters/store';
import { ExamResultSchema } from './domain/certification';
import { certificationExamResult } from './routes';
import { recordExamResult, type RecordExamPorts } from './use-cases/record-exam';

const { TABLE_NAME } = loadEnv({ TABLE_NAME: nonEmpty });
const ports: RecordExamPorts = {
  store: new CertificationStore(TABLE_NAME),
  tasks: new TaskStore(TABLE_NAME),
  decide: (task, sealedToken, choice, comment, actor) => decideTask(task, sealedToken, choice, comment, actor, taskPorts),
  audit: recordAudit,
  now: nowIso,
};

/**
 * POST /search-certifications/{certificationId}/exam-results: the training provider's callback
 * (its machine client) or the unit's entry; 200 with the attempt and what follows.
 */
export const handler = routeHandler(
  certificationExamResult,
  async (event) => {
    const { caller, source } = actingOf(event);
    const id = certificationIdOf(event.params);
    const reporter = caller.roles.includes('unit') ? 'unit' : 'provider';
    return json(200, await recordExamResult(ports, id, () => parseJsonBody(event, ExamResultSchema), { id: caller.username, channel: 'api', source, reporter }));
  },
  { params: CertificationIdParam },
);
