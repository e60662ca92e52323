import * as z from 'zod/mini';
import { escapeHtml } from '#shared/html';
import { taskHandler } from '#shared/task';
import { changeStatus, env, loadRequest, mailer, portalPage, store } from './ports';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.object({ requestId: z.string().check(z.minLength(1)) }));

/**
 * When the temporary password's 24 hours are up: a first login done → ACTIVE; otherwise the
 * password is marked expired, the employee and the agency are told, and the unit may reissue.
 */
export const handler = taskHandler(Input, async ({ requestId }) => {
  const request = await loadRequest(requestId);
  if (request.status === 'ACTIVE') return { active: true };
  // Removed at the agency's request while the password waited: nothing to expire, nobody to tell.
  if (request.status === 'ACCOUNT_REMOVED') return { active: false };
  // Only a request still waiting needs its account: was the first login done after all?
  const account = await store.account(request.employee.email);
  if (account?.status === 'ACTIVE') {
    await changeStatus(request, ['TEMPORARY_PASSWORD_ISSUED'], 'ACTIVE', 'workflow');
    return { active: true };
  }
  if (account) await store.expireTemporaryPassword(account.email, account.issue);
  const wasExpired = request.status === 'PASSWORD_EXPIRED';
  await changeStatus(request, ['TEMPORARY_PASSWORD_ISSUED'], 'PASSWORD_EXPIRED', 'workflow', 'temporary password not used within 24 hours');
  if (!wasExpired) {
    const lines = [
      `The temporary CCHRS password for ${request.employee.fullName} (${request.employee.email}) expired unused after 24 hours.`,
      `Ask the CCHRS unit (${env.CCHRS_UNIT_EMAIL}) to issue a new one for request ${request.requestId}.`,
      ...(portalPage ? [`Agency administrator: the request in the CISS portal: ${portalPage(request.requestId)}`] : []),
    ];
    await mailer.send({ to: [...new Set([request.employee.email, request.requestedBy.email].filter((e): e is string => Boolean(e)))], subject: 'CCHRS temporary password expired', text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
  }
  return { active: false };
});
