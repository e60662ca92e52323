import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import {
  accountAudit,
  dueAtOf,
  idleFrom,
  idleSince,
  inactivityDue,
  INACTIVITY_DISABLE_DAYS,
  INACTIVITY_NOTICE_DAYS,
  quarterOf,
  reviewAudit,
  reviewIdOf,
  type AccessReview,
  type PersonAccount,
} from '../domain/account';
import type { Clock, Directory, Send, Store } from '../ports';

export interface SweepPorts {
  readonly store: Store;
  readonly directory: Pick<Directory, 'disable'>;
  readonly send: Send;
  readonly now: Clock;
  readonly unitEmail: string;
  /** The portal's page for the accounts, when the portal's address is known. */
  readonly portalPage?: string;
}

export interface SweepOutcome {
  readonly notices: number;
  readonly disabledInactive: number;
  readonly reviewsListed: number;
  readonly reviewsClosed: number;
  readonly disabledReview: number;
}

const SWEEP = 'accounts-sweep';

function mail(to: string, subject: string, lines: readonly string[]): Email {
  return { to: [to], subject, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

/** Disables one account, if it is still ACTIVE (and, for inactivity, not signed in since it was read). */
async function disableOne(ports: SweepPorts, account: PersonAccount, reason: 'inactive' | 'review', now: string, details: Record<string, string | number>): Promise<boolean> {
  const audit = accountAudit('AccountDisabled', account.accountId, SWEEP, { reason, ...details });
  const disabled = await ports.store.disable(account, reason, now, audit, reason === 'inactive' ? account.lastSignInAt : undefined);
  if (disabled && account.email) await ports.directory.disable(account.email);
  return disabled;
}

/**
 * The daily sweep of accounts that end (CJIS AC-2, AC-2(3)). Every change is a conditional write
 * with its audit event, so a second run (or two at once) changes nothing more.
 * 1. inactivity: ACTIVE accounts without a sign-in for 75 days are told once (per idle spell);
 *    at 90 days they are disabled (unless a sign-in came in between), in Cognito too
 * 2. the quarter's review: for each agency with active accounts, one list per quarter of who holds
 *    which access and their last sign-in; the unit is told
 * 3. reviews past their 30 days: each account not confirmed is disabled, and the review closes
 */
export async function sweepAccounts(ports: SweepPorts): Promise<SweepOutcome> {
  const now = ports.now();
  let notices = 0;
  let disabledInactive = 0;
  for (const account of await ports.store.idleSince(idleSince(now, INACTIVITY_NOTICE_DAYS))) {
    const due = inactivityDue(account, now);
    if (due === 'disable') {
      if (await disableOne(ports, account, 'inactive', now, { days: INACTIVITY_DISABLE_DAYS })) disabledInactive++;
    } else if (due === 'notice' && (await ports.store.markNotice(account, accountAudit('AccountInactivityNotice', account.accountId, SWEEP, { days: INACTIVITY_NOTICE_DAYS, disableAfterDays: INACTIVITY_DISABLE_DAYS })))) {
      notices++;
      const disableOn = new Date(Date.parse(idleFrom(account)) + INACTIVITY_DISABLE_DAYS * 86_400_000).toUTCString();
      await ports.send(
        mail(account.email, 'CISS account: sign in to keep it', [
          `You have not signed in to CISS for ${INACTIVITY_NOTICE_DAYS} days.`,
          `Accounts not used for ${INACTIVITY_DISABLE_DAYS} days are disabled (CJIS Security Policy AC-2(3)): sign in before ${disableOn} to keep yours.`,
          ...(ports.portalPage ? [`Sign in: ${ports.portalPage}`] : []),
        ]),
      );
    }
  }

  let reviewsListed = 0;
  const quarter = quarterOf(now);
  for (const ori of await ports.store.activeAgencies()) {
    const reviewId = reviewIdOf(quarter, ori);
    if (await ports.store.review(reviewId)) continue;
    const accounts = (await ports.store.ofAgency(ori)).filter((a) => a.status === 'ACTIVE');
    const review: AccessReview = {
      reviewId,
      quarter,
      ori,
      status: 'OPEN',
      listedAt: now,
      dueAt: dueAtOf(now),
      entries: accounts.map((a) => ({ accountId: a.accountId, roles: a.roles, lastSignInAt: a.lastSignInAt, status: a.status })),
    };
    if (!(await ports.store.openReview(review, reviewAudit('AccessReviewListed', reviewId, SWEEP, { ori, quarter, accounts: review.entries.length })))) continue;
    reviewsListed++;
    await ports.send(
      mail(ports.unitEmail, `Access review ${quarter}: ${ori}`, [
        `The quarterly access review of ${ori} is listed: ${review.entries.length} accounts, who holds which access and their last sign-in.`,
        `The agency administrator confirms it by ${new Date(review.dueAt).toUTCString()}; any account not confirmed by then is disabled.`,
        ...(ports.portalPage ? [`Open in the portal: ${ports.portalPage}`] : []),
      ]),
    );
  }

  let reviewsClosed = 0;
  let disabledReview = 0;
  for (const review of await ports.store.reviewsDue(now)) {
    for (const entry of review.entries.filter((e) => !e.confirmedAt)) {
      const account = await ports.store.get(entry.accountId);
      if (account?.status === 'ACTIVE' && (await disableOne(ports, account, 'review', now, { reviewId: review.reviewId }))) disabledReview++;
    }
    const closed = await ports.store.updateReview(review, { status: 'CLOSED', entries: review.entries, closedAt: now }, reviewAudit('AccessReviewClosed', review.reviewId, SWEEP, { unconfirmed: review.entries.filter((e) => !e.confirmedAt).length }));
    if (closed) reviewsClosed++;
  }
  return { notices, disabledInactive, reviewsListed, reviewsClosed, disabledReview };
}
