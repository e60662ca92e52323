import { routes } from '#infra/manifest';
import { randomBytes } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { AccessView } from '#shared/adapters/access-store';
import { AuditSubject, recordAudit, sourceOf } from '#shared/audit';
import { stepFunctions } from '#shared/clients';
import { Cursors, cursorParam, DynamoKeySchema, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { Conflict, Forbidden, NotFound } from '#shared/errors';
import { type ApiEvent, apiHandler, json, parseJsonBody, parseWith } from '#shared/http';
import { wellFormedId } from '#shared/ids';
import { correlate } from '#shared/observability';
import { nowIso } from '#shared/time';
import { ACCESS_STATUSES, NewAccessRequestSchema, stepOf, type AccessRequest } from './domain/request';
import { TRAINING_MODULES, TrainingVerificationSchema } from './domain/training';
import { recordTrainingVerification } from './verify-training';
import { auditOf, env, loadRequest, store } from './ports';

const cursors = new Cursors(secretCursorKeys(loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty }).CURSOR_KEY_SECRET_ID));
const statusUrl = (requestId: string) => `${env.PUBLIC_API_URL}/access-requests/${requestId}`;
const isUnit = (event: ApiEvent) => event.caller.roles.includes('unit');

/** The path's request id; a malformed one is answered as a missing request (404). */
function pathRequestId(event: ApiEvent): string {
  const requestId = wellFormedId('access-request', event.pathParameters?.['requestId']);
  if (!requestId) throw new NotFound('No such access request');
  return requestId;
}

function machineArn(): string {
  if (!env.ACCESS_MACHINE_ARN) throw new Error('ACCESS_MACHINE_ARN is not set for this function');
  return env.ACCESS_MACHINE_ARN;
}

/**
 * The unit sees every request; an agency administrator only their agency's. Another agency's
 * request is answered exactly as a missing one (404), so request ids reveal nothing; the denied
 * read is still audited.
 */
async function readable(event: ApiEvent): Promise<AccessRequest> {
  // A malformed id cannot name a request: answered as a missing one, without reading the table.
  const requestId = wellFormedId('access-request', event.pathParameters?.['requestId']);
  const request = requestId ? await store.get(requestId) : undefined;
  if (!request) {
    // Audited as another agency's is, so that both take the same work and answer.
    await recordAudit(auditOf({ requestId: requestId ?? '(malformed)' }, 'AccessRequestRead', event.caller.username, { ori: event.caller.ori ?? null }, 'failure', sourceOf(event)));
    throw new NotFound(requestId ? `No access request ${requestId}` : 'No such access request');
  }
  if (!isUnit(event) && request.ori !== event.caller.ori) {
    await recordAudit(auditOf(request, 'AccessRequestRead', event.caller.username, { ori: event.caller.ori ?? null }, 'denied', sourceOf(event)));
    throw new NotFound(`No access request ${request.requestId}`);
  }
  return request;
}

async function view(request: AccessRequest) {
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
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    timeline: await store.timeline(request.requestId),
  };
}

async function submit(event: ApiEvent) {
  const body = parseJsonBody(event, NewAccessRequestSchema);
  if (body.ori !== event.caller.ori) throw new Forbidden(`You may request access only for your own agency (${event.caller.ori ?? 'none'}), not ${body.ori}`);
  const at = nowIso();
  const requestId = `AR-${at.slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`;
  const request: AccessRequest = {
    requestId,
    // UNDER_REVIEW comes with the unit's review task, in one transaction (tasks-notify).
    status: 'RECEIVED',
    employee: { ...body.employee, email: body.employee.email.toLowerCase() },
    ori: body.ori,
    justification: body.justification,
    requestedBy: { username: event.caller.username, email: event.caller.email },
    createdAt: at,
    updatedAt: at,
  };
  try {
    await store.create(request, auditOf(request, 'AccessRequestStatusChanged', event.caller.username, { from: null, to: 'RECEIVED', note: 'request received' }, 'success', sourceOf(event)));
  } catch (error) {
    const retried = error instanceof Conflict ? await sameOpenRequest(error, request) : undefined;
    if (!retried) throw error instanceof Conflict ? await conflictFor(error, request) : error;
    // A retry of a request that was stored: the first attempt may have stopped before its start.
    await startRequestExecution(retried.requestId);
    return json(200, { requestId: retried.requestId, status: retried.status, step: stepOf(retried.status), statusUrl: statusUrl(retried.requestId) }, { Location: `/access-requests/${retried.requestId}` });
  }
  correlate({ accessRequestId: requestId });
  await startRequestExecution(requestId);
  return json(202, { requestId, status: request.status, step: stepOf(request.status), statusUrl: statusUrl(requestId) }, { Location: `/access-requests/${requestId}` });
}

