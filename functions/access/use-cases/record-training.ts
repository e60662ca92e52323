import type { TaskStore } from '#shared/adapters/task-store';
import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import type { Task } from '../../tasks/domain/task';
import type { Actor, DecideResult } from '../../tasks/domain/use-cases';
import type { AccessRequest } from '../domain/request';
import { assessVerification, TRAINING_MODULES, type TrainingModule, type TrainingVerification } from '../domain/training';
import { changeStatusWith, type ChangeStatusPorts } from './change-status';

export interface RecordTrainingPorts extends ChangeStatusPorts {
  readonly tasks: Pick<TaskStore, 'currentFor' | 'get'>;
  /**
   * Decides a waiting task as the actor (the human-task use case, functions/tasks/domain/use-cases.ts).
   * `ready`: the caller has just recorded what the choice needs (the evidence), so the use case
   * need not read the request again to check it.
   */
  readonly decide: (task: Task, sealedToken: string, choice: string, comment: string | undefined, actor: Actor, ready?: boolean) => Promise<DecideResult>;
}

/**
 * The unit records, per module, the CJIS Online completion; then the waiting verification task is
 * decided: verified, or which module is missing. The same for the API and the e-mailed form.
 * 1. only while the request awaits verification (409), with the task still open (409)
 * 2. a PDF certificate or a completion in the future is refused with the rule (400)
 * 3. the evidence is stored with a status-change audit event naming the modules; the same
 *    evidence again (a retry after the decision failed) is not stored or audited twice
 * 4. the task, as read in 1, is decided as the unit member (TaskDecided audit event, with the
 *    channel): its claim is conditional on it still being open, and "verified" is ready by 3
 */
export async function recordTrainingVerification(ports: RecordTrainingPorts, request: AccessRequest, body: TrainingVerification, actor: Actor): Promise<{ verified: string[]; missing: TrainingModule[] }> {
  if (request.status !== 'TRAINING_VERIFICATION') throw new Conflict(`Training can be verified only while the request awaits verification; it is ${request.status}`);
  const outcome = assessVerification(body, ports.now().slice(0, 10));
  if (outcome.problems.length > 0) throw new ValidationFailed(outcome.problems);
  const pending = await ports.tasks.currentFor('access-request', request.requestId, 'training-verification');
  if (!pending || pending.task.status !== 'PENDING') throw new Conflict('No verification task is waiting for this request');
  const training = { ...request.training, ...Object.fromEntries(Object.entries(outcome.verified).map(([m, v]) => [m, { ...v, verifiedBy: actor.id }])) };
  const recorded = (m: string, v: { completedOn: string; recordId: string }) => {
    const stored = request.training?.[m as TrainingModule];
    return stored?.completedOn === v.completedOn && stored.recordId === v.recordId;
  };
  const alreadyRecorded = Object.entries(outcome.verified).every(([m, v]) => recorded(m, v));
  if (!alreadyRecorded) await changeStatusWith(ports, request, ['TRAINING_VERIFICATION'], 'TRAINING_VERIFICATION', actor.id, `training verified on CJIS Online: ${Object.keys(outcome.verified).join(', ') || 'none'}`, { training });
  const missing = (Object.keys(TRAINING_MODULES) as TrainingModule[]).filter((m) => !training[m]);
  const comment = missing.length ? `Not verified on CJIS Online: ${missing.map((m) => TRAINING_MODULES[m]).join('; ')}` : undefined;
  // The task as read above (its claim is a conditional write: a task decided meanwhile is refused
  // there), and "verified" only with every module's evidence, which was just stored.
  const result = await ports.decide(pending.task, pending.sealedToken, missing.length ? 'missing-module' : 'verified', comment, actor, missing.length === 0);
  if (result.kind !== 'decided') throw new Conflict(`The verification task could not be decided (${result.kind})`);
  return { verified: Object.keys(training), missing };
}

/**
 * The API's training verification: the request must exist (404, whatever the body says), then
 * the body is read and recorded as the unit member on the `api` channel.
 */
export async function verifyTrainingOnApi(ports: RecordTrainingPorts, requestId: string, readBody: () => TrainingVerification, acting: { readonly caller: { readonly username: string }; readonly source: Actor['source'] }) {
  const request = await ports.store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  const { verified, missing } = await recordTrainingVerification(ports, request, readBody(), { id: acting.caller.username, channel: 'api', source: acting.source });
  return { requestId: request.requestId, verified, missing };
}
