import { AuditSubject, type AuditEvent } from '#shared/audit';
import type { AccessRequest } from './request';

/** An audit event of the access workflow, about one request. */
export function auditOf(request: Pick<AccessRequest, 'requestId'>, type: string, actor: string, details: AuditEvent['details'] = {}, outcome: AuditEvent['outcome'] = 'success', source?: AuditEvent['source']): AuditEvent {
  return { type, outcome, actor, component: 'cchrs-access', subject: AuditSubject.of('access-request', request.requestId), source, details };
}
