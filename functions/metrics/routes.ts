import type { RouteSpec } from '#shared/routes';

/** GET /metrics/program?from=&to=: the program's figures over a range of days, from the audit trail and the agency registry. */
export const metricsProgram = { id: 'metrics-program', method: 'GET', path: '/metrics/program', auth: 'token', roles: ['auditor', 'operations'], oriScoped: false } as const satisfies RouteSpec;
