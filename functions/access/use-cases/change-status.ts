import { Conflict, NotFound } from '#shared/errors';
import { auditOf } from '../domain/audit';
import type { AccessRequest, AccessStatus } from '../domain/request';
import type { Clock, RequestStore } from './ports';

export interface ChangeStatusPorts {
  readonly store: Pick<RequestStore, 'transition' | 'get'>;
  readonly now: Clock;
}

/**
 * One status change with its audit event. A step retried after it already moved the request
 * finds it in the target status and carries on; any other status is a conflict.
 *
 * A change that keeps the status (it records something, e.g. training evidence) applies only
 * while the fields it sets still hold what was read: of two such changes made at once from the
 * same read (a client's retry racing its first attempt), one is stored and audited, and the
 * other finds the request in the status and carries on without a second audit record.
 */
export async function changeStatusWith(ports: ChangeStatusPorts, request: AccessRequest, from: readonly AccessStatus[], to: AccessStatus, actor: string, note?: string, fields: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const updatedAt = ports.now();
  const unchanged = request.status === to ? Object.fromEntries(Object.keys(fields).map((field) => [field, request[field as keyof AccessRequest]])) : {};
  const moved = await ports.store.transition(request, from, to, fields, auditOf(request, 'AccessRequestStatusChanged', actor, { from: request.status, to, note: note ?? null }), updatedAt, unchanged);
  if (!moved) {
    const fresh = await ports.store.get(request.requestId);
    if (!fresh) throw new NotFound(`No access request ${request.requestId}`);
    if (fresh.status === to) return fresh;
    throw new Conflict(`Access request ${request.requestId} is ${fresh.status}; it cannot become ${to}`);
  }
  return { ...request, ...fields, status: to, updatedAt };
}
