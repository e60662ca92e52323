import { PREDICATE } from '#shared/messages';
import type { ARREST_TYPES, DOCUMENT_TYPES, RELEASE_TYPES } from './packet';

/**
 * A packet's fields and codes in the words of the people who read it (the agency's records staff,
 * the court clerk, Judicial), for the portal. The API keeps its machine paths and rules
 * (`arrestee.personBirthDate`, `must be before the arrest day (2026-03-01)`) for programs; these
 * turn them into "The arrestee's date of birth must be before the arrest day (2026-03-01)".
 * A pure module (no `node:` imports in its chain), so the browser bundles it.
 */

export const DOCUMENT_WORDS: Readonly<Record<(typeof DOCUMENT_TYPES)[number], string>> = {
  'uniform-arrest-report': 'uniform arrest report',
  'misdemeanor-summons': 'misdemeanor summons',
  'custodial-arrest-report': 'custodial arrest report',
  'arrest-warrant-affidavit': 'arrest warrant affidavit',
  'incident-report': 'incident report',
};

export const RELEASE_WORDS: Readonly<Record<(typeof RELEASE_TYPES)[number], string>> = {
  held: 'Held in custody',
  'surety-bond': 'Released on a surety bond',
  'cash-bond': 'Released on a cash bond',
  'promise-to-appear': 'Released on a written promise to appear',
  'summons-release': 'Released on a summons',
};

export const ARREST_TYPE_WORDS: Readonly<Record<(typeof ARREST_TYPES)[number], string>> = {
  custodial: 'Custodial arrest',
  summons: 'Summons (misdemeanor)',
};

/** The packet's fields by path; a charge's fields are named after `Charge <n>, `. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  'agency.ori': "The agency's ORI",
  'agency.organizationName': "The agency's name",
  'agency.contactEmail': "The agency's contact e-mail",
  incidentNumber: 'The incident number',
  'arrest.activityDateTime': 'The date and time of the arrest',
  'arrest.arrestType': 'The arrest type',
  'arrest.location': 'The place of arrest',
  'arrestee.personName.givenName': "The arrestee's given name",
  'arrestee.personName.surName': "The arrestee's surname",
  'arrestee.personBirthDate': "The arrestee's date of birth",
  'arrestee.personSex': "The arrestee's sex",
  'arrestee.personRace': "The arrestee's race",
  'arrestee.stateIdentification': "The arrestee's state id (SID)",
  'arrestee.fbiIdentification': "The arrestee's FBI number",
  charges: 'The charges',
  'arrestingOfficer.badgeIdentification': "The officer's badge number",
  'court.gaNumber': 'The court (GA number)',
  arraignmentDate: 'The arraignment date',
  'release.releaseType': 'The release',
  'release.bondAmount': 'The bond amount',
  documents: 'The attached documents',
};

const CHARGE_FIELD_WORDS: Readonly<Record<string, string>> = {
  chargeSequenceID: 'charge number',
  statuteSection: 'statute',
  chargeDescriptionText: 'description',
  offenseClass: 'offense class',
  chargeCountQuantity: 'number of counts',
};

/** `personBirthDate` → `person birth date`: a last resort for a path no table names. */
const spaced = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** A packet field's path in words: `charges.0.statuteSection` → `Charge 1, statute`. */
export function packetFieldInWords(field: string): string {
  const charge = /^charges\.(\d+)(?:\.(.+))?$/.exec(field);
  if (charge) {
    const label = `Charge ${Number(charge[1]) + 1}`;
    return charge[2] ? `${label}, ${CHARGE_FIELD_WORDS[charge[2]] ?? spaced(charge[2])}` : label;
  }
  const known = FIELD_WORDS[field];
  if (known) return known;
  const parts = field.split('.');
  const words = spaced(parts.join(' '));
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Document type codes inside a rule (`must include a uniform-arrest-report`) in words. */
const codesInWords = (rule: string): string => Object.entries(DOCUMENT_WORDS).reduce((text, [code, words]) => text.replaceAll(code, words), rule);

/**
 * A rule the packet broke (a validation failure or warning as the API gives it) as one sentence:
 * `{ field: 'documents', rule: 'must include a custodial-arrest-report: a custodial arrest needs one' }`
 * → `The attached documents must include a custodial arrest report: a custodial arrest needs one.`
 */
export function ruleInWords(problem: { readonly field: string; readonly rule: string }): string {
  const where = packetFieldInWords(problem.field);
  const rule = codesInWords(problem.rule);
  const sentence = PREDICATE.test(rule) ? `${where} ${rule}` : `${where}: ${rule}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
