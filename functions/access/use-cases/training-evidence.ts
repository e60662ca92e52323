import type { TaskStore } from '#shared/adapters/task-store';
import type { AuditSource } from '#shared/audit';
import { zodEnglish } from '#shared/messages';
import { ValidationFailed, type FieldProblem } from '#shared/errors';
import { standing, type Task } from '../../tasks/domain/task';
import { linkIsGenuine } from '../../tasks/domain/use-cases';
import { auditOf } from '../domain/audit';
import { TrainingVerificationSchema, type TrainingModule } from '../domain/training';
import type { RecordAudit } from './ports';
import { recordTrainingVerification, type RecordTrainingPorts } from './record-training';

export interface EvidenceLinkPorts {
  readonly tasks: Pick<TaskStore, 'get'>;
  /** The keys a link may be signed with: the current one, and the one before the last rotation. */
  readonly linkKeys: () => Promise<Buffer[]>;
  readonly audit: RecordAudit;
  /** Now, as a date (the runtime's controllable clock locally). */
  readonly clock: () => Date;
}

/** What the e-mailed link carries, as its query (GET) or the form's hidden fields (POST). */
export interface EvidenceLink {
  readonly task: string;
  readonly choice: string;
  readonly expires?: string;
  readonly sig?: string;
}

export type EvidenceOutcome =
  /** No such task, or not this request's verification task (or the request is gone). */
  | { readonly kind: 'unknown' }
  /** The link's signature does not match (audited). */
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'decided' | 'expired' | 'cancelled'; readonly task: Task }
  /** The link is good and the task open: the form. */
  | { readonly kind: 'open'; readonly task: Task }
  /** The form's answer breaks a rule: the form again, with each problem by its field. */
  | { readonly kind: 'invalid'; readonly task: Task; readonly problems: readonly FieldProblem[] }
  | { readonly kind: 'recorded'; readonly missing: readonly TrainingModule[] };

/**
 * The link the unit's "Both verified on CJIS Online" e-mail carries (a link of the verification
 * task, signed as every task link), opened; nothing changes.
 * 1. the task it names must be this request's verification task (unknown otherwise)
 * 2. the link must be genuine, for the `verified` choice: refused and audited with the source
 * 3. a decided, expired or cancelled task says so; an open one shows the form
 */
export async function openEvidenceLink(ports: EvidenceLinkPorts, requestId: string, link: EvidenceLink, source: AuditSource): Promise<Exclude<EvidenceOutcome, { kind: 'invalid' | 'recorded' }>> {
  const stored = /^[A-Za-z0-9_-]{1,64}$/.test(link.task) ? await ports.tasks.get(link.task) : undefined;
  if (!stored || stored.task.subject.id !== requestId || stored.task.workflow !== 'access-request' || stored.task.step !== 'training-verification') return { kind: 'unknown' };
  if (link.choice !== 'verified' || !(await ports.linkKeys()).some((key) => linkIsGenuine(stored.task, link.choice, link.expires, link.sig, key))) {
    await ports.audit(auditOf({ requestId }, 'TrainingEvidenceLinkRefused', 'anonymous', { taskId: link.task, reason: 'signature does not match' }, 'denied', source));
    return { kind: 'forbidden' };
  }
  const now = standing(stored.task, ports.clock());
  return now === 'pending' ? { kind: 'open', task: stored.task } : { kind: now, task: stored.task };
}

/**
 * The form's answer: each module's CJIS Online completion, recorded as the unit member the task
 * is assigned to (channel `email-link`), audited as the API's verification is.
 * 1. the link is checked as when it was opened
 * 2. the answer must meet the rules (a PDF certificate is refused with the 15 May 2024 rule):
 *    otherwise the form again, with each problem
 * 3. recorded and the task decided (recordTrainingVerification); its 409s are the caller's
 */
export async function recordEvidence(ports: EvidenceLinkPorts & RecordTrainingPorts, requestId: string, link: EvidenceLink, answer: unknown, source: AuditSource): Promise<EvidenceOutcome> {
  const opened = await openEvidenceLink(ports, requestId, link, source);
  if (opened.kind !== 'open') return opened;
  const parsed = TrainingVerificationSchema.safeParse(answer, { error: zodEnglish });
  if (!parsed.success) return { kind: 'invalid', task: opened.task, problems: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), rule: i.message })) };
  const request = await ports.store.get(requestId);
  if (!request) return { kind: 'unknown' };
  try {
    const { missing } = await recordTrainingVerification(ports, request, parsed.data, { id: opened.task.assignee.email, channel: 'email-link', source });
    return { kind: 'recorded', missing };
  } catch (error) {
    if (error instanceof ValidationFailed) return { kind: 'invalid', task: opened.task, problems: error.problems };
    throw error;
  }
}
