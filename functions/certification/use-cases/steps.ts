import { Conflict, NotFound } from '#shared/errors';
import { SEARCH_ROLE } from '#shared/roles';
import type { Certification, CertificationStatus } from '../domain/certification';
import { certificationAudit } from '../domain/audit';
import { certificationMail, type CertificationEvent } from '../domain/messages';
import { awarenessReminder } from '../domain/awareness';
import type { AwarenessLookup, Clock, RoleGrants, Send, Store } from '../ports';
import { connecticutDate } from '#shared/time';

/** A certification lasts a year from the pass; reminders go out 30 and 7 days before it ends (the workflow's waits). */
export const CERTIFICATION_DAYS = 365;
const DAY_MS = 86_400_000;

export interface StepPorts {
  readonly store: Pick<Store, 'get' | 'transition'>;
  readonly send: Send;
  readonly now: Clock;
  readonly unitEmail: string;
  /** The employee's Security Awareness Training, as a renewal will read it (the reminders say where it stands). */
  readonly awareness: AwarenessLookup;
}

async function load(ports: Pick<StepPorts, 'store'>, certificationId: string): Promise<Certification> {
  const c = await ports.store.get(certificationId);
  if (!c) throw new NotFound(`No CISS Search certification ${certificationId}`);
  return c;
}

/**
 * One status change by the workflow, with its audit event, once: a retried step finds the
 * certification already there (false: nothing to tell again); any other status is a Conflict
 * the workflow's Catch shows.
 */
async function move(ports: StepPorts, c: Certification, from: readonly CertificationStatus[], to: CertificationStatus, fields: Partial<Certification> = {}, details: Record<string, string | number | null> = {}): Promise<boolean> {
  if (c.status === to) return false;
  const moved = await ports.store.transition(c, from, to, fields, certificationAudit(c.certificationId, 'SearchCertificationStatusChanged', 'workflow', { from: c.status, to, ...details }), ports.now());
  if (moved) return true;
  const fresh = await load(ports, c.certificationId);
  if (fresh.status === to) return false;
  throw new Conflict(`CISS Search certification ${c.certificationId} is ${fresh.status}; it cannot become ${to}`);
}

/** What the human step shows and whom it goes to. */
export async function prepareCertification(ports: Pick<StepPorts, 'store' | 'unitEmail'>, certificationId: string) {
  const c = await load(ports, certificationId);
  return {
    title: `CISS Search certification for ${c.employee.fullName} (${c.ori})`,
    facts: [
      { label: 'Certification', value: c.certificationId },
      { label: 'Employee', value: `${c.employee.fullName} (${c.employee.email})` },
      { label: 'Agency (ORI)', value: c.ori },
      { label: 'Security Awareness Training', value: `completed ${c.awareness.completedOn} on CJIS Online (record ${c.awareness.recordId})` },
      { label: 'Exam rules', value: `pass mark ${c.rules.passMark}; ${c.rules.maxAttempts} attempts; retake after ${c.rules.retakeWaitHours} hours` },
    ],
    unitEmail: ports.unitEmail,
    ori: c.ori,
  };
}

/** What each workflow event moves the certification to (absent: it only tells). */
const MOVES: Readonly<Record<Exclude<CertificationEvent, 'granted' | 'lapsed'>, { from: readonly CertificationStatus[]; to?: CertificationStatus }>> = {
  'training-assigned': { from: ['RECEIVED'], to: 'TRAINING_ASSIGNED' },
  'retake-allowed': { from: ['RETAKE_ALLOWED'] },
  'attempts-exhausted': { from: ['ATTEMPTS_EXHAUSTED'] },
  'request-expired': { from: ['RECEIVED', 'TRAINING_ASSIGNED', 'RETAKE_ALLOWED'], to: 'REQUEST_EXPIRED' },
  'renewal-reminder': { from: ['CERTIFIED'] },
};

/**
 * The workflow moves the certification on and tells the employee and the agency.
 * 1. an event with a status moves it once; a retry finds it moved and mails nothing again
 * 2. an event without one checks where it stands (409 otherwise) and mails
 * 3. a renewal reminder says where Security Awareness Training stands today (a renewal needs it
 *    current on its day); none goes out once a renewal took over (RENEWED)
 */
