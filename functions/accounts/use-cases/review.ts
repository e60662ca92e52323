import { Conflict, Forbidden, NotFound, ValidationFailed } from '#shared/errors';
import { reviewAudit, type AccessReview, type PersonAccount } from '../domain/account';
import type { Acting, Clock, RecordAudit, Store } from '../ports';

/** An account as its agency and the unit see it: who, which access, the last sign-in, how it ended. No e-mail: the id names the person. */
export interface AccountView {
  readonly accountId: string;
  readonly ori?: string;
  readonly status: PersonAccount['status'];
  readonly roles: readonly string[];
  readonly lastSignInAt: string;
  readonly disabledReason?: string;
  readonly removal?: { readonly by: string; readonly at: string };
  /** A DISABLED account's enablement, asked and waiting for the unit. */
  readonly enablement?: { readonly by: string; readonly at: string };
  /** Its last enablement: who asked, who approved, when. */
  readonly enabled?: { readonly requestedBy: string; readonly approvedBy: string; readonly at: string };
}

const view = (a: PersonAccount): AccountView => ({
  accountId: a.accountId,
  ...(a.ori ? { ori: a.ori } : {}),
  status: a.status,
  roles: a.roles,
  lastSignInAt: a.lastSignInAt,
  ...(a.disabledReason ? { disabledReason: a.disabledReason } : {}),
  ...(a.removal ? { removal: { by: a.removal.by, at: a.removal.at } } : {}),
  ...(a.enablement ? { enablement: { by: a.enablement.by, at: a.enablement.at } } : {}),
  ...(a.enabled ? { enabled: { requestedBy: a.enabled.requestedBy, approvedBy: a.enabled.approvedBy, at: a.enabled.at } } : {}),
});

/** Which agency a caller may see: an agency administrator their own; the unit any one it names (or none: every agency, for reviews). */
function agencyOf(caller: Acting['caller'], asked: string | undefined): string | undefined {
  if (caller.roles.includes('unit')) return asked;
  if (!caller.ori) throw new Forbidden('Your token names no agency');
  return caller.ori;
}

/**
 * The accounts of an agency with their access and last sign-in. The unit names the agency
 * (`ori`, required: the whole register is not one page); an agency administrator gets their own.
 */
export async function listAccounts(ports: { store: Pick<Store, 'ofAgency'> }, asked: string | undefined, { caller }: Acting): Promise<{ ori: string; items: AccountView[] }> {
  const ori = agencyOf(caller, asked);
  if (!ori) throw new ValidationFailed([{ field: 'ori', rule: "is required for the unit: the agency whose accounts to list (e.g. CT0000100)" }]);
  const items = (await ports.store.ofAgency(ori)).map(view).sort((a, b) => a.accountId.localeCompare(b.accountId));
  return { ori, items };
}

/** The quarterly reviews the caller may see, newest first. */
export async function listReviews(ports: { store: Pick<Store, 'reviews'> }, asked: string | undefined, { caller }: Acting): Promise<{ items: AccessReview[] }> {
  return { items: await ports.store.reviews(agencyOf(caller, asked)) };
}

export interface ConfirmPorts {
  readonly store: Pick<Store, 'review' | 'updateReview'>;
  readonly audit: RecordAudit;
  readonly now: Clock;
}

/**
 * The agency administrator confirms accounts of the quarter's review that still need their access.
 * 1. the review must be their agency's (another's reads as missing, audited as denied)
 * 2. it must be OPEN: a closed one is past its 30 days (409 says so)
 * 3. every id named must be on the list (400 names the ones that are not)
 * 4. those entries are confirmed (by whom, when) in one conditional write with its audit event;
 *    with every entry confirmed the review is CONFIRMED; a race with another confirmation: 409
 */
export async function confirmReview(ports: ConfirmPorts, reviewId: string, accountIds: readonly string[], { caller, source }: Acting): Promise<AccessReview> {
  const review = await ports.store.review(reviewId);
  if (!review) throw new NotFound(`No access review ${reviewId}`);
  if (review.ori !== caller.ori) {
    await ports.audit(reviewAudit('AccessReviewConfirmed', reviewId, caller.username, { ori: caller.ori ?? null }, source, 'denied'));
    throw new NotFound(`No access review ${reviewId}`);
  }
  const listed = new Set(review.entries.map((e) => e.accountId));
  const unknown = accountIds.filter((id) => !listed.has(id));
  if (unknown.length) throw new ValidationFailed(unknown.map((id) => ({ field: 'accountIds', rule: `${id} is not on this review's list` })));
  if (review.status !== 'OPEN') {
    throw new Conflict(`Access review ${reviewId} is ${review.status}${review.closedAt ? ` since ${review.closedAt}` : ''}: it can no longer be confirmed.`, { status: review.status });
  }
  const at = ports.now();
  const wanted = new Set(accountIds);
  const entries = review.entries.map((e) => (wanted.has(e.accountId) && !e.confirmedAt ? { ...e, confirmedAt: at, confirmedBy: caller.username } : e));
  const status = entries.every((e) => e.confirmedAt) ? 'CONFIRMED' : 'OPEN';
  const audit = reviewAudit('AccessReviewConfirmed', reviewId, caller.username, { ori: review.ori, confirmed: accountIds.length, remaining: entries.filter((e) => !e.confirmedAt).length }, source);
  if (!(await ports.store.updateReview(review, { status, entries }, audit))) {
    throw new Conflict(`Access review ${reviewId} changed while it was confirmed; read it again.`);
  }
  return { ...review, status, entries };
}
