import type { RouteSpec } from '#shared/routes';

/**
 * Accounts that end (issue 17): who holds which access and when they last signed in; an agency
 * administrator removes a leaver's account and confirms the quarter's review of the agency's
 * accounts; the unit sees every agency.
 */

/** GET /accounts?ori=: the accounts the caller may see (their agency's; the unit: every one, or one agency's). */
export const accountsList = { id: 'accounts-list', method: 'GET', path: '/accounts', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** POST /accounts/{accountId}/removal: the holder left; access ends at once, the record stays. */
export const accountsRemove = { id: 'accounts-remove', method: 'POST', path: '/accounts/{accountId}/removal', auth: 'token', roles: ['agency-admin'], oriScoped: true } as const satisfies RouteSpec;
/**
 * POST /accounts/{accountId}/enablement: a DISABLED account enabled again. The agency
 * administrator asks (their agency's accounts), the unit approves (any agency's): who asked and
 * who approved are on the record and in the audit trail. A REMOVED account is never enabled again.
 */
export const accountsEnable = { id: 'accounts-enable', method: 'POST', path: '/accounts/{accountId}/enablement', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** GET /access-reviews: the quarterly review lists the caller may see, newest first. */
export const accessReviewsList = { id: 'access-reviews-list', method: 'GET', path: '/access-reviews', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** POST /access-reviews/{reviewId}/confirmation: the agency administrator confirms the accounts that still need their access. */
export const accessReviewConfirm = { id: 'access-reviews-confirm', method: 'POST', path: '/access-reviews/{reviewId}/confirmation', auth: 'token', roles: ['agency-admin'], oriScoped: true } as const satisfies RouteSpec;
