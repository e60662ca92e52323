import { AccessStore } from '#shared/adapters/access-store';
import { recordAudit, sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { parseJsonBody, parseWith, routeHandler } from '#shared/http';
import { now } from '#shared/time';
import { asPage, firstLoginAnswer, firstLoginError, formOf, isForm } from './adapters/first-login-answers';
import { hashPassword, newPasswordProblems, verifyPassword, verifyTemporaryPassword } from './domain/password';
import { accessFirstLogin } from './routes';
import { firstLogin, FirstLoginSchema } from './use-cases/first-login';

const ports = {
  store: new AccessStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME),
  audit: recordAudit,
  now,
  passwords: { verifyTemporary: verifyTemporaryPassword, verify: verifyPassword, hash: hashPassword, problems: newPasswordProblems },
};

/**
 * POST /auth/first-login: the temporary password proved, the employee's own set. JSON is answered
 * with JSON; the page's form with a page. The gateway (WAF in AWS) limits how often one source
 * may call it.
 */
export const handler = routeHandler(
  accessFirstLogin,
  async (event) => {
    const body = isForm(event) ? parseWith(FirstLoginSchema, formOf(event)) : parseJsonBody(event, FirstLoginSchema);
    const answer = firstLoginAnswer(await firstLogin(ports, body, { source: sourceOf(event) }));
    return isForm(event) ? asPage(answer) : answer;
  },
  { errors: firstLoginError },
);
