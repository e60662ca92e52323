import * as z from 'zod';
import { ORI_PATTERN } from '../../functions/auth/claims';
import { CourtIdSchema } from '../../functions/shared/courts';
import { isAgencyRole, ROLES, SEARCH_ROLE } from '../../functions/shared/roles';

/** Why no person of the user pool may be listed with `search`. */
export const SEARCH_BY_HAND_RULE =
  'must not include "search": CISS Search access is obtainable only through the certification lifecycle (training, the exam, a year’s grant); for a demo searcher, list a seeded certification (RuntimeOptions.certified, DEMO_CERTIFIED)';

/**
 * A person of the local user pool, as Cognito holds one in AWS: the user name, the attributes
 * (`name`, `email`, `custom:ori`, `custom:courts`) and the groups (roles). Locally there are no
 * passwords: the sign-in page (oauth.ts) lists these people and signs in the one chosen.
 */
export const DemoUserSchema = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be 2 to 63 lower-case letters, digits and . _ -'),
    name: z.string().min(1).max(100),
    email: z.email(),
    roles: z.array(z.enum(ROLES)).min(1),
    /** The agency (ORI) of an agency role. */
    ori: z.string().regex(ORI_PATTERN, 'must be an ORI: two letters and seven letters or digits, e.g. CT0000100').optional(),
    /** The GA courts of a court clerk. */
    courts: z.array(CourtIdSchema).optional(),
    /** What the sign-in page says of the person's agency or court, e.g. "New Haven Police Department". */
    organization: z.string().min(1).max(100),
  })
  .refine((u) => !u.roles.some(isAgencyRole) || u.ori !== undefined, { message: 'an agency role needs its ori', path: ['ori'] })
  .refine((u) => !u.roles.includes('court-clerk') || (u.courts?.length ?? 0) > 0, { message: 'a court clerk needs at least one court', path: ['courts'] })
  .refine((u) => !u.roles.includes(SEARCH_ROLE), { message: SEARCH_BY_HAND_RULE, path: ['roles'] });
export type DemoUser = z.infer<typeof DemoUserSchema>;

/**
 * A person the local runtime starts with a CISS Search certification (infra/local/certifications.ts):
 * written as the lifecycle's grant leaves one, marked seeded, expiring a year after start-up.
 */
export interface SeededCertification {
  readonly username: string;
  /** The agency the certification is recorded under. @default the person's own `ori` */
  readonly ori?: string;
}

/** The demo agency (New Haven PD), whose requests and packets the demo data are. */
export const DEMO_ORI = 'CT0000100';

