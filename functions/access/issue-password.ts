import * as z from 'zod/mini';
import { writeWithAudit } from '#shared/adapters/transactions';
import { Conflict } from '#shared/errors';
import { escapeHtml } from '#shared/html';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { hashTemporaryPassword, temporaryPassword, TEMPORARY_PASSWORD_TTL_MS } from './domain/password';
import type { AccessRequest, AccessStatus } from './domain/request';
import { auditOf, env, loadRequest, mailer, store } from './ports';
import { lazy } from '#shared/lazy';

const FROM: readonly AccessStatus[] = ['TRAINING_VERIFICATION', 'PASSWORD_EXPIRED', 'TEMPORARY_PASSWORD_ISSUED'];

/**
 * The execution's state: its request, whether it is a reissue, and (an execution started with its
 * view) the employee and the agency, as create stored them.
 */
const Input = /* @__PURE__ */ lazy(() => z.object({
  requestId: z.string().check(z.minLength(1)),
  reissue: z.optional(z.boolean()),
  view: z.optional(z.object({ ori: z.optional(z.string()), employee: z.optional(z.object({ fullName: z.string(), email: z.string() })) })),
}));

type Employee = Pick<AccessRequest['employee'], 'fullName' | 'email'>;

/** A retried step that found the first attempt's password already used (the request ACTIVE): the expiry it was issued with. */
interface AlreadyUsed {
  readonly used: string;
}

/**
 * Creates the CCHRS account (once per request) with a temporary password, and e-mails it.
 * 1. a password from the CSPRNG; only its hash is stored (SHA-256: it carries over 112 bits, domain/password.ts)
 * 2. it expires 24 hours from now (the rule; tests move the clock)
 * 3. the account (its hash, the issue's number, counted on the request, and the agency) and the
 *    request's TEMPORARY_PASSWORD_ISSUED with its audit event are one transaction, each
 *    conditional as before (the account: created once per request, never over an active or
 *    another request's one; the request: in the status as read, and, for a retried step, with
 *    the issue as read); when either fails nothing is written, the request is read once more
 *    and the step fails if that fails too. A retried step whose first
 *    attempt already issued (the request TEMPORARY_PASSWORD_ISSUED) issues and mails a new
 *    password (the first one's mail may never have left), audited as `TemporaryPasswordReissued`
 *    (the issue's number, ids only): the status did not change, so no second status change
 * 4. the first issue of an execution that carries the employee and the agency reads nothing: its
 *    transaction is conditional on the request awaiting verification with no issue yet, what a
 *    read would have checked; when it is not (a retried step, a reissue), as 3 from the request as read
 * 5. the e-mail to the employee's work address is the one place it ever appears: it is not
 *    returned, logged or put in the workflow's state
 * 6. a retried step that finds the request ACTIVE (the first attempt's password already used:
 *    the employee logged in during the retry's back-off) issues and mails nothing and hands on
 *    that password's expiry, where it used to fail the execution
 */