/** The request's execution, named by the request: a repeated start is the same execution. */
async function startRequestExecution(requestId: string): Promise<void> {
  try {
    const started = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: machineArn(), name: requestId, input: JSON.stringify({ requestId }) }));
    correlate({ executionArn: started.executionArn });
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
}

/**
 * The open request the conflict names, when it is this very request sent again (an agency's
 * retry after a timeout or a 5xx): same agency, same requester, same employee and justification.
 * A different request for the same employee stays a 409.
 */
/**
 * The answer to a second open request for one e-mail: the open request's id when it is the
 * caller's own agency's; otherwise no id, so that one agency learns nothing of another's requests.
 */
async function conflictFor(conflict: Conflict, wanted: AccessRequest): Promise<Conflict> {
  const openId = (conflict.details as { openRequestId?: string } | undefined)?.openRequestId;
  const open = openId ? await store.get(openId) : undefined;
  if (open?.ori === wanted.ori) return conflict;
  return new Conflict(`An open access request for ${wanted.employee.email} already exists, made by another agency; the CCHRS unit can tell you more`);
}

async function sameOpenRequest(conflict: Conflict, wanted: AccessRequest): Promise<AccessRequest | undefined> {
  const openId = (conflict.details as { openRequestId?: string } | undefined)?.openRequestId;
  const open = openId ? await store.get(openId) : undefined;
  if (!open) return undefined;
  const same =
    open.ori === wanted.ori &&
    open.requestedBy.username === wanted.requestedBy.username &&
    open.justification === wanted.justification &&
    JSON.stringify(open.employee) === JSON.stringify(wanted.employee);
  return same ? open : undefined;
}

