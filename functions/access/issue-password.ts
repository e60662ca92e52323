import * as z from 'zod/mini';
import { writeWithAudit } from '#shared/adapters/transactions';
import { Conflict } from '#shared/errors';
import { escapeHtml } from '#shared/html';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { hashPassword, temporaryPassword, TEMPORARY_PASSWORD_TTL_MS } from './domain/password';
import type { AccessStatus } from './domain/request';
import { auditOf, env, loadRequest, mailer, store } from './ports';

const FROM: readonly AccessStatus[] = ['TRAINING_VERIFICATION', 'PASSWORD_EXPIRED', 'TEMPORARY_PASSWORD_ISSUED'];

const Input = z.object({ requestId: z.string().check(z.minLength(1)) });

/**
 * Creates the CCHRS account (once per request) with a temporary password, and e-mails it.
 * 1. a password from the CSPRNG; only its salted scrypt hash is stored
 * 2. it expires 24 hours from now (the rule; tests move the clock)
 * 3. the account (its hash, the issue's number, counted on the request) and the request's
 *    TEMPORARY_PASSWORD_ISSUED with its audit event are one transaction, each conditional as
 *    before (the account: created once per request, never over an active or another request's
 *    one; the request: in a status it comes from, or, for a retried step, as read); when either
 *    fails nothing is written and the step fails
 * 4. the e-mail to the employee's work address is the one place it ever appears: it is not
 *    returned, logged or put in the workflow's state
 */
export const handler = taskHandler(Input, async ({ requestId }) => {
  const request = await loadRequest(requestId);
  // The issue's number is the request's (the account's was always the same, written beside it); a retried step reissues the same number.
  const issue = Math.max((request.issue ?? 0) + (request.status === 'TEMPORARY_PASSWORD_ISSUED' ? 0 : 1), 1);
  const password = temporaryPassword();
  const at = now();
  const expiresAt = new Date(at.getTime() + TEMPORARY_PASSWORD_TTL_MS).toISOString();
  const fields = { temporaryPasswordExpiresAt: expiresAt, issue };
  if (!FROM.includes(request.status)) throw new Conflict(`Access request ${requestId} is ${request.status}; it cannot become TEMPORARY_PASSWORD_ISSUED`);
  // A retried step (already issued) replaces the password while the request still holds what was read.
  const unchanged = request.status === 'TEMPORARY_PASSWORD_ISSUED' ? { temporaryPasswordExpiresAt: request.temporaryPasswordExpiresAt, issue: request.issue } : {};
  const written = await writeWithAudit(
    [
      ...store.transitionItems(request, FROM, 'TEMPORARY_PASSWORD_ISSUED', fields, at.toISOString(), { fields: unchanged }),
      store.temporaryPasswordItem({ email: request.employee.email, requestId, fullName: request.employee.fullName, issue, temporaryPasswordHash: await hashPassword(password), temporaryPasswordExpiresAt: expiresAt }),
    ],
    auditOf(request, 'AccessRequestStatusChanged', 'workflow', { from: request.status, to: 'TEMPORARY_PASSWORD_ISSUED', note: `expires ${expiresAt}` }),
  );
  if (!written) throw new Conflict(`Access request ${requestId} or its account changed while its temporary password was issued; nothing was written`);
  const lines = [
    `${request.employee.fullName}, your CCHRS account has been created.`,
    `User name: ${request.employee.email}`,
    `Temporary password: ${password}`,
    `It expires if not used by ${new Date(expiresAt).toUTCString()} (24 hours).`,
    `First-time login: open ${env.PUBLIC_API_URL}/auth/first-login and enter your e-mail, this temporary password and a new password of your own (at least 8 characters, hard to guess, not containing your name or e-mail).`,
  ];
  await mailer.send({ to: [request.employee.email], subject: 'Your CCHRS account: temporary password (expires in 24 hours)', text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
  return { temporaryPasswordExpiresAt: expiresAt };
});
