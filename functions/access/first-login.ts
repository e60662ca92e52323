import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { AuditSubject, recordAudit } from '#shared/audit';
import { errorResponse, json, parseJsonBody } from '#shared/http';
import { logger } from '#shared/observability';
import { now } from '#shared/time';
import { hashPassword, LOCKOUT, newPasswordProblems, PASSWORD_MAX, verifyPassword } from './domain/password';
import { changeStatus, loadRequest, store } from './ports';

const Body = z.object({
  email: z.string().max(254),
  temporaryPassword: z.string().max(PASSWORD_MAX),
  newPassword: z.string().max(PASSWORD_MAX * 2),
});

/** One answer for every failure that could tell whether an account exists (CJIS AC-7). */
const FAILED = json(401, {
  error: 'LoginFailed',
  message: 'The e-mail or temporary password is not correct. After 5 failed attempts in 15 minutes the account is locked until the CCHRS unit unlocks it.',
});

/**
 * POST /auth/first-login: the new user proves the temporary password and sets their own.
 * 1. the same answer for an unknown e-mail, a wrong password and a locked account
 * 2. 5 failures within 15 minutes lock the account until the unit unlocks it
 * 3. an expired temporary password is refused by its timestamp, whatever the workflow is doing
 * 4. the new password must meet the rules; it is stored as a salted hash; the account is ACTIVE
 * Every attempt is audited: who, when, from where, the outcome.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const source = { ip: event.requestContext?.identity?.sourceIp, userAgent: event.requestContext?.identity?.userAgent ?? undefined };
    try {
      const body = parseJsonBody(event, Body);
      const email = body.email.trim().toLowerCase();
      const account = await store.account(email);
      // The trail names the account by its request's id, never by the e-mail typed (which may be
      // a stranger's address, or a password typed into the wrong field).
      const accountId = account ? account.requestId : 'unknown';
      const attempt = (outcome: 'success' | 'failure' | 'denied', reason: string) =>
        recordAudit({ type: 'FirstLoginAttempt', outcome, actor: account ? `account:${accountId}` : 'anonymous', component: 'cchrs-access', subject: AuditSubject.of('account', accountId), source, details: { reason } });
      const passwordOk = await verifyPassword(body.temporaryPassword, account?.temporaryPasswordHash);
      if (!account) {
        await attempt('failure', 'unknown account');
        return FAILED;
      }
      if (account.locked) {
        await attempt('denied', 'account locked');
        return FAILED;
      }
      const at = now();
      if (!passwordOk || account.status !== 'PENDING_FIRST_LOGIN') {
        const recent = [...account.failures.filter((f) => at.getTime() - Date.parse(f) < LOCKOUT.windowMs), at.toISOString()];
        const lock = recent.length >= LOCKOUT.failures;
        await store.recordFailure(email, recent, lock);
        await attempt('failure', lock ? 'wrong temporary password; account locked' : 'wrong temporary password');
        return FAILED;
      }
      if (!account.temporaryPasswordExpiresAt || Date.parse(account.temporaryPasswordExpiresAt) <= at.getTime()) {
        await attempt('failure', 'temporary password expired');
        return json(401, { error: 'TemporaryPasswordExpired', message: 'This temporary password has expired (24 hours). Ask the CCHRS unit to issue a new one.' });
      }
      const problems = newPasswordProblems(body.newPassword, { temporary: body.temporaryPassword, fullName: account.fullName, email });
      if (problems.length > 0) {
        await attempt('failure', 'new password refused');
        return json(400, { error: 'ValidationFailed', message: 'The new password does not meet the rules', problems: problems.map((rule) => ({ field: 'newPassword', rule })) });
      }
      if (!(await store.activate(email, await hashPassword(body.newPassword), account.issue))) {
        await attempt('failure', 'account changed during login');
        return FAILED;
      }
      const request = await loadRequest(account.requestId);
      await changeStatus(request, ['TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'], 'ACTIVE', `account:${accountId}`, 'first login completed');
      await attempt('success', 'password set');
      return json(200, { status: 'ACTIVE', message: 'Your password is set. Your CCHRS account is active.' });
    } catch (error) {
      return errorResponse(error, context.awsRequestId);
    }
  });
