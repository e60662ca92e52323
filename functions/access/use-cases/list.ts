import type { AccessView } from '#shared/adapters/access-store';
import { AuditSubject } from '#shared/audit';
import { DynamoKeySchema } from '#shared/cursor';
import { Forbidden } from '#shared/errors';
import type { AccessStatus } from '../domain/request';
import type { Acting, ListCursors, RecordAudit, RequestStore, StatusUrl } from './ports';

export interface ListPorts {
  readonly store: Pick<RequestStore, 'list'>;
  readonly cursors: ListCursors;
  readonly audit: RecordAudit;
  readonly statusUrl: StatusUrl;
}

export interface ListQuery {
  readonly status?: AccessStatus;
  readonly ori?: string;
  readonly limit: number;
  /** The cursor given, and the parameter it came in (`nextToken`, or the older `cursor`). */
  readonly cursor: { readonly token?: string; readonly param: string };
}

export interface RequestSummary {
  readonly requestId: string;
  readonly status: AccessStatus;
  readonly employee: string;
  readonly ori: string;
  readonly createdAt: string;
  readonly statusUrl: string;
}

const isUnit = (acting: Acting) => acting.caller.roles.includes('unit');

/**
 * One page of the requests the caller may see, newest first; with no filter, all of them.
 * 1. the unit sees every request; an agency administrator only their agency's (403 for another
 *    agency's filter, or a token naming no agency)
 * 2. the cursor is sealed and bound to the list, the filters and the caller (400 otherwise)
 * 3. the listing is audited with its count (ids and filters only)
 */
export async function listAccessRequests(ports: ListPorts, q: ListQuery, acting: Acting): Promise<{ items: RequestSummary[]; nextToken: string | null }> {
  const { caller } = acting;
  if (!isUnit(acting) && q.ori && q.ori !== caller.ori) throw new Forbidden('You may list only your own agency’s requests');
  if (!isUnit(acting) && !caller.ori) throw new Forbidden('Your token names no agency (ORI)');
  const view: AccessView = isUnit(acting) ? { kind: 'all' } : { kind: 'agency', ori: caller.ori ?? '' };
  const scope = { list: 'access-requests', caller, query: { status: q.status, ori: q.ori } };
  const start = await ports.cursors.open(q.cursor.token, scope, DynamoKeySchema, q.cursor.param);
  const page = await ports.store.list(view, { status: q.status, ori: q.ori, limit: q.limit }, start);
  const ori = view.kind === 'agency' ? view.ori : q.ori;
  await ports.audit({ type: 'AccessRequestsListed', outcome: 'success', actor: caller.username, component: 'cchrs-access', subject: AuditSubject.of('access-request', ori ?? q.status ?? '*'), source: acting.source, details: { count: page.items.length } });
  return {
    items: page.items.map((r) => ({ requestId: r.requestId, status: r.status, employee: r.employee.fullName, ori: r.ori, createdAt: r.createdAt, statusUrl: ports.statusUrl(r.requestId) })),
    nextToken: await ports.cursors.seal(scope, page.next),
  };
}
