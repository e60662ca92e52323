import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { escapeHtml } from '#shared/html';
import { errorResponse, json } from '#shared/http';
import { page } from '../../tasks/pages';
import { LOCKOUT } from '../domain/password';
import type { FirstLoginOutcome } from '../use-cases/first-login';

const at = (iso: string) => new Date(iso).toUTCString();

/** The answer to a first login, as JSON: each outcome with its status and words. */
export function firstLoginAnswer(outcome: FirstLoginOutcome): APIGatewayProxyResult {
  switch (outcome.kind) {
    case 'active':
      return json(200, { status: 'ACTIVE', message: 'Your password is set. Your CCHRS account is active.' });
    case 'failed':
      return json(401, {
        error: 'LoginFailed',
        message: `The e-mail or temporary password is not correct. After ${LOCKOUT.failures} failed attempts in ${LOCKOUT.windowMs / 60_000} minutes the account is locked for ${LOCKOUT.lockMs / 60_000} minutes, or until the CCHRS unit unlocks it.`,
      });
    case 'locked':
      return json(423, {
        error: 'AccountLocked',
        message: outcome.until
          ? `Your temporary password is correct, but the account is locked after ${LOCKOUT.failures} failed attempts until ${at(outcome.until)}. Try again after that, or ask the CCHRS unit to unlock it sooner.`
          : 'Your temporary password is correct, but the account is locked after repeated failed attempts. Ask the CCHRS unit to unlock it.',
        ...(outcome.until ? { lockedUntil: outcome.until } : {}),
      });
    case 'expired':
      return json(401, {
        error: 'TemporaryPasswordExpired',
        message: `Your temporary password is correct, but it expired${outcome.expiredAt ? ` at ${at(outcome.expiredAt)}` : ''} (it lasts 24 hours). Ask the CCHRS unit (or your agency's administrator) to have a new one issued.`,
      });
    case 'removed':
      return json(403, {
        error: 'AccountRemoved',
        message: 'Your temporary password is correct, but this CCHRS account was removed at your agency’s request and can no longer log in. Ask your agency administrator.',
      });
    case 'refused':
      return json(400, { error: 'ValidationFailed', message: 'The new password does not meet the rules', problems: outcome.problems.map((rule) => ({ field: 'newPassword', rule })) });
  }
}

/** A person who used the page's form (not JSON) is answered with a page. */
export const isForm = (event: APIGatewayProxyEvent) => /^application\/x-www-form-urlencoded/i.test(event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '');

/** The form's fields, as an object (for the same schema as JSON). */
export function formOf(event: APIGatewayProxyEvent): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : ''));
}

const FORM =
  '<form method="post"><p><label>Work e-mail<br><input type="email" name="email" autocomplete="username" required maxlength="254"></label></p>' +
  '<p><label>Temporary password (from the e-mail)<br><input type="password" name="temporaryPassword" autocomplete="one-time-code" required maxlength="128"></label></p>' +
  '<p><label>New password (at least 8 characters, hard to guess, not containing your name or e-mail)<br><input type="password" name="newPassword" autocomplete="new-password" required maxlength="256"></label></p>' +
  '<button type="submit">Set my password</button></form>';

/** GET /auth/first-login: the page the temporary-password e-mail links to. */
export const firstLoginPage = () => page(200, 'CCHRS first login', `<p>Set your own password with the temporary password from your e-mail. It works once, for 24 hours.</p>${FORM}`);

/** The JSON answer, as a page for a person who used the form. */
export function asPage(result: APIGatewayProxyResult): APIGatewayProxyResult {
  const answer = JSON.parse(result.body) as { message?: string; problems?: { rule: string }[] };
  const problems = answer.problems?.length ? `<ul>${answer.problems.map((p) => `<li>The new password ${escapeHtml(p.rule)}</li>`).join('')}</ul>` : '';
  if (result.statusCode === 200) return page(200, 'Your CCHRS account is active', `<p>${escapeHtml(answer.message ?? '')}</p>`);
  return page(result.statusCode, 'Not done yet', `<p>${escapeHtml(answer.message ?? '')}</p>${problems}${result.statusCode < 500 ? FORM : ''}`);
}

/** An error, answered as the API answers it, or as a page to the form. */
export const firstLoginError = (error: unknown, correlationId: string, event: APIGatewayProxyEvent): APIGatewayProxyResult => {
  const answer = errorResponse(error, correlationId);
  return isForm(event) ? asPage(answer) : answer;
};
