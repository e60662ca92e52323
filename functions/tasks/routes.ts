import { DECIDER_ROLES } from '#shared/roles';
import type { RouteSpec } from '#shared/routes';

/** GET /tasks: the pending tasks the caller may decide (their role, and agency or court). */
export const tasksList = { id: 'tasks-list', method: 'GET', path: '/tasks', auth: 'token', roles: DECIDER_ROLES, oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** GET /tasks/{taskId}: one task the caller may decide. */
export const taskRead = { id: 'tasks-read', method: 'GET', path: '/tasks/{taskId}', auth: 'token', roles: DECIDER_ROLES, oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** POST /tasks/{taskId}/decision: decides a task, as its e-mailed link would. */
export const taskDecision = { id: 'tasks-decide', method: 'POST', path: '/tasks/{taskId}/decision', auth: 'token', roles: DECIDER_ROLES, oriScoped: true, courtScoped: true } as const satisfies RouteSpec;

/** GET /approvals/{taskId}: the page an e-mailed link opens; it confirms, and changes nothing. */
export const approvalLinkOpen = { id: 'tasks-link-open', method: 'GET', path: '/approvals/{taskId}', auth: 'signed-link', roles: [], oriScoped: false } as const satisfies RouteSpec;

/** POST /approvals/{taskId}: the confirmation form of that page; it decides. */
export const approvalLinkDecide = { id: 'tasks-link-decide', method: 'POST', path: '/approvals/{taskId}', auth: 'signed-link', roles: [], oriScoped: false } as const satisfies RouteSpec;
