import * as z from 'zod/mini';
import { escapeHtml } from '#shared/html';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { hashPassword, temporaryPassword, TEMPORARY_PASSWORD_TTL_MS } from './domain/password';
import { changeStatus, env, loadRequest, mailer, store } from './ports';

const Input = z.object({ requestId: z.string().check(z.minLength(1)) });

/**
 * Creates the CCHRS account (once per request) with a temporary password, and e-mails it.
 * 1. a password from the CSPRNG; only its salted scrypt hash is stored
 * 2. it expires 24 hours from now (the rule; tests move the clock)
 * 3. the e-mail to the employee's work address is the one place it ever appears: it is not
 *    returned, logged or put in the workflow's state
 */
export const handler = taskHandler(Input, async ({ requestId }) => {
  const request = await loadRequest(requestId);
  const existing = await store.account(request.employee.email);
  const issue = (existing?.requestId === requestId ? existing.issue : 0) + (request.status === 'TEMPORARY_PASSWORD_ISSUED' ? 0 : 1);
  const password = temporaryPassword();
  const expiresAt = new Date(now().getTime() + TEMPORARY_PASSWORD_TTL_MS).toISOString();
  await store.issueTemporaryPassword({ email: request.employee.email, requestId, fullName: request.employee.fullName, issue: Math.max(issue, 1), temporaryPasswordHash: await hashPassword(password), temporaryPasswordExpiresAt: expiresAt });
  await changeStatus(request, ['TRAINING_VERIFICATION', 'PASSWORD_EXPIRED', 'TEMPORARY_PASSWORD_ISSUED'], 'TEMPORARY_PASSWORD_ISSUED', 'workflow', `expires ${expiresAt}`, { temporaryPasswordExpiresAt: expiresAt, issue: Math.max(issue, 1) });
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