export const handler = taskHandler(Input, async ({ requestId, reissue, view }) => {
  const password = temporaryPassword();
  const hash = hashTemporaryPassword(password);
  const at = now();
  const expiresAt = new Date(at.getTime() + TEMPORARY_PASSWORD_TTL_MS).toISOString();
  const carried = !reissue && view?.employee && view.ori ? { employee: view.employee, ori: view.ori } : undefined;
  const issued = (carried && (await firstIssue(requestId, carried, hash, at, expiresAt))) || (await issueFromRead(requestId, hash, at, expiresAt));
  if ('used' in issued) return { temporaryPasswordExpiresAt: issued.used };
  const employee = issued;
  const lines = [
    `${employee.fullName}, your CCHRS account has been created.`,
    `User name: ${employee.email}`,
    `Temporary password: ${password}`,
    `It expires if not used by ${new Date(expiresAt).toUTCString()} (24 hours).`,
    `First-time login: open ${env.PUBLIC_API_URL}/auth/first-login and enter your e-mail, this temporary password and a new password of your own (at least 8 characters, hard to guess, not containing your name or e-mail).`,
  ];
  await mailer.send({ to: [employee.email], subject: 'Your CCHRS account: temporary password (expires in 24 hours)', text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
  return { temporaryPasswordExpiresAt: expiresAt };
});

/** Issue 1, unread: written only while the request awaits verification with no issue yet (undefined otherwise: nothing was written). */
async function firstIssue(requestId: string, carried: { employee: Employee; ori: string }, hash: string, at: Date, expiresAt: string): Promise<Employee | undefined> {
  const issue = 1;
  const written = await writeWithAudit(
    [
      ...store.statusChangeItems(requestId, 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', at.toISOString(), { temporaryPasswordExpiresAt: expiresAt, issue }, { fields: { issue: undefined } }),
      store.temporaryPasswordItem({ email: carried.employee.email, requestId, fullName: carried.employee.fullName, ori: carried.ori, issue, temporaryPasswordHash: hash, temporaryPasswordExpiresAt: expiresAt }),
    ],
    auditOf({ requestId }, 'AccessRequestStatusChanged', 'workflow', { from: 'TRAINING_VERIFICATION', to: 'TEMPORARY_PASSWORD_ISSUED', note: `expires ${expiresAt}` }),
  );
  return written ? carried.employee : undefined;
}

/**
 * The issue from the request as read: its next number, or the same one again for a retried step.
 * The write is conditional on the status as read (and, for a retried step, the issue as read), so
 * of two attempts that read the same request (a timed-out attempt still running beside its retry)
 * one writes; the other reads again once and, finding the password issued, reissues.
 */
async function issueFromRead(requestId: string, hash: string, at: Date, expiresAt: string, again = true): Promise<Employee | AlreadyUsed> {
  const request = await loadRequest(requestId);
  // The first attempt's password reached the employee, who logged in before this retry ran: the
  // step's work is done. Nothing is issued or mailed; the workflow waits out that password's
  // expiry and finds the account ACTIVE.
  if (request.status === 'ACTIVE' && request.temporaryPasswordExpiresAt) return { used: request.temporaryPasswordExpiresAt };
  // The issue's number is the request's (the account's was always the same, written beside it); a retried step reissues the same number.
  const retried = request.status === 'TEMPORARY_PASSWORD_ISSUED';
  const issue = Math.max((request.issue ?? 0) + (retried ? 0 : 1), 1);
  const fields = { temporaryPasswordExpiresAt: expiresAt, issue };
  if (!FROM.includes(request.status)) throw new Conflict(`Access request ${requestId} is ${request.status}; it cannot become TEMPORARY_PASSWORD_ISSUED`);
  // A retried step (already issued) replaces the password while the request still holds what was
  // read: a new credential, audited as a reissue, not as the status change it already made.
  const unchanged = retried ? { temporaryPasswordExpiresAt: request.temporaryPasswordExpiresAt, issue: request.issue } : {};
  const written = await writeWithAudit(
    [
      ...store.transitionItems(request, [request.status], 'TEMPORARY_PASSWORD_ISSUED', fields, at.toISOString(), { fields: unchanged }),
      store.temporaryPasswordItem({ email: request.employee.email, requestId, fullName: request.employee.fullName, ori: request.ori, issue, temporaryPasswordHash: hash, temporaryPasswordExpiresAt: expiresAt }),
    ],
    retried
      ? auditOf(request, 'TemporaryPasswordReissued', 'workflow', { issue, reason: 'the step was retried after its first attempt issued a password', note: `expires ${expiresAt}` })
      : auditOf(request, 'AccessRequestStatusChanged', 'workflow', { from: request.status, to: 'TEMPORARY_PASSWORD_ISSUED', note: `expires ${expiresAt}` }),
  );
  if (written) return request.employee;
  if (again) return issueFromRead(requestId, hash, at, expiresAt, false);
  throw new Conflict(`Access request ${requestId} or its account changed while its temporary password was issued; nothing was written`);
}
