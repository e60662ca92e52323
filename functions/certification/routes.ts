import type { RouteSpec } from '#shared/routes';

/**
 * The CISS Search certification routes: agency administrators request it for an employee; the
 * unit follows every one; the exam result comes from the training provider's machine client, or
 * the unit enters it.
 */

/** POST /search-certifications: an agency administrator requests CISS Search access for an employee (a retry answers the stored one). */
export const certificationCreate = { id: 'certification-create', method: 'POST', path: '/search-certifications', auth: 'token', roles: ['agency-admin'], oriScoped: true } as const satisfies RouteSpec;
/** GET /search-certifications: one page of the certifications the caller may see, newest first. */
export const certificationList = { id: 'certification-list', method: 'GET', path: '/search-certifications', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** GET /search-certifications/{certificationId}: one certification with its attempts and timeline. */
export const certificationRead = { id: 'certification-read', method: 'GET', path: '/search-certifications/{certificationId}', auth: 'token', roles: ['agency-admin', 'unit'], oriScoped: true } as const satisfies RouteSpec;
/** POST /search-certifications/{certificationId}/exam-results: an exam attempt's result (score, time, attempt id). */
export const certificationExamResult = {
  id: 'certification-exam-result',
  method: 'POST',
  path: '/search-certifications/{certificationId}/exam-results',
  auth: 'token',
  roles: ['unit', 'exam-provider'],
  oriScoped: false,
} as const satisfies RouteSpec;

/**
 * POST /search-certifications/{certificationId}/awareness: the unit records the employee's renewed
 * Security Awareness Training (its CJIS Online completion), which a renewal needs current.
 */
export const certificationAwareness = {
  id: 'certification-awareness',
  method: 'POST',
  path: '/search-certifications/{certificationId}/awareness',
  auth: 'token',
  roles: ['unit'],
  oriScoped: false,
} as const satisfies RouteSpec;

/**
 * GET /me/search-certification: the signed-in person's own CISS Search certification (status,
 * step, expiry), whatever their other roles: every person role, no machine client.
 */
export const certificationMine = {
  id: 'certification-mine',
  method: 'GET',
  path: '/me/search-certification',
  auth: 'token',
  roles: ['agency-admin', 'agency-staff', 'unit', 'court-clerk', 'dcj', 'judicial', 'community', 'operations', 'auditor', 'search'],
  oriScoped: false,
} as const satisfies RouteSpec;
