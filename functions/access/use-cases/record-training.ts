import type { StoredTask, TaskStore } from '#shared/adapters/task-store';
import type { AuditEvent } from '#shared/audit';
import { Conflict, Gone, NotFound, ValidationFailed } from '#shared/errors';
import type { Task } from '../../tasks/domain/task';
import { refusalOf, type Actor, type DecideResult } from '../../tasks/domain/use-cases';
import type { AccessRequest } from '../domain/request';
import { assessVerification, TRAINING_MODULES, type TrainingModule, type TrainingVerification } from '../domain/training';
import { auditOf } from '../domain/audit';
import type { Clock, RequestStore } from './ports';
import { connecticutDate } from '#shared/time';

/**
 * Evidence stored in the decision's own transaction: the request's change (its status kept) with
 * its audit event, on condition that the fields it sets still hold what `request` read.
 */
export interface EvidenceWrite {
  readonly request: AccessRequest;
  readonly fields: Partial<AccessRequest>;
  readonly audit: AuditEvent;
  readonly updatedAt: string;
}

export interface RecordTrainingPorts {
  readonly store: Pick<RequestStore, 'get'>;
  readonly now: Clock;
  readonly tasks: Pick<TaskStore, 'currentFor' | 'get'>;
  /** The request and the id of its verification step's current task, read together (one request). */
  readonly requestWithTask: (requestId: string) => Promise<{ request?: AccessRequest; taskId?: string }>;
  /**
   * Decides a waiting task as the actor (the human-task use case, functions/tasks/domain/use-cases.ts).
   * `ready`: the evidence the choice needs is on the request (or is `evidence`), so the use case
   * need not read the request again to check it. `evidence`: stored with the decision, in its
   * transaction: both or neither.
   */
  readonly decide: (task: Task, sealedToken: string, choice: string, comment: string | undefined, actor: Actor, options: { readonly ready: boolean; readonly evidence?: EvidenceWrite }) => Promise<DecideResult>;
}

/**
 * The unit records, per module, the CJIS Online completion; then the waiting verification task is
 * decided: verified, or which module is missing. The same for the API and the e-mailed form.
 * 1. only while the request awaits verification (409), with the task still open (409, or 410 when
 *    the workflow closed it: its step was retried and asks again); `current` gives the step's
 *    current task (by default its pointer, then the task)
 * 2. a PDF certificate or a completion in the future is refused with the rule (400)
 * 3. the task, as read in 1, is decided as the unit member (TaskDecided audit event, with the
 *    channel), and the evidence stored with a status-change audit event naming the modules, in
 *    one transaction: the claim is conditional on the task still being open and the evidence on
 *    the request's trainings being as read, and "verified" is ready by the evidence. The same
 *    evidence again (a retry after the decision could not reach the workflow) is not stored or
 *    audited twice: only the decision is made. A task the workflow no longer waits for (its step was
 *    retried while this was decided) is a 410: the evidence stays, the decision goes to the new task
 * 4. any other decision that did not go through is answered as the task API answers it
 *    (refusalOf): decided already (409), expired (410), the workflow unreachable or the trainings
 *    changed since they were read (503: send it again; evidence stored stays, and is read again)
 */
export async function recordTrainingVerification(
  ports: RecordTrainingPorts,
  request: AccessRequest,
  body: TrainingVerification,
  actor: Actor,
  current: () => Promise<StoredTask | undefined> = () => ports.tasks.currentFor('access-request', request.requestId, 'training-verification'),
): Promise<{ verified: string[]; missing: TrainingModule[] }> {
  if (request.status !== 'TRAINING_VERIFICATION') throw new Conflict(`Training can be verified only while the request awaits verification; it is ${request.status}`);
  const outcome = assessVerification(body, connecticutDate(ports.now()));
  if (outcome.problems.length > 0) throw new ValidationFailed(outcome.problems);
  const pending = await current();
  if (pending?.task.status === 'CANCELLED') throw stepAskedAgain(pending.task);
  if (!pending || pending.task.status !== 'PENDING') throw new Conflict('No verification task is waiting for this request');
  const training = { ...request.training, ...Object.fromEntries(Object.entries(outcome.verified).map(([m, v]) => [m, { ...v, verifiedBy: actor.id }])) };
  const recorded = (m: string, v: { completedOn: string; recordId: string }) => {
    const stored = request.training?.[m as TrainingModule];
    return stored?.completedOn === v.completedOn && stored.recordId === v.recordId;
  };
  const alreadyRecorded = Object.entries(outcome.verified).every(([m, v]) => recorded(m, v));
  const note = `training verified on CJIS Online: ${Object.keys(outcome.verified).join(', ') || 'none'}`;
  const evidence: EvidenceWrite | undefined = alreadyRecorded
    ? undefined
    : { request, fields: { training }, audit: auditOf(request, 'AccessRequestStatusChanged', actor.id, { from: request.status, to: request.status, note }), updatedAt: ports.now() };
  const missing = (Object.keys(TRAINING_MODULES) as TrainingModule[]).filter((m) => !training[m]);
  const comment = missing.length ? `Not verified on CJIS Online: ${missing.map((m) => TRAINING_MODULES[m]).join('; ')}` : undefined;
  const result = await ports.decide(pending.task, pending.sealedToken, missing.length ? 'missing-module' : 'verified', comment, actor, { ready: missing.length === 0, ...(evidence ? { evidence } : {}) });
  if (result.kind === 'cancelled') throw stepAskedAgain(result.task);
  if (result.kind !== 'decided') throw refusalOf(result);
  return { verified: Object.keys(training), missing };
}

/**
 * The task the verification would decide was closed because the workflow stopped waiting for it:
 * its step was retried (or the request stopped), so the request may soon wait on a new task. A
 * 410, unlike the 409s: the decision did not go through, and sending the verification again once
 * the new task waits decides that one (evidence already stored is not stored again).
 */
function stepAskedAgain(task: Task): Gone {
  return new Gone(`The verification task ${task.taskId} is closed (${task.closedReason ?? 'the workflow no longer waits for it'}); nothing was decided. Any training recorded is kept: send the verification again once the request's new verification task is waiting.`);
}

/**
 * The API's training verification: the request must exist (404, whatever the body says), then
 * the body is read and recorded as the unit member on the `api` channel. The request and its
 * step's current task pointer are read together.
 */
export async function verifyTrainingOnApi(ports: RecordTrainingPorts, requestId: string, readBody: () => TrainingVerification, acting: { readonly caller: { readonly username: string }; readonly source: Actor['source'] }) {
  const { request, taskId } = await ports.requestWithTask(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  const current = async () => (taskId === undefined ? undefined : ports.tasks.get(taskId));
  const { verified, missing } = await recordTrainingVerification(ports, request, readBody(), { id: acting.caller.username, channel: 'api', source: acting.source }, current);
  return { requestId: request.requestId, verified, missing };
}
