import type { FieldProblem } from '#shared/errors';
import { courtFor } from './courts';
import type { ArrestPacket } from './packet';
import { parseCitation, resolveCitation, statutes, type CitedStatute, type Statute } from './statutes';

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

/** A calendar day, `YYYY-MM-DD`: compared as text, which orders it as time does. */
export type CalendarDay = string;

const DATE_TIME_DAY = /^(\d{4}-\d{2}-\d{2})T/;

/**
 * The arrest's calendar day: the date in the offset the packet's timestamp gives, i.e. the day
 * on the arresting officer's calendar (`2026-03-01T23:30:00-05:00` is 1 March, though it is
 * 2 March in UTC). Every rule that speaks of a day (age at arrest, birth before the arrest,
 * arraignment on or after the arrest) takes the day from here, and only from here: not the
 * UTC date, not a Connecticut time-zone conversion, so two rules cannot disagree near midnight.
 */
export function arrestDay(activityDateTime: string): CalendarDay {
  const day = DATE_TIME_DAY.exec(activityDateTime)?.[1];
  if (!day) throw new TypeError(`Not an ISO 8601 date-time: ${activityDateTime}`);
  return day;
}

/**
 * Whole years from a birth date to a calendar day (the age on that day). A person born on
 * 29 February is a year older on 1 March in a common year (the day after 28 February, the
 * later of the two readings): for the minimum age that errs toward treating a 13-year-old as
 * 13, never a 13-year-old as 14.
 */
export function ageOn(birthDate: CalendarDay, day: CalendarDay): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The indefinite article for an offense class: "an A misdemeanor", "a B felony". */
const article = (offenseClass: string) => (/^[AEIOU]/i.test(offenseClass) ? 'an' : 'a');

/**
 * The business rules of step 2, beyond the schema. Every rule is checked (not the first that
 * fails), so the agency can fix everything in one amendment.
 * 1. every statute citation falls under a known Connecticut section (the citation may carry
 *    subsections: `53a-61(a)(1)` is checked against `53a-61`); a class other than the
 *    section's base class is a warning
 * 2. the arrest is not in the future: its instant, not its day, is compared with the clock,
 *    with FUTURE_TOLERANCE_MS for clock skew. (A "future day" is not a separate rule: an arrest
 *    dated "today" in its own offset but hours ahead of the clock is refused; one whose day is
 *    tomorrow in UTC, e.g. 23:30-05:00, is not, if its instant has passed.)
 * 3. the date of birth is before the arrest day, and the age on the arrest day is plausible
 * 4. the arraignment is on or after the arrest day
 * 5. the court is a GA court we know the clerk of
 * 6. the documents the arrest type needs are attached
 * Days in rules 3 and 4 are `arrestDay`: the date in the arrest timestamp's own offset.
 */
export function validatePacket(packet: ArrestPacket, now: Date, table: ReadonlyMap<string, Statute> = statutes()): ValidationResult {
  const problems: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];

  packet.charges.forEach((charge, i) => {
    const cited = resolveCitation(charge.statuteSection, table);
    if (!cited) {
      const section = parseCitation(charge.statuteSection)?.section ?? charge.statuteSection;
      const asSent = section === charge.statuteSection ? '' : ` (cited as ${charge.statuteSection})`;
      const split = [...table.keys()].filter((key) => key.startsWith(`${section}(`));
      problems.push({
        field: `charges.${i}.statuteSection`,
        rule: split.length
          ? `must cite a subsection of ${section}${asSent}: its subsections are different offenses (${split.join(', ')})`
          : `must cite a known Connecticut statute section; section ${section}${asSent} is not in the reference table`,
      });
    } else if (cited.statute.baseClass !== charge.offenseClass) {
      warnings.push({
        field: `charges.${i}.offenseClass`,
        rule: `differs from the base class: ${citedInWords(cited)} is ${article(cited.statute.baseClass)} ${cited.statute.baseClass} in its basic form; charged as ${charge.offenseClass}`,
      });
    }
  });

  const arrestedAt = new Date(packet.arrest.activityDateTime);
  if (arrestedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    problems.push({ field: 'arrest.activityDateTime', rule: 'must not be in the future' });
  }

  const day = arrestDay(packet.arrest.activityDateTime);
  const birth = packet.arrestee.personBirthDate;
  if (birth >= day) {
    problems.push({ field: 'arrestee.personBirthDate', rule: `must be before the arrest day (${day})` });
  } else {
    const age = ageOn(birth, day);
    if (age < MIN_AGE || age > MAX_AGE) {
      problems.push({ field: 'arrestee.personBirthDate', rule: `gives an age of ${age} on the arrest day (${day}); it must be between ${MIN_AGE} and ${MAX_AGE}` });
    }
  }

  if (packet.arraignmentDate < day) {
    problems.push({ field: 'arraignmentDate', rule: `must be on or after the arrest day (${day})` });
  }

  if (!courtFor(packet.court.gaNumber)) {
    problems.push({ field: 'court.gaNumber', rule: `must be a geographical-area court that arraigns arrests; GA ${packet.court.gaNumber} is not` });
  }

  const attached = new Set(packet.documents.map((d) => d.documentType));
  for (const required of REQUIRED_DOCUMENTS[packet.arrest.arrestType]) {
    if (!attached.has(required as (typeof packet.documents)[number]['documentType'])) {
      problems.push({ field: 'documents', rule: `must include a ${required}: a ${packet.arrest.arrestType} arrest needs one` });
    }
  }

  return { problems, warnings };
}

/**
 * A cited statute in words, the citation as sent first: `53a-61(a)(1) (section 53a-61, Assault
 * in the third degree)`, or `53a-61 (Assault in the third degree)` when the citation is the section.
 */
export function citedInWords(cited: CitedStatute): string {
  return cited.citation === cited.key ? `${cited.citation} (${cited.statute.title})` : `${cited.citation} (section ${cited.key}, ${cited.statute.title})`;
}
