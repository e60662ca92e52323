import type { AccessRequestStore } from '#shared/adapters/access-store';
import type { TransactItems } from '#shared/adapters/transactions';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { Conflict, NotFound } from '#shared/errors';
import { ACCESS_STATUSES, type AccessStatus } from './domain/request';
import { TRAINING_MODULES, type TrainingModule } from './domain/training';

const isStatus = (s: string): s is AccessStatus => (ACCESS_STATUSES as readonly string[]).includes(s);

/**
 * The status change a human step of the access workflow stands for, as writes to go in the same
 * transaction as the step's task (tasks-notify), with its audit event, written once:
 * - `unread` (the step's first opening) and one status to come from: without reading the
 *   request, on condition that it is in that status, what a read would have checked (when it is
 *   not, the transaction fails and the step opens again reading)
 * - otherwise, from the request as read:
 *   1. the request already in `to` (a reminder, a retried step): nothing to write
 *   2. in one of `from`: the conditional update and its `AccessRequestStatusChanged` event
 *   3. anywhere else: a Conflict the workflow's Catch shows
 */
export async function accessStatusWrite(
  store: AccessRequestStore,
  requestId: string,
  change: { readonly from: readonly string[]; readonly to: string; readonly note?: string | null },
  updatedAt: string,
  options: { readonly unread?: boolean } = {},
): Promise<{ items: TransactItems; audits: AuditEvent[] } | undefined> {
  const from = change.from.filter(isStatus);
  if (!isStatus(change.to) || from.length !== change.from.length) throw new Error(`Not access-request statuses: ${[...change.from, change.to].join(', ')}`);
  const only = from.length === 1 ? from[0] : undefined;
  if (options.unread && only) return { items: store.statusChangeItems(requestId, only, change.to, updatedAt), audits: [statusAudit(requestId, only, change.to, change.note)] };
  const request = await store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  if (request.status === change.to) return undefined;
  if (!from.includes(request.status)) throw new Conflict(`Access request ${requestId} is ${request.status}; it cannot become ${change.to}`);
  return { items: store.transitionItems(request, from, change.to, {}, updatedAt), audits: [statusAudit(requestId, request.status, change.to, change.note)] };
}

function statusAudit(requestId: string, from: AccessStatus, to: AccessStatus, note: string | null | undefined): AuditEvent {
  return {
    type: 'AccessRequestStatusChanged',
    outcome: 'success',
    actor: 'workflow',
    component: 'cchrs-access',
    subject: AuditSubject.of('access-request', requestId),
    details: { from, to, note: note ?? null },
  };
}

/**
 * Whether a choice on an access-request task can be taken now: "verified" needs each training's
 * CJIS Online completion (date and record id) recorded first, whichever channel it comes from.
 */
export async function accessReadiness(store: AccessRequestStore, task: { readonly workflow: string; readonly step: string; readonly subject: { readonly id: string } }, choice: string): Promise<string | undefined> {
  if (task.workflow !== 'access-request' || task.step !== 'training-verification' || choice !== 'verified') return undefined;
  const request = await store.get(task.subject.id);
  const missing = (Object.keys(TRAINING_MODULES) as TrainingModule[]).filter((m) => !request?.training?.[m]);
  if (missing.length === 0) return undefined;
  return `Record the training evidence for both modules first: no CJIS Online completion (date and record id) is recorded for ${missing.map((m) => TRAINING_MODULES[m]).join(' and ')}. The “Both verified on CJIS Online” link in the e-mail opens the form to record it. The request stays in training verification until then.`;
}