/**
 * The people of the local user pool: one or more per role of the workflows. The unit's address is
 * the one its mail goes to (`CCHRS_UNIT_EMAIL`, infra/manifest/access.ts); the clerks' courts are
 * those the demo packets are arraigned in (GA23) and one other (GA14), for the court-scoping rule.
 * Nobody is listed with `search` (DemoUserSchema refuses it): `npm start` certifies two through
 * DEMO_CERTIFIED, an officer (sees no juvenile records) and a prosecutor (sees them, CGS § 46b-124).
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'nhpd-admin', name: 'Dana Whitfield', email: 'admin@nhpd.ct.example', roles: ['agency-admin'], ori: DEMO_ORI, organization: 'New Haven Police Department' },
  { username: 'nhpd-staff', name: 'Luis Ortega', email: 'staff@nhpd.ct.example', roles: ['agency-staff'], ori: DEMO_ORI, organization: 'New Haven Police Department' },
  { username: 'cchrs-unit', name: 'Priya Raman', email: 'cchrs.unit@dpscs.ct.example', roles: ['unit'], organization: 'Department of Emergency Services and Public Protection' },
  { username: 'clerk-ga23', name: 'Maureen Kelly', email: 'clerk.ga23@jud.ct.example', roles: ['court-clerk'], courts: ['GA23'], organization: 'Superior Court, New Haven' },
  { username: 'clerk-ga14', name: 'Tomas Reyes', email: 'clerk.ga14@jud.ct.example', roles: ['court-clerk'], courts: ['GA14'], organization: 'Superior Court, Hartford' },
  { username: 'judge-ga23', name: 'Hon. Ellen Park', email: 'judge.ga23@jud.ct.example', roles: ['judicial'], organization: 'Superior Court, New Haven' },
  { username: 'dcj-attorney', name: 'Marcus Bell', email: 'attorney@dcj.ct.example', roles: ['dcj'], organization: 'Division of Criminal Justice' },
  { username: 'auditor', name: 'Grace Liu', email: 'auditor@dpscs.ct.example', roles: ['auditor'], organization: 'CJIS audit, Department of Emergency Services and Public Protection' },
  // CISS Search's demo searchers: certified by a seed (DEMO_CERTIFIED), never by hand.
  { username: 'nhpd-officer', name: 'Officer Rita Alvarez', email: 'officer@nhpd.ct.example', roles: ['agency-staff'], ori: DEMO_ORI, organization: 'New Haven Police Department' },
  { username: 'dcj-prosecutor', name: 'Jonah Feld', email: 'prosecutor@dcj.ct.example', roles: ['dcj'], organization: 'Division of Criminal Justice' },
  // Dissemination: a probation officer, told of a supervisee's arrest (the simulated CSSD records name her).
  { username: 'cssd-officer', name: 'Officer Nadia Brooks', email: 'officer.brooks@cssd.ct.example', roles: ['community'], organization: 'Court Support Services Division, Adult Probation' },
  { username: 'ops', name: 'Sam Novak', email: 'ops@ciss.ct.example', roles: ['operations'], organization: 'CISS operations' },
];

/** The ORI the Division of Criminal Justice's demo certification is recorded under (a synthetic one). */
export const DEMO_DCJ_ORI = 'CTDCJ0000';

/**
 * `npm start`'s CISS Search certifications: the officer and the prosecutor hold `search` through
 * a seeded certification (a year from start-up; reminders and the lapse run as on any other).
 */
export const DEMO_CERTIFIED: readonly SeededCertification[] = [{ username: 'nhpd-officer' }, { username: 'dcj-prosecutor', ori: DEMO_DCJ_ORI }];

/** The user names a browser test signs in as (the sign-in page's buttons carry them as `value`). */
export const DEMO_USERNAMES = DEMO_USERS.map((u) => u.username);

/**
 * The people of the local user pool: `DEMO_USERS`, or a list given to the runtime
 * (`RuntimeOptions.users`), each checked against `DemoUserSchema`. A list replaces the demo one;
 * to extend it, pass `[...DEMO_USERS, ...more]`. User names must be unique.
 */
export function userDirectory(users: readonly unknown[] = DEMO_USERS): readonly DemoUser[] {
  const parsed = z.array(DemoUserSchema).min(1).parse(users);
  const seen = new Set<string>();
  for (const [i, user] of parsed.entries()) {
    if (seen.has(user.username)) throw new Error(`users[${i}].username: "${user.username}" is listed twice; user names must be unique`);
    seen.add(user.username);
  }
  return parsed;
}

/** How the sign-in page names a person's role (Cognito group). */
export const ROLE_LABELS: Readonly<Record<(typeof ROLES)[number], string>> = {
  'agency-admin': 'Agency administrator',
  'agency-rms': 'Agency RMS (machine)',
  'agency-staff': 'Agency staff',
  unit: 'CCHRS unit',
  'court-clerk': 'Court clerk',
  dcj: 'Prosecutor (DCJ)',
  judicial: 'Judge',
  community: 'Community partner',
  operations: 'Operations',
  auditor: 'Auditor',
  search: 'CISS Search (certified)',
  'exam-provider': 'CISS Search exam provider (machine)',
};
