/**
 * The roles a caller can hold: application vocabulary, so it lives with the application and the
 * manifest (infra/) imports it, never the other way round. In AWS they are Cognito groups;
 * locally, the same claim.
 */
export const ROLES = ['agency-admin', 'agency-rms', 'agency-staff', 'unit', 'court-clerk', 'dcj', 'judicial', 'community', 'operations', 'auditor', 'search', 'exam-provider'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `search` is held beside a person's own role(s): it says they passed CISS Search's training and
 * certification exam and may search. What a search shows them is decided by their other roles
 * (functions/search/domain/visibility.ts). It is given only by the certification lifecycle
 * (functions/certification/): a Cognito group in AWS, a grant the local issuer reads at home.
 */
export const SEARCH_ROLE = 'search' as const satisfies Role;

/**
 * `exam-provider`: the CISS Search training provider's machine client, which reports exam
 * results (client credentials; no agency).
 */
export const EXAM_PROVIDER_ROLE = 'exam-provider' as const satisfies Role;

/** Roles that decide human tasks (each task names the one role, and agency, that may). */
export const DECIDER_ROLES = ['agency-admin', 'unit', 'court-clerk', 'dcj', 'judicial', 'operations'] as const;

/**
 * Roles that act for one agency: their token names its ORI (`custom:ori`), and they see that
 * agency's data only. `agency-staff` are the agency's people who follow its packets in the
 * portal, beside its RMS machine client (`agency-rms`).
 */
export const AGENCY_ROLES = ['agency-admin', 'agency-rms', 'agency-staff'] as const satisfies readonly Role[];

/** Whether a role acts for one agency (its token must name the ORI). */
export const isAgencyRole = (role: Role): boolean => (AGENCY_ROLES as readonly Role[]).includes(role);
