import { AuditSubject, type AuditDetails, type AuditEvent, type AuditSource } from '#shared/audit';

/** Appends one audit record (the audit table). */
export type RecordAudit = (event: AuditEvent) => Promise<void>;

/** Who acts, and from where. */
export interface Operator {
  readonly username: string;
  readonly source: AuditSource;
}

/** The operations component's audit record: these calls read justice data or act on it. */
export const opsAudit =
  (record: RecordAudit, operator: Operator) =>
  (type: string, subject: AuditSubject, outcome: 'success' | 'failure', details: AuditDetails): Promise<void> =>
    record({ type, outcome, actor: operator.username, component: 'operations', subject, source: operator.source, details });

export { AuditSubject };
