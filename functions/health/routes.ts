import { ROLES } from '#shared/roles';
import type { RouteSpec } from '#shared/routes';

/** GET /health: liveness, and who the caller is; any authenticated caller. */
export const health = { id: 'health', method: 'GET', path: '/health', auth: 'token', roles: ROLES, oriScoped: false } as const satisfies RouteSpec;
