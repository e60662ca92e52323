import type { AuditRecordView } from '../../../functions/audit/domain/query';

/**
 * The audit trail as CSV (RFC 4180), written in the browser from the pages GET /audit gave: each
 * page read is itself an audit record, so the export leaves its trace in the trail as any other
 * query does. Cells a spreadsheet would run as a formula (starting = + - @, or a tab or carriage
 * return before one) are prefixed with ' (OWASP "CSV injection"): an audit trail is evidence,
 * and opening it must not run what an actor typed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: guarded against formulas, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly (string | number | boolean | null | undefined)[]): string => cells.map(csvCell).join(',');

export const AUDIT_CSV_COLUMNS = ['at', 'type', 'outcome', 'actor', 'component', 'subjectType', 'subjectId', 'sourceIp', 'userAgent', 'details'] as const;

/** The records as a CSV file: a header line, one line per record, CRLF line ends; details as JSON. */
export function auditCsv(records: readonly AuditRecordView[]): string {
  const lines = [
    csvLine(AUDIT_CSV_COLUMNS),
    ...records.map((r) => csvLine([r.at, r.type, r.outcome, r.actor, r.component, r.subject.type, r.subject.id, r.source?.ip, r.source?.userAgent, r.details ? JSON.stringify(r.details) : ''])),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
