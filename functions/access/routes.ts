import type { RouteSpec } from '#shared/routes';

/**
 * The CCHRS access-request routes: agency administrators ask; the unit reviews, verifies and
 * reissues; the unit's e-mailed link records training evidence; the employee logs in first.
 */

/** POST /access-requests: an agency administrator asks for an employee's access (idempotent on a retry). */
export const accessCreate = { id: 'access-create', method: 'POST', path: '/access-requests', auth: 'token', roles: ['agency-admin'], oriScoped: true } as const satisfies RouteSpec;
/** GET /access-requests: one page of the requests the caller may see. */
export const accessList = { id: 'access-list', method: 'GET', path: '/access-requests', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** GET /access-requests/{requestId}: one request with its timeline. */
export const accessRead = { id: 'access-read', method: 'GET', path: '/access-requests/{requestId}', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** POST /access-requests/{requestId}/training-verification: the unit records each training's CJIS Online completion. */
export const accessVerifyTraining = { id: 'access-verify-training', method: 'POST', path: '/access-requests/{requestId}/training-verification', auth: 'token', roles: ['unit'], oriScoped: false } as const satisfies RouteSpec;
/** POST /access-requests/{requestId}/reissue: a new temporary password after one expired. */
export const accessReissue = { id: 'access-reissue', method: 'POST', path: '/access-requests/{requestId}/reissue', auth: 'token', roles: ['unit'], oriScoped: false } as const satisfies RouteSpec;
/** POST /access-requests/{requestId}/unlock: the unit ends a first-login lock early. */
export const accessUnlock = { id: 'access-unlock', method: 'POST', path: '/access-requests/{requestId}/unlock', auth: 'token', roles: ['unit'], oriScoped: false } as const satisfies RouteSpec;
/** GET /access-requests/{requestId}/training-evidence: the form the unit's e-mailed link opens (changes nothing). */
export const accessEvidenceForm = { id: 'access-evidence-form', method: 'GET', path: '/access-requests/{requestId}/training-evidence', auth: 'signed-link', roles: [], oriScoped: false } as const satisfies RouteSpec;
/** POST /access-requests/{requestId}/training-evidence: the form's answer, recorded as the unit member. */
export const accessEvidenceRecord = { id: 'access-evidence-record', method: 'POST', path: '/access-requests/{requestId}/training-evidence', auth: 'signed-link', roles: [], oriScoped: false } as const satisfies RouteSpec;
/** GET /auth/first-login: the page the temporary-password e-mail links to. */
export const accessFirstLoginPage = { id: 'access-first-login-page', method: 'GET', path: '/auth/first-login', auth: 'credentials', roles: [], oriScoped: false } as const satisfies RouteSpec;
/**
 * POST /auth/first-login: the temporary password proved, the employee's own set. Anyone can call
 * it: 20 tries per address per 5 minutes bound how many accounts one source can lock (5 failures
 * each) or probe, and leave room for an agency's staff behind one NAT address.
 */
export const accessFirstLogin = {
  id: 'access-first-login',
  method: 'POST',
  path: '/auth/first-login',
  auth: 'credentials',
  roles: [],
  oriScoped: false,
  perSourceLimit: { requests: 20, windowSeconds: 300 },
} as const satisfies RouteSpec;
/**
 * POST /access-requests/{requestId}/removal: an agency administrator asks for an employee's
 * account to be removed (the employee left); the account is disabled at once and the unit told.
 */
export const accessRemove = { id: 'access-remove', method: 'POST', path: '/access-requests/{requestId}/removal', auth: 'token', roles: ['agency-admin'], oriScoped: true } as const satisfies RouteSpec;
