import type { Account } from '#shared/adapters/access-store';
import { NotFound } from '#shared/errors';
import { auditOf } from '../domain/audit';
import { lockState } from '../domain/password';
import { stepOf, type AccessRequest, type TimelineEntry } from '../domain/request';
import { TRAINING_MODULES } from '../domain/training';
import type { Acting, RecordAudit, RequestStore } from './ports';

export interface ReadPorts {
  readonly store: Pick<RequestStore, 'get' | 'timeline' | 'account'>;
  readonly audit: RecordAudit;
  readonly now: () => Date;
}

/**
 * One request as its reader sees it, with its timeline.
 * 1. a malformed id (undefined here) names no request: a 404, without reading the table
 * 2. the unit reads every request; an agency administrator only their agency's; another
 *    agency's is answered exactly as a missing one (404), so ids reveal nothing
 * 3. every read is audited: a missing one as a failure, another agency's as denied (the same
 *    work and answer as a missing one), a read as a success
 * 4. while the employee's first login waits, whether it is locked after failed attempts (and
 *    until when), so the unit knows to unlock it and the agency why the employee cannot log in
 */
export async function readAccessRequest(ports: ReadPorts, requestId: string | undefined, { caller, source }: Acting) {
  const request = requestId ? await ports.store.get(requestId) : undefined;
  if (!request) {
    await ports.audit(auditOf({ requestId: requestId ?? '(malformed)' }, 'AccessRequestRead', caller.username, { ori: caller.ori ?? null }, 'failure', source));
    throw new NotFound(requestId ? `No access request ${requestId}` : 'No such access request');
  }
  if (!caller.roles.includes('unit') && request.ori !== caller.ori) {
    await ports.audit(auditOf(request, 'AccessRequestRead', caller.username, { ori: caller.ori ?? null }, 'denied', source));
    throw new NotFound(`No access request ${request.requestId}`);
  }
  await ports.audit(auditOf(request, 'AccessRequestRead', caller.username, {}, 'success', source));
  const waitsForLogin = request.status === 'TEMPORARY_PASSWORD_ISSUED' || request.status === 'PASSWORD_EXPIRED';
  const account = waitsForLogin ? await ports.store.account(request.employee.email) : undefined;
  return viewOf(request, await ports.store.timeline(request.requestId), account?.requestId === request.requestId ? account : undefined, ports.now());
}

function viewOf(request: AccessRequest, timeline: TimelineEntry[], account: Account | undefined, now: Date) {
  const lock = account ? lockState(account, now) : undefined;
  return {
    requestId: request.requestId,
    status: request.status,
    step: stepOf(request.status),
    employee: request.employee,
    ori: request.ori,
    justification: request.justification,
    requestedBy: request.requestedBy.username,
    training: Object.fromEntries(Object.entries(TRAINING_MODULES).map(([id, title]) => [id, { title, verified: request.training?.[id] ?? null }])),
    temporaryPasswordExpiresAt: request.temporaryPasswordExpiresAt ?? null,
    /** The first login locked after failed attempts: until when (null: until the unit unlocks it); null when not locked. */
    firstLoginLocked: lock?.locked ? { until: lock.until ?? null } : null,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    timeline,
  };
}
