import type { AwarenessEvidence } from './certification';
import { connecticutDate } from '#shared/time';

/** Security Awareness Training is renewed yearly (CJIS AT-2): a completion counts for this many days. */
export const AWARENESS_VALID_DAYS = 365;

/**
 * What the rule reads: the employee's CCHRS account, the request it was created by, and the
 * latest renewal of the training the unit recorded since (the account's own is a year old soon).
 */
export interface AwarenessFacts {
  readonly account?: { readonly status: string; readonly requestId: string };
  readonly request?: { readonly requestId: string; readonly ori: string; readonly training?: Readonly<Record<string, { readonly completedOn: string; readonly recordId: string } | undefined>> };
  readonly renewed?: { readonly completedOn: string; readonly recordId: string };
}

const DAY_MS = 86_400_000;

/** The last day a completion on `completedOn` counts as current. */
export const awarenessCurrentUntil = (completedOn: string): string => new Date(Date.parse(completedOn) + AWARENESS_VALID_DAYS * DAY_MS).toISOString().slice(0, 10);

/**
 * Current Security Awareness Training, as CISS Search access needs it, is shown by the
 * employee's CCHRS account: ACTIVE, created by a request of the same agency, whose
 * security-awareness module the unit verified on CJIS Online within the last 365 days. No
 * evidence is taken with the certification request: the unit has verified it once already, on
 * the record the account rests on. The evidence, or the rule that failed in words.
 */
export function awarenessOf(facts: AwarenessFacts, ori: string, today: string): { evidence: AwarenessEvidence } | { problem: string } {
  const { account, request } = facts;
  if (!account || account.status !== 'ACTIVE') return { problem: 'must be the e-mail of an employee with an ACTIVE CCHRS account (CISS Search access needs the account and its Security Awareness Training)' };
  if (!request || request.requestId !== account.requestId || request.ori !== ori) return { problem: `must be an employee of agency ${ori}: the CCHRS account was requested by another agency` };
  const verified = request.training?.['security-awareness'];
  // The newest completion counts: the account's own, or a renewal the unit recorded since.
  const sat = facts.renewed && (!verified || facts.renewed.completedOn > verified.completedOn) ? facts.renewed : verified;
  if (!sat) return { problem: 'has no verified Security Awareness Training on CJIS Online on the CCHRS account' };
  const age = (Date.parse(today) - Date.parse(sat.completedOn)) / DAY_MS;
  if (age > AWARENESS_VALID_DAYS) return { problem: `Security Awareness Training must be current: it was completed on ${sat.completedOn}, more than ${AWARENESS_VALID_DAYS} days ago; it is renewed yearly on CJIS Online, and the CCHRS unit records the new completion` };
  return { evidence: { requestId: request.requestId, completedOn: sat.completedOn, recordId: sat.recordId } };
}

/**
 * What a renewal reminder says of Security Awareness Training: a renewal is refused without it
 * current on the day it is requested, so the reminder says whether it will be, and what to do.
 */
export function awarenessReminder(facts: AwarenessFacts, ori: string, today: string, expiresAt: string): string {
  const found = awarenessOf(facts, ori, today);
  if ('problem' in found) return `Security Awareness Training is not shown current today (the employee's e-mail ${found.problem}). A renewal is refused until it is: complete it on CJIS Online and have the CCHRS unit record the completion.`;
  const until = awarenessCurrentUntil(found.evidence.completedOn);
  if (until >= connecticutDate(expiresAt)) return `Security Awareness Training (completed ${found.evidence.completedOn} on CJIS Online) is current until ${until}: the renewal can be requested now.`;
  return `Security Awareness Training (completed ${found.evidence.completedOn} on CJIS Online) runs out on ${until}, before the certification: a renewal needs it current on the day it is requested, so renew it on CJIS Online and have the CCHRS unit record the completion first.`;
}
