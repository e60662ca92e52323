import { Conflict, Forbidden, ValidationFailed } from '#shared/errors';
import { awarenessOf } from '../domain/awareness';
import { renewalOpensAt, RENEWAL_WINDOW_DAYS, stepOf, type Certification, type CertificationStatus, type NewCertification } from '../domain/certification';
import { certificationAudit } from '../domain/audit';
import type { ExamRules } from '../domain/exam';
import type { Acting, AwarenessLookup, Clock, StartWorkflow, Store } from '../ports';
import { connecticutDate } from '#shared/time';

export interface CreatePorts {
  readonly store: Pick<Store, 'create' | 'get'>;
  readonly awareness: AwarenessLookup;
  readonly start: StartWorkflow;
  readonly now: Clock;
  /** A new id, `SC-<yyyymmdd>-<10 hex digits>`, for the day of `at`. */
  readonly newId: (at: string) => string;
  /** The exam rules in force; the request keeps them. */
  readonly rules: ExamRules;
}

export interface Created {
  readonly outcome: 'new' | 'retried';
  readonly certificationId: string;
  /** The certification a renewal renews. */
  readonly renews?: string;
  readonly status: CertificationStatus;
  readonly step: string;
}

/**
 * An agency administrator requests CISS Search access for one of their employees.
 * 1. only for the caller's own agency (403)
 * 2. the employee needs current Security Awareness Training, shown by their ACTIVE CCHRS account
 *    of this agency (domain/awareness.ts); otherwise 400 naming the rule
 * 3. store it (RECEIVED) with its audit event and the exam rules in force; one open
 *    certification per employee: the same request again (same agency, requester, employee) is
 *    answered with the stored one (200), another is 409
 * 4. start its execution, named by the certification (a repeated start is the same one)
 */
export async function createCertification(ports: CreatePorts, body: NewCertification, { caller, source }: Acting): Promise<Created> {
  if (body.ori !== caller.ori) throw new Forbidden(`You may request CISS Search access only for your own agency (${caller.ori ?? 'none'}), not ${body.ori}`);
  const at = ports.now();
  const email = body.employee.email.toLowerCase();
  const awareness = awarenessOf(await ports.awareness(email), body.ori, connecticutDate(at));
  if ('problem' in awareness) throw new ValidationFailed([{ field: 'employee.email', rule: awareness.problem }]);
  const certification: Certification = {
    certificationId: ports.newId(at),
    status: 'RECEIVED',
    ori: body.ori,
    employee: { fullName: body.employee.fullName, email },
    requestedBy: { username: caller.username, ...(caller.email ? { email: caller.email } : {}) },
    awareness: awareness.evidence,
    rules: ports.rules,
    attempts: [],
    createdAt: at,
    updatedAt: at,
  };
  const audit = (c: Certification) =>
    certificationAudit(c.certificationId, 'SearchCertificationStatusChanged', caller.username, { from: null, to: 'RECEIVED', awarenessRequestId: awareness.evidence.requestId, ...(c.renews ? { renews: c.renews } : {}) }, 'success', source);
  try {
    await ports.store.create(certification, audit(certification));
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    const openId = (error.details as { openCertificationId?: string } | undefined)?.openCertificationId;
    const open = openId ? await ports.store.get(openId) : undefined;
    if (open?.status === 'CERTIFIED' && open.ori === certification.ori && open.expiresAt) {
      const opens = renewalOpensAt(open.expiresAt);
      if (Date.parse(at) < Date.parse(opens)) {
        throw new Conflict(`${email} holds CISS Search certification ${open.certificationId} until ${connecticutDate(open.expiresAt)}; its renewal may be requested from ${connecticutDate(opens)} (${RENEWAL_WINDOW_DAYS} days before it expires)`);
      }
      const renewal: Certification = { ...certification, renews: open.certificationId };
      await ports.store.create(renewal, audit(renewal));
      await ports.start(renewal.certificationId, { certificationId: renewal.certificationId });
      return { outcome: 'new', certificationId: renewal.certificationId, renews: open.certificationId, status: 'RECEIVED', step: stepOf('RECEIVED') };
    }
    const same = open && open.ori === certification.ori && open.requestedBy.username === caller.username && open.employee.fullName === certification.employee.fullName;
    if (!open || !same) {
      throw open?.ori === certification.ori ? error : new Conflict(`An open CISS Search certification for ${email} already exists, requested by another agency`);
    }
    await ports.start(open.certificationId, { certificationId: open.certificationId });
    return { outcome: 'retried', certificationId: open.certificationId, status: open.status, step: stepOf(open.status) };
  }
  await ports.start(certification.certificationId, { certificationId: certification.certificationId });
  return { outcome: 'new', certificationId: certification.certificationId, status: 'RECEIVED', step: stepOf('RECEIVED') };
}
