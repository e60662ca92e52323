import type { Role } from '#shared/roles';

/**
 * A role given to a person by a lifecycle, not by hand: CISS Search's `search` role after the
 * certification exam. It carries the certification's expiry; a lapse suspends it (the account
 * itself stays). Kept in the main table by e-mail; in AWS the Cognito group follows it.
 */
export interface RoleGrant {
  readonly email: string;
  readonly role: Role;
  readonly certificationId: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly status: 'ACTIVE' | 'SUSPENDED';
  readonly suspendedAt?: string;
  /** Why it was suspended: a code (`lapsed`), never free text. */
  readonly reason?: string;
  /** Set only on a grant the local runtime's demo seed wrote (infra/local/certifications.ts): the seed's name. */
  readonly seeded?: string;
}

/** The key of a person's grant of one role. */
export const grantKey = (email: string, role: Role) => ({ pk: `GRANT#${email.trim().toLowerCase()}`, sk: `ROLE#${role}` });
/** The partition of a person's grants. */
export const grantPartition = (email: string): string => grantKey(email, 'search').pk;

/** The roles a person's grants give at `now`: active and not yet expired. */
export function rolesHeld(grants: readonly Pick<RoleGrant, 'role' | 'status' | 'expiresAt'>[], now: string): Role[] {
  return [...new Set(grants.filter((g) => g.status === 'ACTIVE' && Date.parse(g.expiresAt) > Date.parse(now)).map((g) => g.role))];
}
