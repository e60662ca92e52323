/**
 * CISS Search's routes, one constant per route (functions/shared/routes.ts). Only certified users
 * (the `search` role) search and open records; what each sees is decided by their other roles
 * (domain/visibility.ts). The auditor reads who searched for what, and why.
 */
import type { RouteSpec } from '#shared/routes';

/** GET /search?q=&purpose=&source=&kind=&from=&to=&town=&limit=&nextToken=: one box over every source, grouped by likely person; audited. */
export const searchQuery = { id: 'search-query', method: 'GET', path: '/search', auth: 'token', roles: ['search'], oriScoped: false } as const satisfies RouteSpec;

/** GET /search/records/{source}/{id}?purpose=: one record in full, as the caller may see it; audited. */
export const searchRecord = { id: 'search-record', method: 'GET', path: '/search/records/{source}/{id}', auth: 'token', roles: ['search'], oriScoped: false } as const satisfies RouteSpec;

/** GET /search/sources: the source systems, what each holds and how current it is (for filters and operations). */
export const searchSources = { id: 'search-sources', method: 'GET', path: '/search/sources', auth: 'token', roles: ['search', 'operations', 'auditor'], oriScoped: false } as const satisfies RouteSpec;

/** GET /search/log?actor=&from=&to=&nextToken=: the auditor lists searches, with their words and purpose; audited. */
export const searchLog = { id: 'search-log', method: 'GET', path: '/search/log', auth: 'token', roles: ['auditor'], oriScoped: false } as const satisfies RouteSpec;
