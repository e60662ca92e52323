import * as z from 'zod/mini';
import data from './municipalities.json' with { type: 'json' };

/**
 * The agency registry's reference data: every Connecticut municipality's police agency and the
 * state agencies, each with its ORI, town and kind.
 *
 * **The ORIs are synthetic.** They are not the FBI-assigned ORIs of these agencies (this project
 * has no source for those), and must never be read as such. The scheme is deterministic:
 * `CT` + a five-digit number + `00`, so each is a valid ORI by the API's pattern.
 * - New Haven is `CT0000100`: the demo agency, whose ORI the demo people and packets used before
 *   the registry existed (infra/local/users.ts `DEMO_ORI`).
 * - The other 168 municipalities take 00002 to 00169 in alphabetical order of town.
 * - State agencies take 00901 onwards, in the order of `STATE_AGENCIES`.
 *
 * Which towns keep a police department of their own is stated only where a source names the
 * department (`POLICE_DEPARTMENTS`); the others are "<Town> police", the agency whose RMS sends the
 * town's arrests, whether a department or the State Police serving the town.
 */

export const AGENCY_KINDS = ['municipal', 'state'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const AgencySchema = z.object({
  ori: z.string().check(z.regex(/^CT\d{5}00$/)),
  name: z.string().check(z.minLength(1)),
  kind: z.enum(AGENCY_KINDS),
  /** The municipality a municipal agency polices; null for a state agency (statewide). */
  town: z.nullable(z.string().check(z.minLength(1))),
  /** True where a cited source names the town's own police department; absent where this file does not say. */
  policeDepartment: z.optional(z.literal(true)),
});
export type Agency = z.infer<typeof AgencySchema>;

/**
 * The 169 municipalities of Connecticut, alphabetical (municipalities.json says where the list was
 * checked). The list and the agencies built from it are fixed data, checked by the unit test
 * (test/unit/agencies.test.ts: 169 towns once each, valid and unique ORIs), not parsed again at
 * every cold start (that parse cost the functions importing the registry 15–18 ms of CPU).
 */
export const MUNICIPALITIES: readonly string[] = data.municipalities;

/**
 * Towns whose own police department a source names: OLR Report 2016-R-0275 (Table 1, as far as it
 * could be read: Ansonia, Avon, Berlin, Bethel, Guilford, Hamden, Hartford, Rocky Hill, Seymour,
 * Shelton) and ctbythenumbers.news "Connecticut: 94 Municipal Police Departments" (2023, from OLR:
 * the 21 largest departments by sworn officers). Other towns may well have one; this list only
 * says what those sources say.
 */
export const POLICE_DEPARTMENTS: ReadonlySet<string> = new Set([
  'Ansonia', 'Avon', 'Berlin', 'Bethel', 'Guilford', 'Rocky Hill', 'Seymour', 'Shelton',
  'Hartford', 'New Haven', 'Bridgeport', 'Waterbury', 'Stamford', 'Greenwich', 'Norwalk', 'New Britain', 'Danbury', 'West Hartford',
  'Meriden', 'East Hartford', 'Fairfield', 'Bristol', 'West Haven', 'Middletown', 'Milford', 'Manchester', 'Stratford', 'Enfield', 'Hamden',
]);

/**
 * State agencies: the owners of CISS Search's source systems (functions/search/domain/sources.json)
 * and state agencies with sworn officers whose existence is public record.
 */
export const STATE_AGENCIES: readonly string[] = [
  'Department of Emergency Services and Public Protection, Division of State Police',
  'Judicial Branch',
  'Judicial Branch, Court Support Services Division',
  'Division of Criminal Justice',
  'Division of Public Defender Services',
  'Department of Correction',
  'Board of Pardons and Paroles',
  'Department of Motor Vehicles',
  'CJIS Governing Board (CISS)',
  'Department of Energy and Environmental Protection, Environmental Conservation Police',
  'University of Connecticut Police Department',
  'Connecticut State Capitol Police',
];

/** The demo agency (New Haven), first by the scheme above. */
export const DEMO_TOWN = 'New Haven';

const oriOf = (n: number): string => `CT${String(n).padStart(5, '0')}00`;

function build(): readonly Agency[] {
  const others = MUNICIPALITIES.filter((t) => t !== DEMO_TOWN);
  const municipal = [DEMO_TOWN, ...others].map((town, i): Agency => {
    const department = POLICE_DEPARTMENTS.has(town);
    return { ori: oriOf(i + 1), name: department ? `${town} Police Department` : `${town} police`, kind: 'municipal', town, ...(department ? { policeDepartment: true as const } : {}) };
  });
  const state = STATE_AGENCIES.map((name, i): Agency => ({ ori: oriOf(901 + i), name, kind: 'state', town: null }));
  return [...municipal, ...state];
}

/** Every agency of the registry: 169 municipal, then the state agencies. */
export const AGENCIES: readonly Agency[] = build();

const byOri = new Map(AGENCIES.map((a) => [a.ori, a]));
const byTown = new Map(AGENCIES.filter((a) => a.kind === 'municipal').map((a) => [a.town, a]));

export const agencyOf = (ori: string): Agency | undefined => byOri.get(ori);
/** The municipal agency of a town, by its name as written in `MUNICIPALITIES`. */
export const agencyOfTown = (town: string): Agency | undefined => byTown.get(town);
