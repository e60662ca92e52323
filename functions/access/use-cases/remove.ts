import type { Email } from '#shared/adapters/mailer';
import { Conflict, NotFound } from '#shared/errors';
import { escapeHtml } from '#shared/html';
import { auditOf } from '../domain/audit';
import { REMOVABLE_STATUSES, type AccessRequest, type AccessStatus, type AccountRemoval } from '../domain/request';
import type { Acting, Clock, RecordAudit, RequestStore } from './ports';

export interface RemovalPorts {
  readonly store: Pick<RequestStore, 'get' | 'removeAccount'>;
  readonly audit: RecordAudit;
  readonly send: (email: Email) => Promise<unknown>;
  readonly now: Clock;
  /** Where the CCHRS unit is told. */
  readonly unitEmail: string;
  /** The request's page in the portal, when the portal's address is known. */
  readonly portalPage?: (requestId: string) => string;
  /**
   * Ends the employee's access everywhere at once, as the accounts route does (functions/accounts
   * `endAccess`: the account record REMOVED so earlier tokens are refused, grants suspended,
   * sessions signed out, open tasks handed to the administrator). Idempotent.
   */
  readonly endAccess: (employee: { readonly email: string; readonly ori: string }, removal: { readonly at: string; readonly reason: string }, acting: Acting) => Promise<unknown>;
}

export interface RemovalOutcome {
  readonly requestId: string;
  readonly status: AccessStatus;
  readonly removal: { readonly by: string; readonly at: string };
}

const IN_FLIGHT: readonly AccessStatus[] = ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION'];

function refusal(request: AccessRequest): Conflict {
  if (IN_FLIGHT.includes(request.status)) {
    return new Conflict(
      `No account exists yet: the request is still in progress (${request.status}). It can be left to expire (it does if the trainings are not attested in time), or the CCHRS unit can deny it.`,
      { status: request.status },
    );
  }
  return new Conflict(`There is no account to remove: the request ended ${request.status}.`, { status: request.status });
}

function unitMail(ports: RemovalPorts, request: AccessRequest, removal: NonNullable<AccessRequest['removal']>): Email {
  const lines = [
    `The agency ${request.ori} asks for the removal of the CCHRS account of ${request.employee.fullName} (${request.employee.email}), request ${request.requestId}.`,
    `Asked by ${removal.by} at ${new Date(removal.at).toUTCString()}.`,
    `Reason: ${removal.reason}`,
    'The account was disabled at once: it can no longer log in.',
    ...(ports.portalPage ? [`Open in the portal: ${ports.portalPage(request.requestId)}`] : []),
  ];
  return { to: [ports.unitEmail], subject: `CCHRS account removal: ${request.employee.fullName} (${request.ori})`, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

/**
 * An agency administrator asks for the removal of an employee's account (the employee left).
 * 1. the request must exist and be the caller's agency's: another agency's is answered as a
 *    missing one (404), and audited as denied
 * 2. already removed (a retry after a lost answer): answered as done, without a second e-mail
 * 3. only an account that exists can be removed (ACTIVE, TEMPORARY_PASSWORD_ISSUED,
 *    PASSWORD_EXPIRED); a request still in progress is refused (409: let it expire, or the unit
 *    denies it), as is one that ended without an account
 * 4. in one transaction: the request becomes ACCOUNT_REMOVED, the account is disabled, and the
 *    audit event names who asked and that a reason was given (never the reason: it may name a
 *    person); a race with another change is a 409 with the status found
 * 5. access ends at once, by the accounts' one revocation (`endAccess`): the person's account
 *    REMOVED (earlier tokens refused), grants suspended, signed out, open tasks handed over
 * 6. the CCHRS unit is e-mailed, with the reason and the portal's page for the request
 */
export async function removeAccount(ports: RemovalPorts, requestId: string, readBody: () => AccountRemoval, { caller, source }: Acting): Promise<RemovalOutcome> {
  const request = await ports.store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  if (request.ori !== caller.ori) {
    await ports.audit(auditOf(request, 'AccountRemovalRequested', caller.username, { ori: caller.ori ?? null }, 'denied', source));
    throw new NotFound(`No access request ${requestId}`);
  }
  const body = readBody();
  if (request.status === 'ACCOUNT_REMOVED' && request.removal) {
    // A retry: the access ends again if an earlier call stopped before it had (nothing happens twice).
    await ports.endAccess({ email: request.employee.email, ori: request.ori }, { at: request.removal.at, reason: request.removal.reason }, { caller, source });
    return { requestId, status: request.status, removal: { by: request.removal.by, at: request.removal.at } };
  }
  if (!REMOVABLE_STATUSES.includes(request.status)) throw refusal(request);
  const removal = { by: caller.username, at: ports.now(), reason: body.reason };
  const audit = auditOf(request, 'AccessRequestStatusChanged', caller.username, { from: request.status, to: 'ACCOUNT_REMOVED', note: 'account removal requested by the agency', reasonGiven: true }, 'success', source);
  if (!(await ports.store.removeAccount(request, REMOVABLE_STATUSES, removal, audit))) {
    const fresh = await ports.store.get(requestId);
    if (fresh?.status === 'ACCOUNT_REMOVED' && fresh.removal) return { requestId, status: fresh.status, removal: { by: fresh.removal.by, at: fresh.removal.at } };
    throw fresh && !REMOVABLE_STATUSES.includes(fresh.status) ? refusal(fresh) : new Conflict(`Access request ${requestId} changed while its removal was asked; try again.`);
  }
  await ports.endAccess({ email: request.employee.email, ori: request.ori }, removal, { caller, source });
  await ports.send(unitMail(ports, request, removal));
  return { requestId, status: 'ACCOUNT_REMOVED', removal: { by: removal.by, at: removal.at } };
}