const ListQuery = z.object({
  status: z.enum(ACCESS_STATUSES, { message: `must be one of: ${ACCESS_STATUSES.join(', ')}` }).optional(),
  ori: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/**
 * GET /access-requests?status=&ori=&limit=&nextToken=: one page of the requests the caller may
 * see, newest first; with no filter, all of them (the unit: every request; an agency
 * administrator: their agency's). The cursor is sealed and bound to the query and the caller.
 */
async function list(event: ApiEvent) {
  const q = parseWith(ListQuery, event.queryStringParameters ?? {});
  if (!isUnit(event) && q.ori && q.ori !== event.caller.ori) throw new Forbidden('You may list only your own agency’s requests');
  if (!isUnit(event) && !event.caller.ori) throw new Forbidden('Your token names no agency (ORI)');
  const view: AccessView = isUnit(event) ? { kind: 'all' } : { kind: 'agency', ori: event.caller.ori ?? '' };
  const scope = { list: 'access-requests', caller: event.caller, query: { status: q.status, ori: q.ori } };
  const { token, param } = cursorParam(event.queryStringParameters, 'cursor');
  const start = await cursors.open(token, scope, DynamoKeySchema, param);
  const page = await store.list(view, { status: q.status, ori: q.ori, limit: q.limit }, start);
  const ori = view.kind === 'agency' ? view.ori : q.ori;
  await recordAudit({ type: 'AccessRequestsListed', outcome: 'success', actor: event.caller.username, component: 'cchrs-access', subject: AuditSubject.of('access-request', ori ?? q.status ?? '*'), source: sourceOf(event), details: { count: page.items.length } });
  return json(200, {
    items: page.items.map((r) => ({ requestId: r.requestId, status: r.status, employee: r.employee.fullName, ori: r.ori, createdAt: r.createdAt, statusUrl: statusUrl(r.requestId) })),
    nextToken: await cursors.seal(scope, page.next),
  });
}

/** The unit records each module's CJIS Online completion (recordTrainingVerification). */
async function verifyTraining(event: ApiEvent) {
  const request = await loadRequest(pathRequestId(event));
  const body = parseJsonBody(event, TrainingVerificationSchema);
  const { verified, missing } = await recordTrainingVerification(request, body, { id: event.caller.username, channel: 'api', source: sourceOf(event) });
  return json(200, { requestId: request.requestId, verified, missing });
}

/** The 409 for a reissue someone already asked for: when and by whom. */
function alreadyReissued(claim: NonNullable<AccessRequest['reissue']>): Conflict {
  return new Conflict(`A new temporary password was already requested by ${claim.by} at ${new Date(claim.at).toUTCString()}; it is e-mailed to the employee when issued.`, { reissuedBy: claim.by, reissuedAt: claim.at });
}

/**
 * The unit asks for a new temporary password after one expired.
 * 1. claim the next issue with one conditional write and its audit event: of two asking at once,
 *    one wins; the other is told who asked and when (409)
 * 2. start the reissue execution, named by the issue; if it cannot start, give the claim up
 */
async function reissue(event: ApiEvent) {
  const request = await loadRequest(pathRequestId(event));
  const issue = (request.issue ?? 1) + 1;
  if (request.reissue && request.reissue.issue >= issue) throw alreadyReissued(request.reissue);
  if (request.status !== 'PASSWORD_EXPIRED') throw new Conflict(`A temporary password can be reissued only after one expired; the request is ${request.status}`);
  const claim = { issue, by: event.caller.username, at: nowIso() };
  if (!(await store.claimReissue(request.requestId, claim, auditOf(request, 'TemporaryPasswordReissueRequested', event.caller.username, { issue }, 'success', sourceOf(event))))) {
    const fresh = await loadRequest(request.requestId);
    if (fresh.reissue && fresh.reissue.issue >= issue) throw alreadyReissued(fresh.reissue);
    throw new Conflict(`A temporary password can be reissued only after one expired; the request is ${fresh.status}`);
  }
  try {
    const started = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: machineArn(), name: `${request.requestId}-reissue-${issue}`, input: JSON.stringify({ requestId: request.requestId, reissue: true }) }));
    correlate({ executionArn: started.executionArn });
  } catch (error) {
    await store.releaseReissue(request.requestId, issue);
    throw error;
  }
  return json(202, { requestId: request.requestId, status: request.status, statusUrl: statusUrl(request.requestId) });
}

async function unlock(event: ApiEvent) {
  const request = await loadRequest(pathRequestId(event));
  await store.unlock(request.employee.email);
  await recordAudit(auditOf(request, 'AccountUnlocked', event.caller.username, {}, 'success', sourceOf(event)));
  return json(200, { requestId: request.requestId, unlocked: true });
}

/** The CCHRS access-request API: agency administrators ask; the unit reviews, verifies and reissues. */
export const handler = apiHandler(async (event) => {
  const route = `${event.httpMethod} ${event.resource}`;
  switch (route) {
    case 'POST /access-requests':
      return submit(event);
    case 'GET /access-requests':
      return list(event);
    case 'GET /access-requests/{requestId}': {
      const request = await readable(event);
      await recordAudit(auditOf(request, 'AccessRequestRead', event.caller.username, {}, 'success', sourceOf(event)));
      return json(200, await view(request));
    }
    case 'POST /access-requests/{requestId}/training-verification':
      return verifyTraining(event);
    case 'POST /access-requests/{requestId}/reissue':
      return reissue(event);
    case 'POST /access-requests/{requestId}/unlock':
      return unlock(event);
    default:
      throw new NotFound(`No route ${route}`);
  }
}, { routes });
