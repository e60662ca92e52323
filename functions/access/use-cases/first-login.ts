import * as z from 'zod/mini';
import type { AccessStore } from '#shared/adapters/access-store';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { auditOf } from '../domain/audit';
import { lockState, LOCKOUT, PASSWORD_MAX } from '../domain/password';
import { changeStatusWith, type ChangeStatusPorts } from './change-status';
import type { Acting, RecordAudit } from './ports';

/** What the employee sends: JSON, or the page's form. */
export const FirstLoginSchema = z.object({
  email: z.string().check(z.maxLength(254)),
  temporaryPassword: z.string().check(z.maxLength(PASSWORD_MAX)),
  newPassword: z.string().check(z.maxLength(PASSWORD_MAX * 2)),
});
export type FirstLogin = z.infer<typeof FirstLoginSchema>;

export interface FirstLoginPorts {
  readonly store: Pick<AccessStore, 'account' | 'recordFailure' | 'activate' | 'activateWithRequest'> & ChangeStatusPorts['store'];
  readonly audit: RecordAudit;
  readonly now: () => Date;
  /** The temporary password's check, the chosen password's salted hash (scrypt) and its rules (functions/access/domain/password.ts). */
  readonly passwords: {
    verifyTemporary(password: string, stored: string | undefined): Promise<boolean>;
    verify(password: string, stored: string | undefined): Promise<boolean>;
    hash(password: string): Promise<string>;
    problems(password: string, context: { temporary: string; fullName: string; email: string; ori?: string }): Promise<string[]>;
  };
}

export type FirstLoginOutcome =
  /** The password is set; the account is ACTIVE. */
  | { readonly kind: 'active' }
  /** One answer for every failure that could tell whether an account exists (CJIS AC-7). */
  | { readonly kind: 'failed' }
  /** The temporary password is right, but the account is locked (until then, or until the unit unlocks it). */
  | { readonly kind: 'locked'; readonly until?: string }
  /** The temporary password is right, but it expired. */
  | { readonly kind: 'expired'; readonly expiredAt?: string }
  /** The temporary password is right, but the account was removed at the agency's request. */
  | { readonly kind: 'removed' }
  /** The new password breaks these rules. */
  | { readonly kind: 'refused'; readonly problems: readonly string[] };

/**
 * The new user proves the temporary password and sets their own.
 * 1. the same answer, and the same work, for an unknown e-mail and a wrong password
 * 2. 5 failures within 15 minutes lock the account for 10 minutes (CJIS AC-7), unless the unit
 *    unlocks it sooner; a lock that has ended counts failures afresh
 * 3. once the temporary password has proved correct, say why it still cannot be used: the
 *    account is locked (until when, or ask the unit), or the password expired (ask the unit to
 *    reissue), or was removed at the agency's request; the expiry is read from its timestamp,
 *    whatever the workflow is doing
 * 4. the new password must meet the rules (checked against the account's agency, or the request's
 *    for an account that does not name it); it is stored as a salted hash; the account and the
 *    request are ACTIVE, with their audit events, in one transaction that reads nothing more: on
 *    condition that the account is as 2 and 3 found it and the request awaits the first login.
 *    When a condition fails, the two writes are made one after the other, as read, which says
 *    which failed (the account changed during login; the request moved);
 *    the same request again (a retry after a lost answer) is answered as done and finishes the change
 * Every attempt is audited: who (the account by its request's id, never the e-mail typed), from
 * where, the outcome.
 */
