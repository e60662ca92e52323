import type { AwarenessEvidence } from './certification';

/** Security Awareness Training is renewed yearly (CJIS AT-2): a completion counts for this many days. */
export const AWARENESS_VALID_DAYS = 365;

/** What the rule reads: the employee's CCHRS account and the request it was created by. */
export interface AwarenessFacts {
  readonly account?: { readonly status: string; readonly requestId: string };
  readonly request?: { readonly requestId: string; readonly ori: string; readonly training?: Readonly<Record<string, { readonly completedOn: string; readonly recordId: string } | undefined>> };
}

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
  const sat = request.training?.['security-awareness'];
  if (!sat) return { problem: 'has no verified Security Awareness Training on CJIS Online on the CCHRS account' };
  const age = (Date.parse(today) - Date.parse(sat.completedOn)) / 86_400_000;
  if (age > AWARENESS_VALID_DAYS) return { problem: `Security Awareness Training must be current: it was completed on ${sat.completedOn}, more than ${AWARENESS_VALID_DAYS} days ago; it is renewed yearly on CJIS Online` };
  return { evidence: { requestId: request.requestId, completedOn: sat.completedOn, recordId: sat.recordId } };
}
