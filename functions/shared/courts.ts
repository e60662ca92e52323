import * as z from 'zod/mini';
import type { Role } from '#shared/roles';
import { lazy } from './lazy';

/**
 * The claim naming the GA courts a court clerk acts for, as `custom:ori` names an agency: a
 * comma-separated list of court ids ("GA23,GA7"). In Cognito it is the user's `custom:courts`
 * attribute, set by an administrator and copied into the access token by the pre-token trigger
 * (functions/auth/claims.ts); the local issuer puts the same claim in its tokens.
 */
export const COURTS_CLAIM = 'custom:courts';

/** The role whose work is scoped by court, as agency roles are by ORI. */
export const COURT_ROLE = 'court-clerk' satisfies Role;

/** A Superior Court geographical-area court: `GA` and its number, 1 to 23 (e.g. GA23). */
export const COURT_PATTERN = /^GA([1-9]|1\d|2[0-3])$/;

export const CourtIdSchema = lazy(() => z.string().check(z.regex(COURT_PATTERN, 'must be a GA court: GA and its number, e.g. GA23')));

/** The court id of a packet's arraignment court (`court.gaNumber`). */
export const courtIdOf = (gaNumber: number): string => `GA${gaNumber}`;

/**
 * The court ids a claim (or an administrator's attribute) lists: entries split on commas, spaces
 * ignored, case and leading zeros forgiven ("ga07" is GA7), each court once. An entry that names no
 * GA court is left out, never widened: a clerk gets at most the courts written correctly.
 */
export function parseCourts(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const ids = value.split(',').flatMap((entry) => {
    const match = /^GA\s*0*(\d{1,2})$/i.exec(entry.trim());
    const id = match?.[1] ? courtIdOf(Number(match[1])) : '';
    return COURT_PATTERN.test(id) ? [id] : [];
  });
  return [...new Set(ids)];
}

/** The 403 for a court clerk whose token names no court. */
export const NO_COURT_MESSAGE = `Your token names no court (claim ${COURTS_CLAIM}): a court clerk acts only for the GA courts set on their account, e.g. GA23. Ask your administrator to set them.`;

/**
 * Whether the caller is a court clerk whose token names no court, with no other role that opens
 * the route on its own. Such an account is misconfigured (a clerk of no court, not of every
 * court): refused with a 403 that names the claim, rather than shown an empty list.
 */
export function lacksCourt(caller: { readonly roles: readonly Role[]; readonly courts: readonly string[] }, routeRoles: readonly Role[]): boolean {
  if (!caller.roles.includes(COURT_ROLE) || caller.courts.length > 0) return false;
  return !caller.roles.some((r) => r !== COURT_ROLE && routeRoles.includes(r));
}
