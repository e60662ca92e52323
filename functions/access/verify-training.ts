import { TaskStore } from '#shared/adapters/task-store';
import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import { nowIso } from '#shared/time';
import { decideTask, type Actor } from '../tasks/domain/use-cases';
import { ports as taskPorts } from '../tasks/ports';
import type { AccessRequest } from './domain/request';
import { assessVerification, TRAINING_MODULES, type TrainingModule, type TrainingVerification } from './domain/training';
import { changeStatus, env } from './ports';

const tasks = new TaskStore(env.TABLE_NAME);

/**
 * The unit records, per module, the CJIS Online completion; then the waiting verification task is
 * decided: verified, or which module is missing. The same for the API and the e-mailed form.
 * 1. only while the request awaits verification (409), with the task still open (409)
 * 2. a PDF certificate or a completion in the future is refused with the rule (400)
 * 3. the evidence is stored with a status-change audit event naming the modules
 * 4. the task is decided as the unit member (TaskDecided audit event, with the channel)
 */
export async function recordTrainingVerification(request: AccessRequest, body: TrainingVerification, actor: Actor): Promise<{ verified: string[]; missing: TrainingModule[] }> {
  if (request.status !== 'TRAINING_VERIFICATION') throw new Conflict(`Training can be verified only while the request awaits verification; it is ${request.status}`);
  const outcome = assessVerification(body, nowIso().slice(0, 10));
  if (outcome.problems.length > 0) throw new ValidationFailed(outcome.problems);
  const pending = await tasks.currentFor('access-request', request.requestId, 'training-verification');
  if (!pending || pending.task.status !== 'PENDING') throw new Conflict('No verification task is waiting for this request');
  const training = { ...request.training, ...Object.fromEntries(Object.entries(outcome.verified).map(([m, v]) => [m, { ...v, verifiedBy: actor.id }])) };
  await changeStatus(request, ['TRAINING_VERIFICATION'], 'TRAINING_VERIFICATION', actor.id, `training verified on CJIS Online: ${Object.keys(outcome.verified).join(', ') || 'none'}`, { training });
  const missing = (Object.keys(TRAINING_MODULES) as TrainingModule[]).filter((m) => !training[m]);
  const stored = await tasks.get(pending.task.taskId);
  if (!stored) throw new NotFound('The verification task is gone');
  const comment = missing.length ? `Not verified on CJIS Online: ${missing.map((m) => TRAINING_MODULES[m]).join('; ')}` : undefined;
  const result = await decideTask(stored.task, stored.sealedToken, missing.length ? 'missing-module' : 'verified', comment, actor, taskPorts);
  if (result.kind !== 'decided') throw new Conflict(`The verification task could not be decided (${result.kind})`);
  return { verified: Object.keys(training), missing };
}
