import { Conflict, NotFound } from '#shared/errors';
import { auditOf } from '../domain/audit';
import type { AccessRequest, AccessStatus } from '../domain/request';
import type { Acting, Clock, RequestStore, StartWorkflow } from './ports';

export interface ReissuePorts {
  readonly store: Pick<RequestStore, 'get' | 'claimReissue' | 'releaseReissue'>;
  readonly start: StartWorkflow;
  readonly now: Clock;
}

/** The 409 for a reissue someone already asked for: when and by whom. */
function alreadyReissued(claim: NonNullable<AccessRequest['reissue']>): Conflict {
  return new Conflict(`A new temporary password was already requested by ${claim.by} at ${new Date(claim.at).toUTCString()}; it is e-mailed to the employee when issued.`, { reissuedBy: claim.by, reissuedAt: claim.at });
}

const notExpired = (status: AccessStatus) => new Conflict(`A temporary password can be reissued only after one expired; the request is ${status}`);

/**
 * The unit asks for a new temporary password after one expired.
 * 1. only after the temporary password expired (409 with the status)
 * 2. claim the next issue with one conditional write and its audit event: of two asking at once,
 *    one wins; the other is told who asked and when (409)
 * 3. start the reissue execution, named by the issue; if it cannot start, give the claim up so
 *    the unit can ask again
 */
export async function reissueTemporaryPassword(ports: ReissuePorts, requestId: string, { caller, source }: Acting): Promise<{ requestId: string; status: AccessStatus }> {
  const request = await ports.store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  const issue = (request.issue ?? 1) + 1;
  if (request.reissue && request.reissue.issue >= issue) throw alreadyReissued(request.reissue);
  if (request.status !== 'PASSWORD_EXPIRED') throw notExpired(request.status);
  const claim = { issue, by: caller.username, at: ports.now() };
  if (!(await ports.store.claimReissue(request.requestId, claim, auditOf(request, 'TemporaryPasswordReissueRequested', caller.username, { issue }, 'success', source)))) {
    const fresh = await ports.store.get(request.requestId);
    if (!fresh) throw new NotFound(`No access request ${requestId}`);
    if (fresh.reissue && fresh.reissue.issue >= issue) throw alreadyReissued(fresh.reissue);
    throw notExpired(fresh.status);
  }
  try {
    await ports.start(`${request.requestId}-reissue-${issue}`, { requestId: request.requestId, reissue: true });
  } catch (error) {
    await ports.store.releaseReissue(request.requestId, issue);
    throw error;
  }
  return { requestId: request.requestId, status: request.status };
}
