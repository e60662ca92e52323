import type { RouteSpec } from '#shared/routes';

/**
 * The agency registry: every municipality's police agency and the state agencies, with when each
 * was provisioned (its RMS machine client made) and connected (its first packet received).
 */

/** GET /agencies: the registry, each agency with its provisioning and connection. */
export const agenciesList = { id: 'agencies-list', method: 'GET', path: '/agencies', auth: 'token', roles: ['unit', 'operations', 'auditor'], oriScoped: false } as const satisfies RouteSpec;
/** POST /agencies/{ori}/rms-client: the unit provisions an agency: its RMS machine client, once (the secret is shown once). */
export const agenciesProvision = { id: 'agencies-provision', method: 'POST', path: '/agencies/{ori}/rms-client', auth: 'token', roles: ['unit'], oriScoped: false } as const satisfies RouteSpec;