export async function firstLogin(ports: FirstLoginPorts, body: FirstLogin, { source }: Pick<Acting, 'source'>): Promise<FirstLoginOutcome> {
  const email = body.email.trim().toLowerCase();
  const account = await ports.store.account(email);
  const accountId = account ? account.requestId : 'unknown';
  const actor = account ? `account:${accountId}` : 'anonymous';
  const attemptEvent = (outcome: 'success' | 'failure' | 'denied', reason: string): AuditEvent => ({ type: 'FirstLoginAttempt', outcome, actor, component: 'cchrs-access', subject: AuditSubject.of('account', accountId), source, details: { reason } });
  const attempt = (outcome: 'success' | 'failure' | 'denied', reason: string) => ports.audit(attemptEvent(outcome, reason));
  const passwordOk = await ports.passwords.verifyTemporary(body.temporaryPassword, account?.temporaryPasswordHash);
  if (!account) {
    await attempt('failure', 'unknown account');
    return { kind: 'failed' };
  }
  const now = ports.now();
  const statusPorts = { store: ports.store, now: () => ports.now().toISOString() };
  const requestOf = async () => {
    const request = await ports.store.get(account.requestId);
    if (!request) throw new NotFound(`No access request ${account.requestId}`);
    return request;
  };
  const lock = lockState(account, now);
  if (passwordOk && account.status === 'ACTIVE' && (await ports.passwords.verify(body.newPassword, account.passwordHash))) {
    // The same first login again (a client retrying after a lost answer): finish it, once.
    const request = await requestOf();
    if (request.status !== 'ACTIVE') await changeStatusWith(statusPorts, request, ['TEMPORARY_PASSWORD_ISSUED'], 'ACTIVE', actor, 'first login completed');
    await attempt('success', 'password already set by this first login');
    return { kind: 'active' };
  }
  if (!passwordOk || account.status === 'ACTIVE') {
    if (lock.locked) {
      await attempt('denied', 'wrong temporary password; account locked');
      return { kind: 'failed' };
    }
    const failures = [...lock.failures, now.toISOString()];
    const lockedUntil = failures.length >= LOCKOUT.failures ? new Date(now.getTime() + LOCKOUT.lockMs).toISOString() : undefined;
    await ports.store.recordFailure(email, failures, lockedUntil);
    await attempt('failure', lockedUntil ? 'wrong temporary password; account locked' : 'wrong temporary password');
    return { kind: 'failed' };
  }
  // From here the temporary password is proved: the person may be told what stands in the way.
  if (account.status === 'REMOVED') {
    await attempt('denied', 'account removed');
    return { kind: 'removed' };
  }
  if (lock.locked) {
    await attempt('denied', 'account locked');
    return { kind: 'locked', ...(lock.until ? { until: lock.until } : {}) };
  }
  if (account.status === 'EXPIRED' || !account.temporaryPasswordExpiresAt || Date.parse(account.temporaryPasswordExpiresAt) <= now.getTime()) {
    await attempt('failure', 'temporary password expired');
    return { kind: 'expired', ...(account.temporaryPasswordExpiresAt ? { expiredAt: account.temporaryPasswordExpiresAt } : {}) };
  }
  // The hash (scrypt, about 50 ms on libuv's threads) runs while the rules are checked (zxcvbn, on
  // this thread): a refused password's hash is thrown away, a kept one is ready sooner.
  const hashing = ports.passwords.hash(body.newPassword);
  hashing.catch(() => undefined); // awaited below, unless the password is refused
  const read = account.ori === undefined ? await requestOf() : undefined;
  const problems = await ports.passwords.problems(body.newPassword, { temporary: body.temporaryPassword, fullName: account.fullName, email, ori: account.ori ?? read?.ori });
  if (problems.length > 0) {
    await attempt('failure', 'new password refused');
    return { kind: 'refused', problems };
  }
  const hash = await hashing;
  const moved = auditOf({ requestId: account.requestId }, 'AccessRequestStatusChanged', actor, { from: 'TEMPORARY_PASSWORD_ISSUED', to: 'ACTIVE', note: 'first login completed' });
  if (await ports.store.activateWithRequest(account, hash, now.toISOString(), [moved, attemptEvent('success', 'password set')])) return { kind: 'active' };
  if (!(await ports.store.activate(email, hash, account.issue, now.toISOString()))) {
    await attempt('failure', 'account changed during login');
    return { kind: 'failed' };
  }
  await changeStatusWith(statusPorts, read ?? (await requestOf()), ['TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'], 'ACTIVE', actor, 'first login completed');
  await attempt('success', 'password set');
  return { kind: 'active' };
}
