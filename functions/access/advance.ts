import { z } from 'zod';
import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import { Conflict } from '#shared/errors';
import { taskHandler } from '#shared/task';
import type { AccessRequest, AccessStatus } from './domain/request';
import { CJIS_ONLINE_URL, TRAINING_MODULES } from './domain/training';
import { changeStatus, loadRequest, mailer } from './ports';

const Input = z.object({
  requestId: z.string().min(1),
  event: z.enum(['denied', 'training-assigned', 'attested', 'missing-modules', 'request-expired']),
  note: z.string().max(2000).nullish(),
});

/**
 * Each workflow event: the statuses it may come from, the one it leads to; or, for an event that
 * leads into a human step, only the statuses it is sent from: that step's task-opening moves the
 * status, in the same transaction as the task (the ASL's `statusChange`). `attested` is kept for
 * executions started before that change.
 */
const MOVES: Record<z.infer<typeof Input>['event'], { from: readonly AccessStatus[]; to?: AccessStatus }> = {
  denied: { from: ['UNDER_REVIEW'], to: 'DENIED' },
  'training-assigned': { from: ['UNDER_REVIEW'] },
  attested: { from: ['TRAINING_ASSIGNED'], to: 'TRAINING_VERIFICATION' },
  'missing-modules': { from: ['TRAINING_VERIFICATION'] },
  'request-expired': { from: ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION'], to: 'REQUEST_EXPIRED' },
};

function mail(to: readonly (string | undefined)[], subject: string, lines: readonly string[]): Email {
  return { to: [...new Set(to.filter((t): t is string => Boolean(t)))], subject, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

function messageFor(event: z.infer<typeof Input>['event'], r: AccessRequest, note: string | undefined): Email | undefined {
  const who = `${r.employee.fullName} (${r.employee.email})`;
  const modules = Object.values(TRAINING_MODULES);
  switch (event) {
    case 'denied':
      return mail([r.requestedBy.email], `CCHRS access request denied: ${r.employee.fullName}`, [
        `The CCHRS unit denied the access request ${r.requestId} for ${who}.`,
        `Reason: ${note ?? 'not given'}`,
        'Access is limited to as few people as possible; a new request may be made with a fuller statement of the business need.',
      ]);
    case 'training-assigned':
      return mail([r.employee.email, r.requestedBy.email], `CCHRS access: two trainings to complete on CJIS Online`, [
        `${r.employee.fullName}: to receive CCHRS access, complete both of these trainings on CJIS Online (${CJIS_ONLINE_URL}):`,
        ...modules.map((m) => `- ${m}`),
        'A PDF "Certificate of Completion" is not accepted as evidence of Security and Awareness Training since 15 May 2024: complete it on CJIS Online.',
        `Agency contact: when both are complete, confirm it using the link in the e-mail you will receive (request ${r.requestId}).`,
      ]);
    case 'missing-modules':
      return mail([r.requestedBy.email, r.employee.email], `CCHRS access: training not yet verified for ${r.employee.fullName}`, [
        `The CCHRS unit could not verify the training for request ${r.requestId} on CJIS Online.`,
        `What is missing: ${note ?? 'see the unit'}`,
        'Once it is complete, confirm again using the link in the next e-mail.',
      ]);
    case 'request-expired':
      return mail([r.requestedBy.email], `CCHRS access request expired: ${r.employee.fullName}`, [
        `The access request ${r.requestId} for ${who} expired because the required step was not completed in time. Submit a new request when the employee is ready.`,
      ]);
    case 'attested':
      return undefined;
  }
}

/** Moves the request on after a workflow step, and tells the people who need to know. */
export const handler = taskHandler(Input, async ({ requestId, event, note }) => {
  const request = await loadRequest(requestId);
  const move = MOVES[event];
  if (!move.to) {
    if (!move.from.includes(request.status)) throw new Conflict(`Access request ${requestId} is ${request.status}; "${event}" is not expected now`);
    const email = messageFor(event, request, note ?? undefined);
    if (email && email.to.length > 0) await mailer.send(email);
    return { status: request.status };
  }
  const alreadyThere = request.status === move.to;
  const moved = await changeStatus(request, move.from, move.to, 'workflow', note ?? undefined);
  const email = messageFor(event, moved, note ?? undefined);
  // A retry after the move does not mail twice.
  if (email && !alreadyThere && email.to.length > 0) await mailer.send(email);
  return { status: moved.status };
});
