import { NotFound, ValidationFailed } from '#shared/errors';
import { awarenessCurrentUntil, awarenessOf, AWARENESS_VALID_DAYS } from '../domain/awareness';
import type { AwarenessCompletion } from '../domain/certification';
import { certificationAudit } from '../domain/audit';
import type { Acting, AwarenessLookup, Clock, Store } from '../ports';
import { connecticutDate } from '#shared/time';

export interface AwarenessPorts {
  readonly store: Pick<Store, 'get'>;
  readonly renewals: { record(email: string, completion: AwarenessCompletion, recordedBy: string, at: string, audit: ReturnType<typeof certificationAudit>): Promise<boolean> };
  readonly awareness: AwarenessLookup;
  readonly now: Clock;
}

/** Where the employee's Security Awareness Training stands, as a request or renewal made today would read it. */
export interface AwarenessStanding {
  readonly current: boolean;
  readonly completedOn: string | null;
  readonly currentUntil: string | null;
  /** Why it is not current, in words (when it is not). */
  readonly problem: string | null;
}

export async function awarenessStanding(awareness: AwarenessLookup, email: string, ori: string, today: string): Promise<AwarenessStanding> {
  const found = awarenessOf(await awareness(email), ori, today);
  return 'problem' in found
    ? { current: false, completedOn: null, currentUntil: null, problem: found.problem }
    : { current: true, completedOn: found.evidence.completedOn, currentUntil: awarenessCurrentUntil(found.evidence.completedOn), problem: null };
}

/**
 * The unit records the employee's renewed Security Awareness Training (CJIS AT-2: yearly), as
 * verified on CJIS Online, so that a renewal of the certification can be requested.
 * 1. the certification must exist (404); it names the employee
 * 2. the completion: not in the future, and current (within 365 days), or 400 on its field
 * 3. kept for the employee with its audit event (the date only), unless a newer one is kept
 * 4. answers where the training stands now, as a renewal would read it
 */
export async function recordAwareness(ports: AwarenessPorts, certificationId: string, readBody: () => AwarenessCompletion, { caller, source }: Acting) {
  const c = await ports.store.get(certificationId);
  if (!c) throw new NotFound(`No CISS Search certification ${certificationId}`);
  const completion = readBody();
  const at = ports.now();
  const today = connecticutDate(at);
  if (completion.completedOn > today) throw new ValidationFailed([{ field: 'completedOn', rule: 'must not be in the future' }]);
  if (awarenessCurrentUntil(completion.completedOn) < today) {
    throw new ValidationFailed([{ field: 'completedOn', rule: `must be within the last ${AWARENESS_VALID_DAYS} days: an older completion is not current Security Awareness Training` }]);
  }
  const recorded = await ports.renewals.record(
    c.employee.email,
    completion,
    caller.username,
    at,
    certificationAudit(certificationId, 'SecurityAwarenessRecorded', caller.username, { completedOn: completion.completedOn }, 'success', source),
  );
  return { certificationId, recorded, awareness: await awarenessStanding(ports.awareness, c.employee.email, c.ori, today) };
}
