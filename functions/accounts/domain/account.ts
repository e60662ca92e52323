import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';

/**
 * Accounts that end (issue 17, CJIS AC-2): every person who signs in has an account record, by
 * the id their tokens carry (`sub`: Cognito's user id in AWS, the user name locally). It holds
 * their last sign-in, what access they held then, and how the account ended. The record stays
 * after the end, for audit.
 */

/** ACTIVE: may sign in. DISABLED: inactivity or an unconfirmed review (the unit may enable it again). REMOVED: the holder left. */
export const ACCOUNT_STATUSES = ['ACTIVE', 'DISABLED', 'REMOVED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export type DisabledReason = 'inactive' | 'review';

export interface PersonAccount {
  readonly accountId: string;
  /** Where mail about the account goes, and the user name Cognito's admin calls take (people sign in by e-mail). */
  readonly email: string;
  readonly ori?: string;
  readonly status: AccountStatus;
  /** The roles the last token carried (groups and grants): what the review lists. */
  readonly roles: readonly string[];
  readonly registeredAt: string;
  readonly lastSignInAt: string;
  /** The sign-in the 75-day notice was sent for (one notice per idle spell). */
  readonly noticeFor?: string;
  readonly disabledAt?: string;
  readonly disabledReason?: DisabledReason;
  readonly removal?: { readonly by: string; readonly at: string };
  /** A DISABLED account's enablement, asked by its agency administrator and waiting for the unit's approval. */
  readonly enablement?: { readonly by: string; readonly at: string };
  /** The last time a DISABLED account was enabled again: who asked, who approved, when (its idle time counts from then). */
  readonly enabled?: { readonly requestedBy: string; readonly approvedBy: string; readonly at: string };
  /** Epoch seconds: an access token issued before this no longer reaches the API. */
  readonly notBefore?: number;
}

/** AC-2(3): no sign-in for 90 days disables the account; the holder is told at 75. */
export const INACTIVITY_DISABLE_DAYS = 90;
export const INACTIVITY_NOTICE_DAYS = 75;
/** The agency administrator has this long to confirm a quarter's review list. */
export const REVIEW_CONFIRM_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * Since when an account counts as idle: its last sign-in, or its enablement when that came later
 * (an account enabled again gets its 90 days to sign in, not an instant disable by the next sweep).
 */
export const idleFrom = (account: Pick<PersonAccount, 'lastSignInAt' | 'enabled'>): string =>
  account.enabled && account.enabled.at > account.lastSignInAt ? account.enabled.at : account.lastSignInAt;

/** What the sweep owes an account at `now`: a notice, disabling, or nothing. */
export function inactivityDue(account: Pick<PersonAccount, 'status' | 'lastSignInAt' | 'noticeFor' | 'enabled'>, now: string): 'disable' | 'notice' | undefined {
  if (account.status !== 'ACTIVE') return undefined;
  const idleDays = (Date.parse(now) - Date.parse(idleFrom(account))) / DAY_MS;
  if (idleDays >= INACTIVITY_DISABLE_DAYS) return 'disable';
  if (idleDays >= INACTIVITY_NOTICE_DAYS && account.noticeFor !== account.lastSignInAt) return 'notice';
  return undefined;
}

/** The last sign-in before which the sweep acts (notice or disable), as an ISO time. */
export const idleSince = (now: string, days: number): string => new Date(Date.parse(now) - days * DAY_MS).toISOString();

/** The review of one agency's accounts for one quarter, e.g. `2026-Q4#CT0000100`. */
export const quarterOf = (iso: string): string => `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
export const reviewIdOf = (quarter: string, ori: string): string => `${quarter}-${ori}`;

export const REVIEW_STATUSES = ['OPEN', 'CONFIRMED', 'CLOSED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ReviewEntry {
  readonly accountId: string;
  readonly roles: readonly string[];
  readonly lastSignInAt: string;
  readonly status: AccountStatus;
  readonly confirmedAt?: string;
  readonly confirmedBy?: string;
}

/** One agency's quarterly access review: who holds which access and their last sign-in; confirmed by the agency administrator. */
export interface AccessReview {
  readonly reviewId: string;
  readonly quarter: string;
  readonly ori: string;
  /** OPEN until every entry is confirmed (CONFIRMED) or the deadline passes (CLOSED: the unconfirmed ones disabled). */
  readonly status: ReviewStatus;
  readonly listedAt: string;
  readonly dueAt: string;
  readonly entries: readonly ReviewEntry[];
  readonly closedAt?: string;
}

export const dueAtOf = (listedAt: string): string => new Date(Date.parse(listedAt) + REVIEW_CONFIRM_DAYS * DAY_MS).toISOString();

export const ACCOUNT_SUBJECT = 'account';
export const REVIEW_SUBJECT = 'access-review';

export type AccountAuditType = 'AccountDisabled' | 'AccountInactivityNotice' | 'AccountRemoved' | 'AccessRevoked' | 'AccessReviewListed' | 'AccessReviewConfirmed' | 'AccountSignIn' | 'AccountRemovalRequested' | 'TaskReassigned' | 'AccountEnablementRequested' | 'AccountEnabled';

export function accountAudit(type: AccountAuditType, accountId: string, actor: string, details: AuditEvent['details'] = {}, outcome: AuditEvent['outcome'] = 'success', source?: AuditSource): AuditEvent {
  return { type, outcome, actor, component: 'ciss-accounts', subject: AuditSubject.of(ACCOUNT_SUBJECT, accountId), source, details };
}

export function reviewAudit(type: 'AccessReviewListed' | 'AccessReviewConfirmed' | 'AccessReviewClosed', reviewId: string, actor: string, details: AuditEvent['details'] = {}, source?: AuditSource, outcome: AuditEvent['outcome'] = 'success'): AuditEvent {
  return { type, outcome, actor, component: 'ciss-accounts', subject: AuditSubject.of(REVIEW_SUBJECT, reviewId), source, details };
}

export { ConfirmationSchema, EnablementSchema, RemovalSchema, type Enablement, type Removal } from './schemas';
