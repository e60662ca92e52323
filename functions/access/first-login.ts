import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { AuditSubject, recordAudit, sourceOf } from '#shared/audit';
import { escapeHtml } from '#shared/html';
import { errorResponse, json, parseJsonBody, parseWith } from '#shared/http';
import { logger } from '#shared/observability';
import { now as nowDate } from '#shared/time';
import { hashPassword, lockState, LOCKOUT, newPasswordProblems, PASSWORD_MAX, verifyPassword } from './domain/password';
import { page } from '../tasks/pages';
import { changeStatus, loadRequest, store } from './ports';

const Body = z.object({
  email: z.string().max(254),
  temporaryPassword: z.string().max(PASSWORD_MAX),
  newPassword: z.string().max(PASSWORD_MAX * 2),
});

/** One answer for every failure that could tell whether an account exists (CJIS AC-7). */
const FAILED = json(401, {
  error: 'LoginFailed',
  message: `The e-mail or temporary password is not correct. After ${LOCKOUT.failures} failed attempts in ${LOCKOUT.windowMs / 60_000} minutes the account is locked for ${LOCKOUT.lockMs / 60_000} minutes, or until the CCHRS unit unlocks it.`,
});

const at = (iso: string) => new Date(iso).toUTCString();

/**
 * POST /auth/first-login: the new user proves the temporary password and sets their own.
 * 1. the same answer, and the same work, for an unknown e-mail and a wrong password
 * 2. 5 failures within 15 minutes lock the account for 10 minutes (CJIS AC-7), unless the unit
 *    unlocks it sooner; a lock that has ended counts failures afresh
 * 3. once the temporary password has proved correct, say why it still cannot be used: the
 *    account is locked (until when, or ask the unit), or the password expired (ask the unit to
 *    reissue); the expiry is read from its timestamp, whatever the workflow is doing
 * 4. the new password must meet the rules; it is stored as a salted hash; the account is ACTIVE;
 *    the same request again (a retry after a lost answer) is answered 200 and finishes the change
 * Every attempt is audited: who, when, from where, the outcome. The gateway (WAF in AWS)
 * limits how often one source may call this route.
 */
