import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import { refusalOf, type Actor } from '../../tasks/domain/use-cases';
import { CERTIFICATION_SUBJECT, type Certification, type CertificationStatus, type ExamAttempt, type ExamResult } from '../domain/certification';
import { certificationAudit } from '../domain/audit';
import { attemptRefusal, isSameAttempt, judgeAttempt, type Judgement } from '../domain/exam';
import type { Clock, ExamTask, RecordAudit, Store } from '../ports';

/** The human step the exam result decides (statemachines/search-certification.ts). */
export const EXAM_STEP = 'exam';
/** The exam step's one choice: a result is recorded, the workflow reads which. */
export const RECORDED = 'recorded';

export interface RecordExamPorts extends ExamTask {
  readonly store: Pick<Store, 'get' | 'transition'>;
  readonly audit: RecordAudit;
  readonly now: Clock;
}

/** Who reports the result: the training provider's machine client, or a unit member. */
export interface ExamReporter extends Actor {
  readonly reporter: ExamAttempt['channel'];
}

export interface ExamRecorded {
  readonly certificationId: string;
  readonly attempt: number;
  readonly attemptId: string;
  readonly passed: boolean;
  readonly status: CertificationStatus;
  readonly retakeAt: string | null;
  readonly attemptsLeft: number;
}

const statusAfter = (j: Judgement): CertificationStatus => (j.kind === 'passed' ? 'EXAM_PASSED' : j.kind === 'failed' ? 'RETAKE_ALLOWED' : 'ATTEMPTS_EXHAUSTED');

/**
 * An exam result arrives, from the training provider's callback or entered by the unit.
 * 1. the certification must exist (404, whatever the body says); then the body is read (400)
 * 2. the same attempt again (same id, score and time: a provider's retry) answers what was
 *    recorded and writes nothing; the same id with another score or time is 409
 * 3. refused, and audited as refused: a result while no exam is awaited, a retake before the
 *    wait after the failed attempt is over (409), a time in the future or before the request (400)
 * 4. the exam task must be open (409: the workflow is between steps; try again)
 * 5. judge it by the request's rules (pass mark, retake wait, attempts) and store the attempt
 *    with the status it leads to and its audit event (score, attempt number: ids and numbers
 *    only), once even when two arrive at once
 * 6. decide the exam task, so the workflow grants, waits for a retake, or ends visibly
 */
export async function recordExamResult(ports: RecordExamPorts, certificationId: string, readResult: () => ExamResult, actor: ExamReporter): Promise<ExamRecorded> {
  const c = await ports.store.get(certificationId);
  if (!c) throw new NotFound(`No CISS Search certification ${certificationId}`);
  const result = readResult();
  const stored = c.attempts.findIndex((a) => a.attemptId === result.attemptId);
  if (stored >= 0) {
    const attempt = c.attempts[stored] as ExamAttempt;
    if (!isSameAttempt(attempt, result)) throw new Conflict(`Attempt ${result.attemptId} was already recorded with another score or time; an attempt is recorded once`);
    await decideExamTask(ports, c, attempt, stored + 1, actor, true);
    return answer(c, stored + 1, attempt);
  }
  const refusal = attemptRefusal(c, result, ports.now());
  if (refusal) {
    await ports.audit(certificationAudit(certificationId, 'SearchExamAttemptRefused', actor.id, { attemptId: result.attemptId, channel: actor.reporter, reason: refusal.reason }, 'failure', actor.source));
    if (refusal.kind === 'invalid') throw new ValidationFailed([{ field: refusal.field, rule: refusal.rule }]);
    throw new Conflict(refusal.message);
  }
  const pending = await ports.tasks.currentFor(CERTIFICATION_SUBJECT, certificationId, EXAM_STEP);
  if (!pending || pending.task.status !== 'PENDING') throw new Conflict('The certification’s exam step is not open at this moment; send the result again shortly');

  const judgement = judgeAttempt(result, c.attempts.length, c.rules);
  const attempt: ExamAttempt = { ...result, passed: judgement.kind === 'passed', recordedBy: actor.id, channel: actor.reporter, recordedAt: ports.now(), taskId: pending.task.taskId };
  const to = statusAfter(judgement);
  const number = c.attempts.length + 1;
  const fields: Partial<Certification> = { attempts: [...c.attempts, attempt], retakeAt: judgement.kind === 'failed' ? judgement.retakeAt : undefined };
  const audit = certificationAudit(certificationId, 'SearchExamAttemptRecorded', actor.id, { from: c.status, to, attemptId: result.attemptId, attempt: number, score: result.score, passed: attempt.passed, passMark: c.rules.passMark, channel: actor.reporter }, 'success', actor.source);
  const written = await ports.store.transition(c, ['TRAINING_ASSIGNED', 'RETAKE_ALLOWED'], to, fields, audit, attempt.recordedAt, c.attempts.length);
  if (!written) {
    // Another result was recorded in between: this one again is answered as that one, else 409.
    const fresh = await ports.store.get(certificationId);
    const same = fresh?.attempts.findIndex((a) => a.attemptId === result.attemptId) ?? -1;
    if (fresh && same >= 0 && isSameAttempt(fresh.attempts[same] as ExamAttempt, result)) return answer(fresh, same + 1, fresh.attempts[same] as ExamAttempt);
    throw new Conflict('Another exam result for this certification was recorded at the same moment; read it and send this one again if it still applies');
  }
  const after: Certification = { ...c, ...fields, status: to };
  await decideExamTask(ports, after, attempt, number, actor, false);
  return answer(after, number, attempt);
}

function answer(c: Certification, number: number, attempt: ExamAttempt): ExamRecorded {
  return { certificationId: c.certificationId, attempt: number, attemptId: attempt.attemptId, passed: attempt.passed, status: c.status, retakeAt: c.retakeAt ?? null, attemptsLeft: Math.max(0, c.rules.maxAttempts - c.attempts.length) };
}

/**
 * Decides the open exam task. For an attempt sent again, only the task it was recorded under (the
 * first call may have stopped before deciding it), never the retake's task opened since.
 */
async function decideExamTask(ports: RecordExamPorts, c: Certification, attempt: ExamAttempt, number: number, actor: Actor, again: boolean): Promise<void> {
  const pending = await ports.tasks.currentFor(CERTIFICATION_SUBJECT, c.certificationId, EXAM_STEP);
  if (!pending || pending.task.status !== 'PENDING' || pending.task.taskId !== attempt.taskId) {
    if (again) return;
    throw new Conflict('The certification’s exam step closed while the result was recorded');
  }
  const task = await ports.tasks.get(pending.task.taskId);
  if (!task) throw new NotFound('The exam task is gone');
  const comment = `Attempt ${number} (${attempt.attemptId}): score ${attempt.score}, ${attempt.passed ? 'passed' : 'not passed'}`;
  const result = await ports.decide(task.task, task.sealedToken, RECORDED, comment, actor);
  if (result.kind !== 'decided' && !(again && result.kind === 'already-decided')) throw refusalOf(result);
}
