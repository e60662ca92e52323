import type { FieldProblem } from '#shared/errors';
import { problemMessage } from '#shared/messages';
import { chargeLine, chargesInWords } from './charges';
import { courtFor } from './courts';
import type { ArrestPacket } from './packet';

/** One line of what the clerk's review e-mail and page show. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** The most lines a review shows (a task's subject holds at most this many facts). */
const MAX_FACTS = 40;

/** What the clerk's review e-mail and page show about the packet. */
export function factsOf(packet: ArrestPacket, warnings: readonly FieldProblem[]): Fact[] {
  const name = packet.arrestee.personName;
  return [
    { label: 'Agency', value: `${packet.agency.organizationName} (${packet.agency.ori})` },
    { label: 'Incident', value: packet.incidentNumber },
    { label: 'Arrestee', value: `${name.surName}, ${name.givenName}${name.middleName ? ` ${name.middleName}` : ''}, born ${packet.arrestee.personBirthDate}` },
    { label: 'Arrested', value: `${packet.arrest.activityDateTime} (${packet.arrest.arrestType}), ${packet.arrest.location.cityName}` },
    ...chargesInWords(packet).map((c, i) => ({ label: c.charge, value: chargeLine(c, i) })),
    { label: 'Arraignment', value: `GA ${packet.court.gaNumber}, ${packet.arraignmentDate}` },
    { label: 'Documents', value: packet.documents.map((d) => `${d.documentType} ${d.documentReference}`).join('; ') || 'none' },
    ...warnings.map((w) => ({ label: 'Warning', value: problemMessage(w) })),
  ].slice(0, MAX_FACTS);
}

/** The title of the clerk's review task. */
export function reviewTitle(packet: ArrestPacket, version: number): string {
  return `Arrest packet ${packet.incidentNumber} from ${packet.agency.ori} (version ${version})`;
}

/**
 * Who reviews the packet: the clerk of its arraignment court. The task names the court, so only
 * that court's clerks see and decide it (the tasks API); no known court → nobody (null).
 */
export function clerkFor(packet: ArrestPacket): { role: 'court-clerk'; email: string; court: string } | null {
  const court = courtFor(packet.court.gaNumber);
  return court ? { role: 'court-clerk', email: court.clerkEmail, court: court.id } : null;
}

/**
 * The clerk's review: two days per reminder, two reminders, then a visible end. The execution
 * starts with it (receive, amend), counting from reminder 0; the workflow's own default
 * (statemachines/arrest-packet.ts) is this one.
 */
export const CLERK_REVIEW = { decisionSeconds: 172800, reminder: 0, maxReminders: 2 } as const;
