import type { Email } from '#shared/adapters/mailer';
import { Conflict } from '#shared/errors';
import { MOVES, messageFor, type AdvanceEvent, type MailedAbout } from '../domain/advance';
import type { AccessRequest, AccessStatus } from '../domain/request';

export interface AdvancePorts {
  readonly loadRequest: (requestId: string) => Promise<AccessRequest>;
  readonly changeStatus: (request: AccessRequest, from: readonly AccessStatus[], to: AccessStatus, actor: string, note?: string) => Promise<AccessRequest>;
  readonly send: (email: Email) => Promise<unknown>;
  /** The request's page in the portal, when its address is known: e-mails to the agency lead there. */
  readonly portalPage?: (requestId: string) => string;
}

/**
 * Moves the request on after a workflow step, and tells the people who need to know.
 * 1. an event that leads into a human step moves nothing (the step's task-opening moves the
 *    status, on condition that the request is where it comes from) and mails. With `about` (whom
 *    to mail, as the execution carries it) it reads nothing; otherwise it reads the request and
 *    checks where it stands first
 * 2. any other moves the request, once: a retry after the move finds it there and does not mail twice
 */
export async function advance(input: { readonly requestId: string; readonly event: AdvanceEvent; readonly note?: string; readonly about?: Omit<MailedAbout, 'requestId'> }, ports: AdvancePorts): Promise<{ status?: AccessStatus }> {
  const { requestId, event, note, about } = input;
  const move = MOVES[event];
  if (!move.to && about) {
    const email = messageFor(event, { requestId, ...about }, note, ports.portalPage?.(requestId));
    if (email && email.to.length > 0) await ports.send(email);
    return {};
  }
  const request = await ports.loadRequest(requestId);
  if (!move.to) {
    if (!move.from.includes(request.status)) throw new Conflict(`Access request ${requestId} is ${request.status}; "${event}" is not expected now`);
    const email = messageFor(event, request, note, ports.portalPage?.(requestId));
    if (email && email.to.length > 0) await ports.send(email);
    return { status: request.status };
  }
  const alreadyThere = request.status === move.to;
  const moved = await ports.changeStatus(request, move.from, move.to, 'workflow', note);
  const email = messageFor(event, moved, note, ports.portalPage?.(requestId));
  if (email && !alreadyThere && email.to.length > 0) await ports.send(email);
  return { status: moved.status };
}
