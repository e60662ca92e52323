/**
 * Dissemination rules: which roles see which records, and which fields of them, as data. The
 * `search` role lets a person search at all; what a search shows them is decided here by their
 * other roles. Sealed and erased records are not here: they leave the engine (search_apply) and
 * are never shown to anyone.
 *
 * The rules are applied twice, so no caller ever receives what they may not see:
 * - records, in SQL (`hiddenRecordsSql`): a hidden record is not a candidate, is not counted, and
 *   its detail answers 404 like a missing one;
 * - fields, in the answer (`redactFields`): a field a role may not see is left out of the record.
 *
 * Bases: juvenile records are confidential, CGS § 46b-124, as issue 16 names it (the statutes
 * reference in shared/reference lists offence sections only, so the section is named here, not
 * quoted). Protective orders and their protected party's details: CISS policy as this
 * application sets it (contract of issue 16), not a statement of law.
 */
import type { Role } from '#shared/roles';
import type { RecordField, RecordKind } from './record';

/** Bump with every change to the rules below; the audit of each search and view records it. */
export const VISIBILITY_VERSION = 1;

/** Records a rule covers: by kind, by the juvenile flag, or both. */
export interface RecordMatch {
  readonly kind?: RecordKind;
  readonly juvenile?: true;
}

/** Records only the listed roles may see. */
export interface RecordRule {
  readonly id: string;
  readonly applies: RecordMatch;
  readonly roles: readonly Role[];
  readonly basis: string;
}

/** Fields (by label, case-insensitive prefix) of some records that only the listed roles may see. */
export interface FieldRule {
  readonly id: string;
  readonly applies: RecordMatch;
  readonly labelPrefix: string;
  readonly roles: readonly Role[];
  readonly basis: string;
}

export interface VisibilityRules {
  readonly version: number;
  readonly records: readonly RecordRule[];
  readonly fields: readonly FieldRule[];
}

export const VISIBILITY: VisibilityRules = {
  version: VISIBILITY_VERSION,
  records: [
    { id: 'juvenile', applies: { juvenile: true }, roles: ['judicial', 'dcj'], basis: 'CGS § 46b-124: juvenile records are confidential; shown to the court and prosecutors only' },
    {
      id: 'protective-order',
      applies: { kind: 'protective-order' },
      roles: ['judicial', 'court-clerk', 'dcj', 'agency-staff', 'agency-admin'],
      basis: 'CISS policy: protective orders to the court, prosecutors and police agencies',
    },
  ],
  fields: [
    {
      id: 'protected-party',
      applies: { kind: 'protective-order' },
      labelPrefix: 'protected party',
      roles: ['judicial', 'court-clerk'],
      basis: "CISS policy: the protected party's identity and whereabouts to the court only",
    },
  ],
};

/** What a rule looks at on a record. */
export interface RecordFacts {
  readonly kind: string;
  readonly juvenile: boolean;
}

const covers = (match: RecordMatch, record: RecordFacts): boolean => (match.kind === undefined || match.kind === record.kind) && (match.juvenile === undefined || record.juvenile);

const holdsOne = (roles: readonly string[], allowed: readonly Role[]): boolean => roles.some((r) => (allowed as readonly string[]).includes(r));

/** The record rules that hide records from a caller with these roles. */
export const rulesHidingFrom = (roles: readonly string[], rules: VisibilityRules = VISIBILITY): readonly RecordRule[] => rules.records.filter((rule) => !holdsOne(roles, rule.roles));

/** Whether a caller with these roles may see this record at all. */
export const maySee = (roles: readonly string[], record: RecordFacts, rules: VisibilityRules = VISIBILITY): boolean => !rulesHidingFrom(roles, rules).some((rule) => covers(rule.applies, record));

/**
 * The SQL condition that keeps out the records a caller may not see, on the alias `r` of
 * search_record (kind, juvenile), with its parameters: `TRUE` when nothing is hidden.
 */
export function hiddenRecordsSql(roles: readonly string[], rules: VisibilityRules = VISIBILITY): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const hidden = rulesHidingFrom(roles, rules).map((rule, i) => {
    const parts: string[] = [];
    if (rule.applies.kind !== undefined) {
      params[`vis_kind_${i}`] = rule.applies.kind;
      parts.push(`r.kind = :vis_kind_${i}`);
    }
    if (rule.applies.juvenile) parts.push('r.juvenile');
    return `(${parts.join(' AND ') || 'TRUE'})`;
  });
  return { sql: hidden.length === 0 ? 'TRUE' : `NOT (${hidden.join(' OR ')})`, params };
}

/** The record's fields a caller with these roles may see (the others left out). */
export function redactFields(roles: readonly string[], record: RecordFacts, fields: readonly RecordField[], rules: VisibilityRules = VISIBILITY): RecordField[] {
  const hiding = rules.fields.filter((rule) => covers(rule.applies, record) && !holdsOne(roles, rule.roles));
  return fields.filter((f) => !hiding.some((rule) => f.label.toLowerCase().startsWith(rule.labelPrefix)));
}
