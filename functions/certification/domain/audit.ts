import { AuditSubject, type AuditEvent } from '#shared/audit';
import { CERTIFICATION_SUBJECT } from './certification';

/**
 * Kept apart from the certification's vocabulary (certification.ts), which the portal bundles:
 * the audit module brings the AWS SDK with it.
 */

/** An audit event about one certification: ids, codes, counts and scores only. */
export function certificationAudit(certificationId: string, type: string, actor: string, details: AuditEvent['details'] = {}, outcome: AuditEvent['outcome'] = 'success', source?: AuditEvent['source']): AuditEvent {
  return { type, outcome, actor, component: 'ciss-search-certification', subject: AuditSubject.of(CERTIFICATION_SUBJECT, certificationId), source, details };
}
