import { NotFound } from '#shared/errors';
import { auditOf } from '../domain/audit';
import type { Acting, RecordAudit, RequestStore } from './ports';

export interface UnlockPorts {
  readonly store: Pick<RequestStore, 'get' | 'unlock'>;
  readonly audit: RecordAudit;
}

/**
 * The unit ends a first-login lock before it ends by itself (CJIS AC-7).
 * 1. the request must exist (404)
 * 2. the employee's account is unlocked, its failures forgotten
 * 3. audited as AccountUnlocked, naming the request (never the e-mail)
 */
export async function unlockAccount(ports: UnlockPorts, requestId: string, { caller, source }: Acting): Promise<{ requestId: string; unlocked: true }> {
  const request = await ports.store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  await ports.store.unlock(request.employee.email);
  await ports.audit(auditOf(request, 'AccountUnlocked', caller.username, {}, 'success', source));
  return { requestId: request.requestId, unlocked: true };
}
