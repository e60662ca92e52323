import type { RouteSpec } from '#shared/routes';

/** GET /audit: the auditor queries the audit trail by subject, actor or time. */
export const auditQuery = { id: 'audit-query', method: 'GET', path: '/audit', auth: 'token', roles: ['auditor'], oriScoped: false } as const satisfies RouteSpec;
