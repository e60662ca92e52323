/**
 * Dissemination's routes, one constant per route (functions/shared/routes.ts): receivers read
 * their notices and mute what a rule lets them; the unit and operations see the rules and switch
 * one off without a deployment; operations see failed notices and redrive them.
 */
import type { RouteSpec } from '#shared/routes';

/** The roles a rule may send to, as people who sign in to read their notices. */
const RECEIVER_ROLES = ['agency-admin', 'agency-staff', 'court-clerk', 'dcj', 'judicial', 'community'] as const;

/** GET /notices: the caller's notices (to their address, or to their office), newest first, and their mutes. */
export const noticesList = { id: 'notices-list', method: 'GET', path: '/notices', auth: 'token', roles: RECEIVER_ROLES, oriScoped: false } as const satisfies RouteSpec;

/** GET /notices/{noticeId}: one of the caller's notices (the e-mail's link); another's is a 404. */
export const noticesRead = { id: 'notices-read', method: 'GET', path: '/notices/{noticeId}', auth: 'token', roles: RECEIVER_ROLES, oriScoped: false } as const satisfies RouteSpec;

/** POST /notices/mutes {rule, muted}: the caller mutes (or unmutes) a rule's notices for themselves, where the rule allows; audited. */
export const noticesMute = { id: 'notices-mute', method: 'POST', path: '/notices/mutes', auth: 'token', roles: RECEIVER_ROLES, oriScoped: false } as const satisfies RouteSpec;

/** GET /dissemination/rules: the rules as data, each with whether it is on. */
export const disseminationRules = { id: 'dissemination-rules', method: 'GET', path: '/dissemination/rules', auth: 'token', roles: ['unit', 'operations', 'auditor'], oriScoped: false } as const satisfies RouteSpec;

/** POST /dissemination/rules/{ruleId}/switch {enabled, reason}: a rule off (or on) from the next event, no deployment; audited. */
export const disseminationRuleSwitch = { id: 'dissemination-rule-switch', method: 'POST', path: '/dissemination/rules/{ruleId}/switch', auth: 'token', roles: ['unit', 'operations'], oriScoped: false } as const satisfies RouteSpec;

/** GET /dissemination/failed-notices: notices whose last e-mail attempt failed (ids and roles only). */
export const disseminationFailed = { id: 'dissemination-failed', method: 'GET', path: '/dissemination/failed-notices', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;

/** POST /dissemination/failed-notices/{noticeId}/redrive: a failed notice tried again at once; audited. */
export const disseminationRedrive = { id: 'dissemination-redrive', method: 'POST', path: '/dissemination/failed-notices/{noticeId}/redrive', auth: 'token', roles: ['operations'], oriScoped: false } as const satisfies RouteSpec;
