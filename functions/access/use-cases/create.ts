import { Conflict, Forbidden } from '#shared/errors';
import { auditOf } from '../domain/audit';
import { stepOf, type AccessRequest, type AccessStatus, type NewAccessRequest } from '../domain/request';
import { workflowInput } from '../domain/workflow';
import type { Acting, Clock, RequestStore, StartWorkflow } from './ports';

export interface CreatePorts {
  readonly store: Pick<RequestStore, 'create' | 'get'>;
  readonly start: StartWorkflow;
  readonly now: Clock;
  /** A new request id, `AR-<yyyymmdd>-<10 hex digits>`, for the day of `at`. */
  readonly newId: (at: string) => string;
  /** The CCHRS unit's address: whom the unit's steps go to (the execution carries it). */
  readonly unitEmail: string;
}

export interface Created {
  /** `new` (202): stored now; `retried` (200): the same request was stored before. */
  readonly outcome: 'new' | 'retried';
  readonly requestId: string;
  readonly status: AccessStatus;
  readonly step: string;
}

/**
 * An agency administrator asks for access for one of their employees.
 * 1. only for the caller's own agency (403)
 * 2. store the request (RECEIVED) with its audit event; one open request per employee e-mail
 * 3. the same request sent again (a retry after a timeout or a 5xx: same agency, requester,
 *    employee and justification) is answered with the stored one, and its execution started in
 *    case the first attempt stopped before it
 * 4. a different open request for the e-mail is a 409, naming the open request only when it is
 *    the caller's agency's (one agency learns nothing of another's)
 * 5. start the request's execution, named by the request (a repeated start is the same one),
 *    with what its human steps show and the settings, so the workflow reads nothing to start
 */
export async function createAccessRequest(ports: CreatePorts, body: NewAccessRequest, { caller, source }: Acting): Promise<Created> {
  if (body.ori !== caller.ori) throw new Forbidden(`You may request access only for your own agency (${caller.ori ?? 'none'}), not ${body.ori}`);
  const at = ports.now();
  const request: AccessRequest = {
    requestId: ports.newId(at),
    // UNDER_REVIEW comes with the unit's review task, in one transaction (tasks-notify).
    status: 'RECEIVED',
    employee: { ...body.employee, email: body.employee.email.toLowerCase() },
    ori: body.ori,
    justification: body.justification,
    requestedBy: { username: caller.username, email: caller.email },
    createdAt: at,
    updatedAt: at,
  };
  try {
    await ports.store.create(request, auditOf(request, 'AccessRequestStatusChanged', caller.username, { from: null, to: 'RECEIVED', note: 'request received' }, 'success', source));
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    const open = await openRequestOf(ports, error);
    if (!open || !isSameRequest(open, request)) throw open?.ori === request.ori ? error : otherAgencys(request);
    await ports.start(open.requestId, workflowInput(open, ports.unitEmail));
    return { outcome: 'retried', requestId: open.requestId, status: open.status, step: stepOf(open.status) };
  }
  await ports.start(request.requestId, workflowInput(request, ports.unitEmail));
  return { outcome: 'new', requestId: request.requestId, status: request.status, step: stepOf(request.status) };
}

async function openRequestOf(ports: CreatePorts, conflict: Conflict): Promise<AccessRequest | undefined> {
  const openId = (conflict.details as { openRequestId?: string } | undefined)?.openRequestId;
  return openId ? ports.store.get(openId) : undefined;
}

/** The very request sent again: a different request for the same employee stays a 409. */
function isSameRequest(open: AccessRequest, wanted: AccessRequest): boolean {
  return (
    open.ori === wanted.ori &&
    open.requestedBy.username === wanted.requestedBy.username &&
    open.justification === wanted.justification &&
    JSON.stringify(open.employee) === JSON.stringify(wanted.employee)
  );
}

const otherAgencys = (wanted: AccessRequest) =>
  new Conflict(`An open access request for ${wanted.employee.email} already exists, made by another agency; the CCHRS unit can tell you more`);
