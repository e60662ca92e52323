import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import type { AccessRequest, AccessStatus } from './request';
import { CJIS_ONLINE_URL, TRAINING_MODULES } from './training';

/** What the workflow tells the request happened, step by step. */
export const ADVANCE_EVENTS = ['denied', 'training-assigned', 'attested', 'missing-modules', 'request-expired'] as const;
export type AdvanceEvent = (typeof ADVANCE_EVENTS)[number];

/**
 * Each workflow event: the statuses it may come from, the one it leads to; or, for an event that
 * leads into a human step, only the statuses it is sent from: that step's task-opening moves the
 * status, in the same transaction as the task (the ASL's `statusChange`). `attested` is kept for
 * executions started before that change.
 */
export const MOVES: Record<AdvanceEvent, { from: readonly AccessStatus[]; to?: AccessStatus }> = {
  denied: { from: ['UNDER_REVIEW'], to: 'DENIED' },
  'training-assigned': { from: ['UNDER_REVIEW'] },
  attested: { from: ['TRAINING_ASSIGNED'], to: 'TRAINING_VERIFICATION' },
  'missing-modules': { from: ['TRAINING_VERIFICATION'] },
  'request-expired': { from: ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION'], to: 'REQUEST_EXPIRED' },
};

/** What the e-mails name: the request, the employee, and the agency administrator who asked (the request as stored, or as the execution carries it). */
export type MailedAbout = Pick<AccessRequest, 'requestId'> & { readonly employee: Pick<AccessRequest['employee'], 'fullName' | 'email'>; readonly requestedBy: { readonly email?: string } };

function mail(to: readonly (string | undefined)[], subject: string, lines: readonly string[]): Email {
  return { to: [...new Set(to.filter((t): t is string => Boolean(t)))], subject, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

/**
 * The e-mail each event sends, if any. `portalPage` is the request's page in the portal: each
 * e-mail to the agency leads there, where the request's status and next step are shown.
 */
export function messageFor(event: AdvanceEvent, r: MailedAbout, note: string | undefined, portalPage?: string): Email | undefined {
  const who = `${r.employee.fullName} (${r.employee.email})`;
  const modules = Object.values(TRAINING_MODULES);
  const follow = portalPage ? [`Agency administrator: the request in the CISS portal: ${portalPage}`] : [];
  switch (event) {
    case 'denied':
      return mail([r.requestedBy.email], `CCHRS access request denied: ${r.employee.fullName}`, [
        `The CCHRS unit denied the access request ${r.requestId} for ${who}.`,
        `Reason: ${note ?? 'not given'}`,
        'Access is limited to as few people as possible; a new request may be made with a fuller statement of the business need.',
        ...follow,
      ]);
    case 'training-assigned':
      return mail([r.employee.email, r.requestedBy.email], `CCHRS access: two trainings to complete on CJIS Online`, [
        `${r.employee.fullName}: to receive CCHRS access, complete both of these trainings on CJIS Online (${CJIS_ONLINE_URL}):`,
        ...modules.map((m) => `- ${m}`),
        'A PDF "Certificate of Completion" is not accepted as evidence of Security and Awareness Training since 15 May 2024: complete it on CJIS Online.',
        `Agency contact: when both are complete, confirm it using the link in the e-mail you will receive (request ${r.requestId}).`,
        ...follow,
      ]);
    case 'missing-modules':
      return mail([r.requestedBy.email, r.employee.email], `CCHRS access: training not yet verified for ${r.employee.fullName}`, [
        `The CCHRS unit could not verify the training for request ${r.requestId} on CJIS Online.`,
        `What is missing: ${note ?? 'see the unit'}`,
        'Once it is complete, confirm again using the link in the next e-mail.',
        ...follow,
      ]);
    case 'request-expired':
      return mail([r.requestedBy.email], `CCHRS access request expired: ${r.employee.fullName}`, [
        `The access request ${r.requestId} for ${who} expired because the required step was not completed in time. Submit a new request when the employee is ready.`,
        ...follow,
      ]);
    case 'attested':
      return undefined;
  }
}
