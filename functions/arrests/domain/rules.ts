import type { FieldProblem } from '#shared/errors';
import { courtFor } from './courts';
import type { ArrestPacket } from './packet';
import { statutes, type Statute } from './statutes';

/** Documents each arrest type must come with (a summons is released on paper, a custodial arrest is booked). */
export const REQUIRED_DOCUMENTS: Readonly<Record<ArrestPacket['arrest']['arrestType'], readonly string[]>> = {
  custodial: ['uniform-arrest-report', 'custodial-arrest-report'],
  summons: ['uniform-arrest-report', 'misdemeanor-summons'],
};

/** Youngest and oldest age at arrest that is plausible for an adult criminal arrest packet. */
export const MIN_AGE = 14;
export const MAX_AGE = 110;
/** Clock skew between an RMS and us that is tolerated before an arrest counts as in the future. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export interface ValidationResult {
  /** Rules that failed: the packet is rejected with every one of them. */
  readonly problems: FieldProblem[];
  /** Worth the clerk's attention, not a reason to reject (e.g. a class graded up from the base). */
  readonly warnings: FieldProblem[];
}

/** Whole years between a birth date and a moment (the age at that moment). */
export function ageAt(birthDate: string, at: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
  return age;
}

/** The calendar date (YYYY-MM-DD) of a date-time in Connecticut, where the arrest and the court are. */
export function connecticutDate(dateTime: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(dateTime));
}

/**
 * The business rules of step 2, beyond the schema. Every rule is checked (not the first that
 * fails), so the agency can fix everything in one amendment.
 * 1. every statute is a known Connecticut section; a class other than its base class is a warning
 * 2. the arrest is not in the future
 * 3. the date of birth is before the arrest, and the age at arrest is plausible
 * 4. the arraignment is on or after the day of the arrest
 * 5. the court is a GA court we know the clerk of
 * 6. the documents the arrest type needs are attached
 */
export function validatePacket(packet: ArrestPacket, now: Date, table: ReadonlyMap<string, Statute> = statutes()): ValidationResult {
  const problems: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];

  packet.charges.forEach((charge, i) => {
    const statute = table.get(charge.statuteSection);
    if (!statute) {
      problems.push({ field: `charges.${i}.statuteSection`, rule: `${charge.statuteSection} is not a known Connecticut statute section` });
    } else if (statute.baseClass !== charge.offenseClass) {
      warnings.push({
        field: `charges.${i}.offenseClass`,
        rule: `${charge.statuteSection} (${statute.title}) is a ${statute.baseClass} in its basic form; charged as ${charge.offenseClass}`,
      });
    }
  });

  const arrestedAt = new Date(packet.arrest.activityDateTime);
  if (arrestedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    problems.push({ field: 'arrest.activityDateTime', rule: 'must not be in the future' });
  }

  const birth = packet.arrestee.personBirthDate;
  if (Date.parse(`${birth}T00:00:00Z`) >= Date.parse(`${connecticutDate(packet.arrest.activityDateTime)}T00:00:00Z`)) {
    problems.push({ field: 'arrestee.personBirthDate', rule: 'must be before the arrest' });
  } else {
    const age = ageAt(birth, arrestedAt);
    if (age < MIN_AGE || age > MAX_AGE) {
      problems.push({ field: 'arrestee.personBirthDate', rule: `gives an age at arrest of ${age}; it must be between ${MIN_AGE} and ${MAX_AGE}` });
    }
  }

  if (packet.arraignmentDate < connecticutDate(packet.arrest.activityDateTime)) {
    problems.push({ field: 'arraignmentDate', rule: 'must be on or after the day of the arrest' });
  }

  if (!courtFor(packet.court.gaNumber)) {
    problems.push({ field: 'court.gaNumber', rule: `GA ${packet.court.gaNumber} is not a geographical-area court that arraigns arrests` });
  }

  const attached = new Set(packet.documents.map((d) => d.documentType));
  for (const required of REQUIRED_DOCUMENTS[packet.arrest.arrestType]) {
    if (!attached.has(required as (typeof packet.documents)[number]['documentType'])) {
      problems.push({ field: 'documents', rule: `a ${packet.arrest.arrestType} arrest needs a ${required}` });
    }
  }

  return { problems, warnings };
}
