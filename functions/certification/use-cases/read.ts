import { DynamoKeySchema } from '#shared/cursor';
import { Forbidden, NotFound } from '#shared/errors';
import { renewalOpensAt, stepOf, type Certification, type CertificationStatus } from '../domain/certification';
import { certificationAudit } from '../domain/audit';
import type { TimelineEntry } from '../adapters/store';
import { SEARCH_ROLE } from '#shared/roles';
import { rolesHeld, type RoleGrant } from '../domain/grant';
import type { Acting, Clock, ListCursors, RecordAudit, Store } from '../ports';

const isUnit = (acting: Acting): boolean => acting.caller.roles.includes('unit');

/** When a running certification's renewal may be requested, and whether that day has come (the server's clock: the portal's may differ). */
function renewal(c: Certification, now: string) {
  const opens = c.status === 'CERTIFIED' && c.expiresAt ? renewalOpensAt(c.expiresAt) : null;
  return { renewalOpensAt: opens, renewalDue: opens !== null && Date.parse(now) >= Date.parse(opens) };
}

/** A certification as the API answers it: the record, its step in words, when its renewal is due, and its timeline. */
export function viewOf(c: Certification, now: string, timeline?: readonly TimelineEntry[]) {
  return {
    certificationId: c.certificationId,
    status: c.status,
    step: stepOf(c.status),
    ori: c.ori,
    employee: c.employee,
    requestedBy: c.requestedBy.username,
    awareness: c.awareness,
    rules: c.rules,
    attempts: c.attempts.map((a, i) => ({ attempt: i + 1, attemptId: a.attemptId, score: a.score, takenAt: a.takenAt, passed: a.passed, channel: a.channel, recordedAt: a.recordedAt })),
    retakeAt: c.retakeAt ?? null,
    renews: c.renews ?? null,
    renewedBy: c.renewedBy ?? null,
    ...(c.seeded ? { seeded: c.seeded } : {}),
    grantedAt: c.grantedAt ?? null,
    expiresAt: c.expiresAt ?? null,
    ...renewal(c, now),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(timeline ? { timeline } : {}),
  };
}

/**
 * One certification with its timeline.
 * 1. the unit reads any; an agency administrator only their agency's: another's reads as
 *    missing (404), like one that does not exist
 * 2. the read is audited (ids only)
 */
export async function readCertification(ports: { readonly store: Pick<Store, 'get' | 'timeline'>; readonly audit: RecordAudit; readonly now: Clock }, certificationId: string, acting: Acting) {
  const c = await ports.store.get(certificationId);
  if (!c || (!isUnit(acting) && c.ori !== acting.caller.ori)) throw new NotFound(`No CISS Search certification ${certificationId}`);
  await ports.audit(certificationAudit(certificationId, 'SearchCertificationRead', acting.caller.username, {}, 'success', acting.source));
  return viewOf(c, ports.now(), await ports.store.timeline(certificationId));
}

export interface ListPorts {
  readonly store: Pick<Store, 'list'>;
  readonly cursors: ListCursors;
  readonly audit: RecordAudit;
  readonly now: Clock;
}

/**
 * One page of the certifications the caller may see, newest first.
 * 1. the unit sees every one; an agency administrator their agency's only (403 without an ORI)
 * 2. the cursor is sealed and bound to the list, the filter and the caller
 * 3. the listing is audited with its count
 */
export async function listCertifications(ports: ListPorts, q: { readonly status?: CertificationStatus; readonly limit: number; readonly nextToken?: string }, acting: Acting) {
  const { caller } = acting;
  if (!isUnit(acting) && !caller.ori) throw new Forbidden('Your token names no agency (ORI)');
  const view = isUnit(acting) ? ({ kind: 'all' } as const) : ({ kind: 'agency', ori: caller.ori ?? '' } as const);
  const scope = { list: 'search-certifications', caller, query: { status: q.status } };
  const start = await ports.cursors.open(q.nextToken, scope, DynamoKeySchema, 'nextToken');
  const page = await ports.store.list(view, { status: q.status, limit: q.limit }, start);
  const now = ports.now();
  await ports.audit(certificationAudit(view.kind === 'agency' ? view.ori : (q.status ?? '*'), 'SearchCertificationsListed', caller.username, { count: page.items.length }, 'success', acting.source));
  return {
    items: page.items.map((c) => ({ certificationId: c.certificationId, status: c.status, step: stepOf(c.status), employee: c.employee.fullName, ori: c.ori, createdAt: c.createdAt, expiresAt: c.expiresAt ?? null, renews: c.renews ?? null, renewalDue: renewal(c, now).renewalDue })),
    nextToken: await ports.cursors.seal(scope, page.next),
  };
}

export interface MinePorts {
  readonly store: Pick<Store, 'get' | 'openFor'>;
  readonly grants: { get(email: string, role: typeof SEARCH_ROLE): Promise<RoleGrant | undefined> };
  readonly audit: RecordAudit;
  readonly now: Clock;
}

/**
 * The signed-in person's own CISS Search certification, whatever their roles.
 * 1. by the e-mail of their token (none: nothing to show)
 * 2. the open one (requested, in the exam, certified, or a renewal under way), else the one
 *    whose grant they hold or held (lapsed)
 * 3. whether the search role is theirs now, and until when (the grant)
 * 4. the read is audited (ids only)
 */
export async function myCertification(ports: MinePorts, acting: Acting) {
  const email = acting.caller.email?.toLowerCase();
  if (!email) return { certification: null, role: null };
  const [openId, grant] = await Promise.all([ports.store.openFor(email), ports.grants.get(email, SEARCH_ROLE)]);
  const id = openId ?? grant?.certificationId;
  const c = id ? await ports.store.get(id) : undefined;
  if (c) await ports.audit(certificationAudit(c.certificationId, 'SearchCertificationRead', acting.caller.username, {}, 'success', acting.source));
  const held = grant ? rolesHeld([grant], ports.now()).includes(SEARCH_ROLE) : false;
  return {
    certification: c ? viewOf(c, ports.now()) : null,
    role: grant ? { held, status: grant.status, certificationId: grant.certificationId, expiresAt: grant.expiresAt, ...(grant.seeded ? { seeded: grant.seeded } : {}) } : null,
  };
}