const firstLogin = async (event: APIGatewayProxyEvent, context: { awsRequestId: string }): Promise<APIGatewayProxyResult> => {
  const source = sourceOf(event);
  try {
    const body = isForm(event) ? parseWith(Body, Object.fromEntries(formOf(event))) : parseJsonBody(event, Body);
    const email = body.email.trim().toLowerCase();
    const account = await store.account(email);
    // The trail names the account by its request's id, never by the e-mail typed (which may be
    // a stranger's address, or a password typed into the wrong field).
    const accountId = account ? account.requestId : 'unknown';
    const actor = account ? `account:${accountId}` : 'anonymous';
    const attempt = (outcome: 'success' | 'failure' | 'denied', reason: string) =>
      recordAudit({ type: 'FirstLoginAttempt', outcome, actor, component: 'cchrs-access', subject: AuditSubject.of('account', accountId), source, details: { reason } });
    const passwordOk = await verifyPassword(body.temporaryPassword, account?.temporaryPasswordHash);
    if (!account) {
      await attempt('failure', 'unknown account');
      return FAILED;
    }
    const now = nowDate();
    const lock = lockState(account, now);
    if (passwordOk && account.status === 'ACTIVE' && (await verifyPassword(body.newPassword, account.passwordHash))) {
      // The same first login again (a client retrying after a lost answer): finish it, once.
      const request = await loadRequest(account.requestId);
      if (request.status !== 'ACTIVE') await changeStatus(request, ['TEMPORARY_PASSWORD_ISSUED'], 'ACTIVE', actor, 'first login completed');
      await attempt('success', 'password already set by this first login');
      return json(200, { status: 'ACTIVE', message: 'Your password is set. Your CCHRS account is active.' });
    }
    if (!passwordOk || account.status === 'ACTIVE') {
      if (lock.locked) {
        await attempt('denied', 'wrong temporary password; account locked');
        return FAILED;
      }
      const failures = [...lock.failures, now.toISOString()];
      const lockedUntil = failures.length >= LOCKOUT.failures ? new Date(now.getTime() + LOCKOUT.lockMs).toISOString() : undefined;
      await store.recordFailure(email, failures, lockedUntil);
      await attempt('failure', lockedUntil ? 'wrong temporary password; account locked' : 'wrong temporary password');
      return FAILED;
    }
    // From here the temporary password is proved: the person may be told what stands in the way.
    if (lock.locked) {
      await attempt('denied', 'account locked');
      return json(423, {
        error: 'AccountLocked',
        message: lock.until
          ? `Your temporary password is correct, but the account is locked after ${LOCKOUT.failures} failed attempts until ${at(lock.until)}. Try again after that, or ask the CCHRS unit to unlock it sooner.`
          : 'Your temporary password is correct, but the account is locked after repeated failed attempts. Ask the CCHRS unit to unlock it.',
        ...(lock.until ? { lockedUntil: lock.until } : {}),
      });
    }
    if (account.status === 'EXPIRED' || !account.temporaryPasswordExpiresAt || Date.parse(account.temporaryPasswordExpiresAt) <= now.getTime()) {
      await attempt('failure', 'temporary password expired');
      return json(401, {
        error: 'TemporaryPasswordExpired',
        message: `Your temporary password is correct, but it expired${account.temporaryPasswordExpiresAt ? ` at ${at(account.temporaryPasswordExpiresAt)}` : ''} (it lasts 24 hours). Ask the CCHRS unit (or your agency's administrator) to have a new one issued.`,
      });
    }
    const request = await loadRequest(account.requestId);
    const problems = await newPasswordProblems(body.newPassword, { temporary: body.temporaryPassword, fullName: account.fullName, email, ori: request.ori });
    if (problems.length > 0) {
      await attempt('failure', 'new password refused');
      return json(400, { error: 'ValidationFailed', message: 'The new password does not meet the rules', problems: problems.map((rule) => ({ field: 'newPassword', rule })) });
    }
    if (!(await store.activate(email, await hashPassword(body.newPassword), account.issue, now.toISOString()))) {
      await attempt('failure', 'account changed during login');
      return FAILED;
    }
    await changeStatus(request, ['TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'], 'ACTIVE', actor, 'first login completed');
    await attempt('success', 'password set');
    return json(200, { status: 'ACTIVE', message: 'Your password is set. Your CCHRS account is active.' });
  } catch (error) {
    return errorResponse(error, context.awsRequestId);
  }
};

const isForm = (event: APIGatewayProxyEvent) => /^application\/x-www-form-urlencoded/i.test(event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '');

function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  return new URLSearchParams(event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '');
}

const FORM =
  '<form method="post"><p><label>Work e-mail<br><input type="email" name="email" autocomplete="username" required maxlength="254"></label></p>' +
  '<p><label>Temporary password (from the e-mail)<br><input type="password" name="temporaryPassword" autocomplete="one-time-code" required maxlength="128"></label></p>' +
  '<p><label>New password (at least 8 characters, hard to guess, not containing your name or e-mail)<br><input type="password" name="newPassword" autocomplete="new-password" required maxlength="256"></label></p>' +
  '<button type="submit">Set my password</button></form>';

/** The JSON answer, as a page for a person who used the form. */
function asPage(result: APIGatewayProxyResult): APIGatewayProxyResult {
  const answer = JSON.parse(result.body) as { message?: string; problems?: { rule: string }[] };
  const problems = answer.problems?.length ? `<ul>${answer.problems.map((p) => `<li>The new password ${escapeHtml(p.rule)}</li>`).join('')}</ul>` : '';
  if (result.statusCode === 200) return page(200, 'Your CCHRS account is active', `<p>${escapeHtml(answer.message ?? '')}</p>`);
  return page(result.statusCode, 'Not done yet', `<p>${escapeHtml(answer.message ?? '')}</p>${problems}${result.statusCode < 500 ? FORM : ''}`);
}

/**
 * GET /auth/first-login: the page the temporary-password e-mail links to, a form for the first
 * login; POST takes that form (answering with a page) or JSON (answering JSON).
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    if (event.httpMethod === 'GET') return page(200, 'CCHRS first login', `<p>Set your own password with the temporary password from your e-mail. It works once, for 24 hours.</p>${FORM}`);
    const result = await firstLogin(event, context);
    return isForm(event) ? asPage(result) : result;
  });
