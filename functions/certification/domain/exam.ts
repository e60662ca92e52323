import type { Certification, ExamResult, ExamRules } from './certification';

export { ExamRulesSchema, type ExamRules } from './certification';

/** What an attempt does to the certification. */
export type Judgement =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly retakeAt: string; readonly attemptsLeft: number }
  | { readonly kind: 'exhausted' };

/**
 * The attempt judged by the rules: at or above the pass mark passes; below it, a retake is
 * allowed `retakeWaitHours` after the attempt, unless it was the last attempt allowed.
 */
export function judgeAttempt(result: Pick<ExamResult, 'score' | 'takenAt'>, attemptsBefore: number, rules: ExamRules): Judgement {
  if (result.score >= rules.passMark) return { kind: 'passed' };
  const attemptsLeft = rules.maxAttempts - (attemptsBefore + 1);
  if (attemptsLeft <= 0) return { kind: 'exhausted' };
  return { kind: 'failed', retakeAt: new Date(Date.parse(result.takenAt) + rules.retakeWaitHours * 3600_000).toISOString(), attemptsLeft };
}

/** Why an attempt may not be recorded now, by field and rule; nothing when it may. */
export type AttemptRefusal =
  | { readonly kind: 'invalid'; readonly reason: 'in-the-future' | 'before-request'; readonly field: string; readonly rule: string }
  | { readonly kind: 'conflict'; readonly reason: 'not-awaited' | 'retake-too-early'; readonly message: string };

/**
 * The checks before an attempt is recorded:
 * - only while the exam is awaited (a first attempt or an allowed retake);
 * - not taken in the future, nor before the request was made;
 * - a retake not before the wait after the failed attempt has passed.
 */
export function attemptRefusal(certification: Pick<Certification, 'status' | 'createdAt' | 'retakeAt' | 'rules' | 'attempts'>, result: Pick<ExamResult, 'takenAt'>, now: string): AttemptRefusal | undefined {
  if (certification.status !== 'TRAINING_ASSIGNED' && certification.status !== 'RETAKE_ALLOWED') {
    return { kind: 'conflict', reason: 'not-awaited', message: `An exam result can be recorded only while the exam is awaited; this certification is ${certification.status}` };
  }
  const takenAt = Date.parse(result.takenAt);
  if (takenAt > Date.parse(now)) return { kind: 'invalid', reason: 'in-the-future', field: 'takenAt', rule: 'must not be in the future' };
  if (takenAt < Date.parse(certification.createdAt)) return { kind: 'invalid', reason: 'before-request', field: 'takenAt', rule: `must be after the certification was requested (${certification.createdAt})` };
  if (certification.retakeAt && takenAt < Date.parse(certification.retakeAt)) {
    return {
      kind: 'conflict',
      reason: 'retake-too-early',
      message: `A retake may be taken from ${certification.retakeAt}, ${certification.rules.retakeWaitHours} hours after failed attempt ${certification.attempts.length}; this attempt was taken at ${new Date(takenAt).toISOString()} and is refused`,
    };
  }
  return undefined;
}

/** The same attempt sent again (a provider's retried callback): same id, score and time. */
export function isSameAttempt(stored: ExamResult, sent: ExamResult): boolean {
  return stored.attemptId === sent.attemptId && stored.score === sent.score && Date.parse(stored.takenAt) === Date.parse(sent.takenAt);
}
