import type { Role } from '#shared/roles';
import type { RouteSpec } from '#shared/routes';

/** Who may read arrest packets; the use case narrows it per packet (agency, court, stage): domain/audience.ts. */
const READERS = ['agency-rms', 'agency-admin', 'agency-staff', 'court-clerk', 'dcj', 'judicial', 'community', 'unit', 'operations', 'auditor'] as const satisfies readonly Role[];

/** POST /arrests: an agency's RMS sends a packet (idempotent per ORI and incident number). */
export const receiveArrest = { id: 'arrests-receive', method: 'POST', path: '/arrests', auth: 'token', roles: ['agency-rms'], oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** GET /arrests: one page of the packets the caller may see. */
export const listArrests = { id: 'arrests-list', method: 'GET', path: '/arrests', auth: 'token', roles: READERS, oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** GET /arrests/{packetId}: a packet, where it stands, and its timeline. */
export const readArrest = { id: 'arrests-read', method: 'GET', path: '/arrests/{packetId}', auth: 'token', roles: READERS, oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** POST /arrests/{packetId}/versions: a new version of a packet not yet accepted. */
export const amendArrest = { id: 'arrests-amend', method: 'POST', path: '/arrests/{packetId}/versions', auth: 'token', roles: ['agency-rms'], oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** POST /arrests/{packetId}/adjudication: Judicial gives the disposition of every charge (step 7). */
export const adjudicateArrest = { id: 'arrests-adjudicate', method: 'POST', path: '/arrests/{packetId}/adjudication', auth: 'token', roles: ['judicial'], oriScoped: false, courtScoped: true } as const satisfies RouteSpec;
