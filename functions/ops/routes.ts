import type { RouteSpec } from '#shared/routes';

/** The operations routes (role `operations`), behind the `ciss` CLI and the portal's operations section; every call audited. */

/** GET /ops/executions: running, failed and stuck executions, newest first. */
export const opsListExecutions = { id: 'ops-list-executions', method: 'GET', path: '/ops/executions', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;
/** GET /ops/executions/{id}: one execution's timeline, data redacted unless revealed. */
export const opsShowExecution = { id: 'ops-show-execution', method: 'GET', path: '/ops/executions/{id}', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;
/** POST /ops/executions/{id}/redrive: a failed, timed-out or aborted execution runs again from where it stopped. */
export const opsRedrive = { id: 'ops-redrive', method: 'POST', path: '/ops/executions/{id}/redrive', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;
/** GET /ops/tasks: the human tasks waiting, oldest first. */
export const opsListTasks = { id: 'ops-list-tasks', method: 'GET', path: '/ops/tasks', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;