export async function advanceCertification(ports: StepPorts, input: { readonly certificationId: string; readonly event: keyof typeof MOVES; readonly daysLeft?: number }): Promise<{ status: CertificationStatus }> {
  const c = await load(ports, input.certificationId);
  const rule = MOVES[input.event];
  if (input.event === 'renewal-reminder' && c.status === 'RENEWED') return { status: c.status };
  if (!rule.to) {
    if (!rule.from.includes(c.status)) throw new Conflict(`CISS Search certification ${c.certificationId} is ${c.status}; "${input.event}" is not expected now`);
    const awareness = input.event === 'renewal-reminder' && c.expiresAt ? awarenessReminder(await ports.awareness(c.employee.email), c.ori, connecticutDate(ports.now()), c.expiresAt) : undefined;
    await ports.send(certificationMail(input.event, c, input.daysLeft, awareness));
    return { status: c.status };
  }
  if (await move(ports, c, rule.from, rule.to)) await ports.send(certificationMail(input.event, { ...c, status: rule.to }));
  return { status: rule.to };
}

/** Where the exam stands once a result was recorded (or the unit decided the task without one). */
export async function examOutcome(ports: Pick<StepPorts, 'store'>, certificationId: string): Promise<{ outcome: 'passed' | 'retake' | 'exhausted' | 'awaited' }> {
  const { status } = await load(ports, certificationId);
  if (status === 'EXAM_PASSED' || status === 'CERTIFIED') return { outcome: 'passed' };
  if (status === 'ATTEMPTS_EXHAUSTED') return { outcome: 'exhausted' };
  return { outcome: status === 'RETAKE_ALLOWED' ? 'retake' : 'awaited' };
}

/**
 * The pass grants the search role with the certification's expiry.
 * 1. the expiry: a year after the passing attempt was taken
 * 2. the grant (Cognito group in AWS, the local user store at home), idempotent
 * 3. EXAM_PASSED → CERTIFIED with its audit event, once; the employee and agency are told once
 * 4. answers the expiry and the reminder times, for the workflow's waits
 */
export async function grantSearchRole(ports: StepPorts & { readonly grants: RoleGrants }, certificationId: string): Promise<{ expiresAt: string; remind30At: string; remind7At: string }> {
  const c = await load(ports, certificationId);
  const pass = c.attempts.find((a) => a.passed);
  if (!pass) throw new Conflict(`CISS Search certification ${certificationId} has no passing attempt`);
  const grantedAt = c.grantedAt ?? ports.now();
  const expiresAt = c.expiresAt ?? new Date(Date.parse(pass.takenAt) + CERTIFICATION_DAYS * DAY_MS).toISOString();
  if (c.status !== 'CERTIFIED') {
    if (c.status !== 'EXAM_PASSED') throw new Conflict(`CISS Search certification ${certificationId} is ${c.status}; the search role is granted only after a pass`);
    await ports.grants.grant({ email: c.employee.email, role: SEARCH_ROLE, certificationId, grantedAt, expiresAt, status: 'ACTIVE' });
    const granted = { ...c, grantedAt, expiresAt };
    if (await move(ports, c, ['EXAM_PASSED'], 'CERTIFIED', { grantedAt, expiresAt }, { role: SEARCH_ROLE, expiresAt })) await ports.send(certificationMail('granted', granted));
  }
  const renewed = c.renews ? await ports.store.get(c.renews) : undefined;
  if (renewed?.status === 'CERTIFIED') await move(ports, renewed, ['CERTIFIED'], 'RENEWED', { renewedBy: certificationId }, { renewedBy: certificationId });
  const before = (days: number) => new Date(Date.parse(expiresAt) - days * DAY_MS).toISOString();
  return { expiresAt, remind30At: before(30), remind7At: before(7) };
}

/**
 * The certification expired without renewal: the search role is suspended (the account stays),
 * CERTIFIED → LAPSED with its audit event, and the employee and agency told, once.
 */
export async function lapseCertification(ports: StepPorts & { readonly grants: RoleGrants }, certificationId: string): Promise<{ status: CertificationStatus }> {
  const c = await load(ports, certificationId);
  if (c.status === 'LAPSED' || c.status === 'RENEWED') return { status: c.status };
  if (c.expiresAt && Date.parse(c.expiresAt) > Date.parse(ports.now())) throw new Conflict(`CISS Search certification ${certificationId} runs until ${c.expiresAt}; it has not lapsed`);
  await ports.grants.suspend(c.employee.email, SEARCH_ROLE, certificationId, ports.now(), 'lapsed');
  if (await move(ports, c, ['CERTIFIED'], 'LAPSED', {}, { role: SEARCH_ROLE, reason: 'lapsed' })) await ports.send(certificationMail('lapsed', c));
  return { status: 'LAPSED' };
}
