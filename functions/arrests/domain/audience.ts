import { COURT_ROLE, courtIdOf } from '#shared/courts';
import { Forbidden } from '#shared/errors';
import { AGENCY_ROLES, type Role } from '#shared/roles';
import type { PacketView } from '../adapters/packet-store';
import type { ArrestPacket } from './packet';
import { PUBLISHED, type PacketStatus } from './status';

/**
 * Who sees which arrest packet: the role policy of the arrests routes, in one place.
 * - agency roles (`#shared/roles` AGENCY_ROLES): their own agency's packets, at every stage;
 * - court clerks: the packets arraigned in their courts (`custom:courts`), at every stage;
 * - the wider justice community: a packet once it is available (step 6);
 * - prosecution, judiciary, operations and audit: every packet at every stage.
 */

/** What the policy reads of a caller. */
export interface Audience {
  readonly roles: readonly Role[];
  readonly ori?: string;
  readonly courts: readonly string[];
}

/** Roles of the wider justice community: they see a packet once it is available (step 6). */
const COMMUNITY_ROLES: readonly Role[] = ['community', 'unit'];
/** Court clerks: the packets arraigned in their courts, at every stage, and no other. */
const COURT_ROLES: readonly Role[] = [COURT_ROLE];
/** Prosecution, judiciary, operations and audit: every packet at every stage. */
const JUSTICE_ROLES: readonly Role[] = ['dcj', 'judicial', 'operations', 'auditor'];

const has = (caller: Audience, roles: readonly Role[]) => caller.roles.some((r) => roles.includes(r));

/**
 * Whether the caller may see this packet now. An agency sees only its own packets, a court clerk
 * only those of their courts; seeing another's is answered exactly as a missing packet (404), so
 * packet ids do not reveal which agencies arrested whom (a 403 would confirm that the packet exists).
 */
export function maySee(caller: Audience, packet: { readonly ori: string; readonly status: PacketStatus; readonly packet: Pick<ArrestPacket, 'court'> }): boolean {
  if (has(caller, JUSTICE_ROLES)) return true;
  if (has(caller, AGENCY_ROLES) && caller.ori === packet.ori) return true;
  if (has(caller, COURT_ROLES) && caller.courts.includes(courtIdOf(packet.packet.court.gaNumber))) return true;
  return has(caller, COMMUNITY_ROLES) && PUBLISHED.includes(packet.status);
}

/** Whether the caller acts for the packet's agency (only it sends new versions). */
export const actsFor = (caller: Audience, ori: string): boolean => has(caller, AGENCY_ROLES) && caller.ori === ori;

/** Whether the caller sees a packet's executions: everyone but a caller who is only of the community. */
export const seesExecutions = (caller: Audience): boolean => !has(caller, COMMUNITY_ROLES) || has(caller, [...JUSTICE_ROLES, ...COURT_ROLES, ...AGENCY_ROLES]);

/**
 * Which packets the caller may list: every one (prosecution, judiciary, operations, audit), its
 * own agency's (agency roles), its courts' (court clerks) or those published (community, unit). A
 * caller with several roles gets the first of these that applies, not their union; `maySee` still
 * checks each packet.
 */
export function viewOf(caller: Audience): PacketView {
  if (has(caller, JUSTICE_ROLES)) return { kind: 'all' };
  if (has(caller, AGENCY_ROLES)) {
    if (!caller.ori) throw new Forbidden('Your token names no agency (ORI)');
    return { kind: 'agency', ori: caller.ori };
  }
  if (has(caller, COURT_ROLES)) return { kind: 'courts', gaNumbers: caller.courts.map((id) => Number(id.slice(2))) };
  return { kind: 'published' };
}
