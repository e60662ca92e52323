/**
 * The access-request use cases on fake ports, without the emulator: idempotent intake and its
 * 409s, what each role may list and read, the reissue claim, unlock, and training verification.
 */
import { jest } from '@jest/globals';
import type { AccessView, Account } from '#shared/adapters/access-store';
import type { StoredTask } from '#shared/adapters/task-store';
import type { AuditEvent } from '#shared/audit';
import { Cursors } from '#shared/cursor';
import { Conflict, Forbidden, Gone, NotFound, TransientFailure, ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import type { AccessRequest, NewAccessRequest } from '../../functions/access/domain/request';
import type { TrainingVerification } from '../../functions/access/domain/training';
import { DEFAULT_SETTINGS, viewOf } from '../../functions/access/domain/workflow';
import { createAccessRequest } from '../../functions/access/use-cases/create';
import { listAccessRequests } from '../../functions/access/use-cases/list';
import type { Acting, RequestStore } from '../../functions/access/use-cases/ports';
import { readAccessRequest } from '../../functions/access/use-cases/read';
import { recordTrainingVerification, verifyTrainingOnApi, type RecordTrainingPorts } from '../../functions/access/use-cases/record-training';
import { reissueTemporaryPassword } from '../../functions/access/use-cases/reissue';
import { unlockAccount } from '../../functions/access/use-cases/unlock';
import { removeAccount } from '../../functions/access/use-cases/remove';
import type { Email } from '#shared/adapters/mailer';
import type { DecideResult } from '../../functions/tasks/domain/use-cases';
import { aTask } from './task-fixtures';

const NOW = '2026-11-29T12:00:00.000Z';
const JUSTIFICATION = 'Processes pistol permit applications and must check applicants against state criminal history records before issuing.';
const source = { ip: '203.0.113.7', userAgent: 'jest' };
const caller = (overrides: Partial<Caller> = {}): Caller => ({ sub: 'sub-1', username: 'admin.a', roles: ['agency-admin'], ori: 'CT0000100', courts: [], ...overrides });
const acting = (overrides: Partial<Caller> = {}): Acting => ({ caller: caller(overrides), source });
const unit = acting({ username: 'unit.u', roles: ['unit'], ori: undefined });

const body = (overrides: Partial<NewAccessRequest> = {}): NewAccessRequest => ({
  employee: { fullName: 'Jane Q. Doe', email: 'Jane.Doe@Police.CT.example', jobTitle: 'Records clerk', mfaPhones: [] },
  ori: 'CT0000100',
  justification: JUSTIFICATION,
  ...overrides,
});

function aRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    requestId: 'AR-20261129-00000000AA',
    status: 'UNDER_REVIEW',
    employee: { fullName: 'Jane Q. Doe', email: 'jane.doe@police.ct.example', jobTitle: 'Records clerk', mfaPhones: [] },
    ori: 'CT0000100',
    justification: JUSTIFICATION,
    requestedBy: { username: 'admin.a' },
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

/** An in-memory request store keeping the DynamoDB one's conditions: one open request per e-mail, one claim per issue. */
class FakeStore implements RequestStore {
  readonly requests = new Map<string, AccessRequest>();
  readonly open = new Map<string, string>();
  readonly audits: AuditEvent[] = [];
  readonly unlocked: string[] = [];
  readonly released: number[] = [];
  lastList?: { view: AccessView; filter: unknown; start: unknown };
  failCreate?: Error;

  constructor(...requests: AccessRequest[]) {
    for (const r of requests) this.requests.set(r.requestId, r);
  }
  async get(requestId: string) {
    return this.requests.get(requestId);
  }
  async create(request: AccessRequest, audit: AuditEvent) {
    if (this.failCreate) throw this.failCreate;
    const openId = this.open.get(request.employee.email);
    if (openId) throw new Conflict(`An open access request for ${request.employee.email} already exists: ${openId}`, { openRequestId: openId });
    this.requests.set(request.requestId, request);
    this.open.set(request.employee.email, request.requestId);
    this.audits.push(audit);
  }
  async list(view: AccessView, filter: { status?: AccessRequest['status']; ori?: string; limit: number }, start?: Record<string, string>) {
    this.lastList = { view, filter, start };
    const items = [...this.requests.values()].filter((r) => (view.kind === 'all' || r.ori === view.ori) && (!filter.status || r.status === filter.status));
    return { items: items.slice(0, filter.limit), next: items.length > filter.limit ? { pk: 'next' } : undefined };
  }
  async timeline() {
    return [{ at: NOW, type: 'AccessRequestStatusChanged', actor: 'admin.a', status: 'RECEIVED' as const, note: 'request received' }];
  }
  async claimReissue(requestId: string, claim: NonNullable<AccessRequest['reissue']>, audit: AuditEvent) {
    const r = this.requests.get(requestId);
    if (!r || r.status !== 'PASSWORD_EXPIRED' || (r.reissue && r.reissue.issue >= claim.issue)) return false;
    this.requests.set(requestId, { ...r, reissue: claim });
    this.audits.push(audit);
    return true;
  }
  async releaseReissue(requestId: string, issue: number) {
    this.released.push(issue);
    const r = this.requests.get(requestId);
    if (r?.reissue?.issue === issue) this.requests.set(requestId, { ...r, reissue: undefined });
  }
  async unlock(email: string) {
    this.unlocked.push(email);
  }
  readonly accounts = new Map<string, Account>();
  async account(email: string) {
    return this.accounts.get(email.toLowerCase());
  }
  readonly removedAccounts: string[] = [];
  async removeAccount(request: AccessRequest, from: readonly AccessRequest['status'][], removal: NonNullable<AccessRequest['removal']>, audit: AuditEvent) {
    const r = this.requests.get(request.requestId);
    if (!r || !from.includes(r.status)) return false;
    this.requests.set(r.requestId, { ...r, removal, status: 'ACCOUNT_REMOVED', updatedAt: removal.at });
    this.removedAccounts.push(r.employee.email);
    this.audits.push(audit);
    return true;
  }
  async transition(request: AccessRequest, from: readonly AccessRequest['status'][], to: AccessRequest['status'], fields: Partial<AccessRequest>, audit: AuditEvent, updatedAt: string, unchanged: Partial<AccessRequest> = {}) {
    const r = this.requests.get(request.requestId);
    const changed = Object.entries(unchanged).some(([field, value]) => JSON.stringify(r?.[field as keyof AccessRequest]) !== JSON.stringify(value));
    if (!r || !from.includes(r.status) || changed) return false;
    this.requests.set(r.requestId, { ...r, ...fields, status: to, updatedAt });
    this.audits.push(audit);
    return true;
  }
}

const started: { name: string; input: unknown }[] = [];
const start = async (name: string, input: unknown) => {
  started.push({ name, input });
};
beforeEach(() => {
  started.length = 0;
});

describe('creating an access request', () => {
  const ports = (store: FakeStore) => ({ store, start, now: () => NOW, unitEmail: 'unit@dpscs.ct.example', newId: (at: string) => `AR-${at.slice(0, 10).replaceAll('-', '')}-0000000001` });

  it('stores it RECEIVED with the e-mail in lower case, audits it, and starts the execution named by the request', async () => {
    const store = new FakeStore();
    const created = await createAccessRequest(ports(store), body(), acting());

    expect(created).toEqual({ outcome: 'new', requestId: 'AR-20261129-0000000001', status: 'RECEIVED', step: expect.any(String) });
    expect(store.requests.get('AR-20261129-0000000001')).toMatchObject({ status: 'RECEIVED', employee: { email: 'jane.doe@police.ct.example' }, requestedBy: { username: 'admin.a' }, createdAt: NOW });
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestStatusChanged', actor: 'admin.a', source, details: { from: null, to: 'RECEIVED', note: 'request received' } })]);
    // The execution carries what its human steps show and the settings: it reads nothing to start.
    expect(started).toEqual([{ name: 'AR-20261129-0000000001', input: { requestId: 'AR-20261129-0000000001', settings: DEFAULT_SETTINGS, view: viewOf(store.requests.get('AR-20261129-0000000001') as AccessRequest, 'unit@dpscs.ct.example') } }]);
    expect(started[0]?.input).toMatchObject({ view: { unitEmail: 'unit@dpscs.ct.example', agencyEmail: expect.any(String), ori: expect.any(String), title: expect.stringContaining('CCHRS access for') } });
    // And whom the workflow's own e-mails go to (the employee, the requester), so its steps mail without reading the request.
    expect(started[0]?.input).toMatchObject({ view: { employee: { fullName: 'Jane Q. Doe', email: 'jane.doe@police.ct.example' }, requestedBy: {} } });
  });

  it('refuses a request for another agency (403), storing and starting nothing', async () => {
    const store = new FakeStore();
    await expect(createAccessRequest(ports(store), body({ ori: 'CT0000200' }), acting())).rejects.toThrow(new Forbidden('You may request access only for your own agency (CT0000100), not CT0000200'));
    expect([store.requests.size, started.length]).toEqual([0, 0]);
  });

  it('answers the same request sent again with the stored one (a retry), and starts its execution again in case the first attempt stopped before it', async () => {
    const store = new FakeStore();
    const first = await createAccessRequest(ports(store), body(), acting());
    const again = await createAccessRequest({ ...ports(store), newId: () => 'AR-20261129-0000000002' }, body(), acting());

    expect(again).toEqual({ outcome: 'retried', requestId: first.requestId, status: 'RECEIVED', step: first.step });
    expect(store.requests.size).toBe(1);
    expect(started.map((s) => s.name)).toEqual([first.requestId, first.requestId]);
  });

  it('refuses a different request for the same employee from the same agency (409) naming the open one', async () => {
    const store = new FakeStore();
    await createAccessRequest(ports(store), body(), acting());
    const other = createAccessRequest({ ...ports(store), newId: () => 'AR-20261129-0000000002' }, body({ justification: `${JUSTIFICATION} Also audits.` }), acting());
    await expect(other).rejects.toThrow('An open access request for jane.doe@police.ct.example already exists: AR-20261129-0000000001');
    expect(started).toHaveLength(1);
  });

  it('refuses a request while another agency has one open for the e-mail (409) without naming it', async () => {
    const store = new FakeStore();
    await createAccessRequest(ports(store), body({ ori: 'CT0000200' }), acting({ username: 'admin.b', ori: 'CT0000200' }));
    const error = await createAccessRequest({ ...ports(store), newId: () => 'AR-20261129-0000000002' }, body(), acting()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).message).toBe('An open access request for jane.doe@police.ct.example already exists, made by another agency; the CCHRS unit can tell you more');
    expect((error as Conflict).message).not.toContain('AR-');
    expect((error as Conflict).details).toBeUndefined();
  });

  it('passes on a failure of the store, starting nothing', async () => {
    const store = new FakeStore();
    store.failCreate = new Error('ProvisionedThroughputExceeded');
    await expect(createAccessRequest(ports(store), body(), acting())).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(started).toEqual([]);
  });
});

describe('listing access requests', () => {
  const keys = { current: async () => Buffer.alloc(32, 7), all: async () => [Buffer.alloc(32, 7)] };
  const ports = (store: FakeStore) => ({ store, cursors: new Cursors(keys), audit: async (e: AuditEvent) => void store.audits.push(e), statusUrl: (id: string) => `https://api.example/access-requests/${id}` });
  const query = { limit: 1, cursor: { param: 'nextToken' } };
  const twoAgencies = () => new FakeStore(aRequest({ requestId: 'AR-20261129-00000000A1' }), aRequest({ requestId: 'AR-20261129-00000000B1', ori: 'CT0000200' }));

  it('shows an agency administrator only their agency’s requests, and audits the count by agency', async () => {
    const store = twoAgencies();
    const page = await listAccessRequests(ports(store), { ...query, limit: 25 }, acting());

    expect(store.lastList?.view).toEqual({ kind: 'agency', ori: 'CT0000100' });
    expect(page).toEqual({ items: [expect.objectContaining({ requestId: 'AR-20261129-00000000A1', employee: 'Jane Q. Doe', statusUrl: 'https://api.example/access-requests/AR-20261129-00000000A1' })], nextToken: null });
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestsListed', subject: expect.objectContaining({ id: 'CT0000100' }), details: { count: 1 } })]);
  });

  it('shows the unit every request', async () => {
    const store = twoAgencies();
    await listAccessRequests(ports(store), { ...query, limit: 25 }, unit);
    expect(store.lastList?.view).toEqual({ kind: 'all' });
  });

  it('refuses an agency administrator another agency’s list, or any list when the token names no agency (403)', async () => {
    await expect(listAccessRequests(ports(twoAgencies()), { ...query, ori: 'CT0000200' }, acting())).rejects.toThrow(Forbidden);
    await expect(listAccessRequests(ports(twoAgencies()), query, acting({ ori: undefined }))).rejects.toThrow('Your token names no agency (ORI)');
  });

  it('gives a cursor that opens the next page for the same caller and query only (400 naming the parameter otherwise)', async () => {
    const store = twoAgencies();
    const first = await listAccessRequests(ports(store), query, unit);
    expect(first.nextToken).toEqual(expect.any(String));

    await listAccessRequests(ports(store), { ...query, cursor: { token: first.nextToken ?? '', param: 'nextToken' } }, unit);
    expect(store.lastList?.start).toEqual({ pk: 'next' });
    const replayed = listAccessRequests(ports(store), { ...query, cursor: { token: first.nextToken ?? '', param: 'cursor' } }, acting({ username: 'unit.v', roles: ['unit'], ori: undefined }));
    await expect(replayed).rejects.toThrow(ValidationFailed);
    await expect(replayed.catch((e: ValidationFailed) => e.problems.map((p) => p.field))).resolves.toEqual(['cursor']);
  });
});

describe('reading an access request', () => {
  const ports = (store: FakeStore) => ({ store, audit: async (e: AuditEvent) => void store.audits.push(e), now: () => new Date(NOW) });

  it('gives the request with its trainings and timeline, and audits the read', async () => {
    const store = new FakeStore(aRequest());
    const view = await readAccessRequest(ports(store), 'AR-20261129-00000000AA', acting());

    expect(view).toMatchObject({ requestId: 'AR-20261129-00000000AA', status: 'UNDER_REVIEW', requestedBy: 'admin.a', temporaryPasswordExpiresAt: null, training: { 'security-awareness': { verified: null }, 'cchrs-ngi': { verified: null } } });
    expect(view.timeline).toHaveLength(1);
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestRead', outcome: 'success', actor: 'admin.a', source })]);
  });

  it('answers another agency’s request exactly as a missing one (404), auditing it as denied', async () => {
    const store = new FakeStore(aRequest({ ori: 'CT0000200' }));
    await expect(readAccessRequest(ports(store), 'AR-20261129-00000000AA', acting())).rejects.toThrow(new NotFound('No access request AR-20261129-00000000AA'));
    await expect(readAccessRequest(ports(new FakeStore()), 'AR-20261129-00000000AA', acting())).rejects.toThrow(new NotFound('No access request AR-20261129-00000000AA'));
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestRead', outcome: 'denied', details: { ori: 'CT0000100' } })]);
  });

  it('says whether the first login is locked, and until when, while it waits for the employee', async () => {
    const account = (lockedUntil?: string, locked = true): Account => ({ email: 'jane.doe@police.ct.example', requestId: 'AR-20261129-00000000AA', fullName: 'Jane Q. Doe', status: 'PENDING_FIRST_LOGIN', issue: 1, failures: [], locked, ...(lockedUntil ? { lockedUntil } : {}) });
    const store = new FakeStore(aRequest({ status: 'TEMPORARY_PASSWORD_ISSUED' }));
    const read = async () => (await readAccessRequest(ports(store), 'AR-20261129-00000000AA', unit)).firstLoginLocked;
    expect(await read()).toBeNull();
    store.accounts.set('jane.doe@police.ct.example', account('2026-11-29T12:10:00.000Z'));
    expect(await read()).toEqual({ until: '2026-11-29T12:10:00.000Z' });
    store.accounts.set('jane.doe@police.ct.example', account('2026-11-29T11:59:00.000Z'));
    expect(await read()).toBeNull();
    store.accounts.set('jane.doe@police.ct.example', account());
    expect(await read()).toEqual({ until: null });
    store.accounts.set('jane.doe@police.ct.example', { ...account('2026-11-29T12:10:00.000Z'), requestId: 'AR-20261129-00000000BB' });
    expect(await read()).toBeNull();
  });

  it('lets the unit read any agency’s request', async () => {
    const store = new FakeStore(aRequest({ ori: 'CT0000200' }));
    await expect(readAccessRequest(ports(store), 'AR-20261129-00000000AA', unit)).resolves.toMatchObject({ ori: 'CT0000200' });
  });

  it('answers a malformed id as a missing request (404) without reading the store, and audits the failure', async () => {
    const store = new FakeStore();
    const get = jest.spyOn(store, 'get');
    await expect(readAccessRequest(ports(store), undefined, acting())).rejects.toThrow(new NotFound('No such access request'));
    expect(get).not.toHaveBeenCalled();
    expect(store.audits).toEqual([expect.objectContaining({ outcome: 'failure', subject: expect.objectContaining({ id: '(malformed)' }) })]);
  });
});

describe('reissuing a temporary password', () => {
  const expired = () => aRequest({ status: 'PASSWORD_EXPIRED', issue: 1 });
  const ports = (store: FakeStore, startWith = start) => ({ store, start: startWith, now: () => NOW });

  it('claims the next issue with its audit event and starts the execution named by the issue', async () => {
    const store = new FakeStore(expired());
    await expect(reissueTemporaryPassword(ports(store), 'AR-20261129-00000000AA', unit)).resolves.toEqual({ requestId: 'AR-20261129-00000000AA', status: 'PASSWORD_EXPIRED' });

    expect(store.requests.get('AR-20261129-00000000AA')?.reissue).toEqual({ issue: 2, by: 'unit.u', at: NOW });
    expect(store.audits).toEqual([expect.objectContaining({ type: 'TemporaryPasswordReissueRequested', details: { issue: 2 } })]);
    expect(started).toEqual([{ name: 'AR-20261129-00000000AA-reissue-2', input: { requestId: 'AR-20261129-00000000AA', reissue: true } }]);
  });

  it('refuses a reissue before the temporary password expired (409 naming the status)', async () => {
    const store = new FakeStore(aRequest({ status: 'TEMPORARY_PASSWORD_ISSUED' }));
    await expect(reissueTemporaryPassword(ports(store), 'AR-20261129-00000000AA', unit)).rejects.toThrow('A temporary password can be reissued only after one expired; the request is TEMPORARY_PASSWORD_ISSUED');
    expect(started).toEqual([]);
  });

  it('tells the second of two asking who asked first and when (409), starting once', async () => {
    const store = new FakeStore(expired());
    const both = await Promise.allSettled([reissueTemporaryPassword(ports(store), 'AR-20261129-00000000AA', unit), reissueTemporaryPassword(ports(store), 'AR-20261129-00000000AA', acting({ username: 'unit.v', roles: ['unit'] }))]);

    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = both.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Conflict;
    expect(refused.message).toMatch(/^A new temporary password was already requested by unit\.(u|v) at Sun, 29 Nov 2026 12:00:00 GMT/);
    expect(refused.details).toEqual({ reissuedBy: expect.stringMatching(/^unit\./), reissuedAt: NOW });
    expect(started).toHaveLength(1);
  });

  it('gives the claim up when the execution cannot start, so the unit can ask again', async () => {
    const store = new FakeStore(expired());
    const failing = async () => {
      throw new Error('ServiceUnavailable');
    };
    await expect(reissueTemporaryPassword(ports(store, failing), 'AR-20261129-00000000AA', unit)).rejects.toThrow('ServiceUnavailable');
    expect(store.released).toEqual([2]);
    await expect(reissueTemporaryPassword(ports(store), 'AR-20261129-00000000AA', unit)).resolves.toBeDefined();
  });

  it('answers a missing request 404', async () => {
    await expect(reissueTemporaryPassword(ports(new FakeStore()), 'AR-20261129-00000000AA', unit)).rejects.toThrow(NotFound);
  });
});

describe('unlocking an account', () => {
  it('unlocks the employee’s account and audits it by the request, never the e-mail', async () => {
    const store = new FakeStore(aRequest());
    const result = await unlockAccount({ store, audit: async (e) => void store.audits.push(e) }, 'AR-20261129-00000000AA', unit);

    expect(result).toEqual({ requestId: 'AR-20261129-00000000AA', unlocked: true });
    expect(store.unlocked).toEqual(['jane.doe@police.ct.example']);
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccountUnlocked', actor: 'unit.u', subject: expect.objectContaining({ id: 'AR-20261129-00000000AA' }), details: {} })]);
    expect(JSON.stringify(store.audits)).not.toContain('jane.doe');
  });

  it('answers a missing request 404, unlocking nothing', async () => {
    const store = new FakeStore();
    await expect(unlockAccount({ store, audit: async () => undefined }, 'AR-20261129-00000000AA', unit)).rejects.toThrow(NotFound);
    expect(store.unlocked).toEqual([]);
  });
});

describe('removing an account when the employee leaves', () => {
  const REASON = 'Jane Q. Doe left the department on 27 November 2026.';
  function ports(store: FakeStore) {
    const sent: Email[] = [];
    const ended: string[] = [];
    const endAccess = async (employee: { email: string; ori: string }, removal: { at: string }, by: Acting) => void ended.push(`${employee.email} ${employee.ori} at ${removal.at} by ${by.caller.username}`);
    return { sent, ended, p: { store, audit: async (e: AuditEvent) => void store.audits.push(e), send: async (e: Email) => void sent.push(e), now: () => NOW, unitEmail: 'unit@cchrs.example', portalPage: (id: string) => `https://portal.example/portal/#/access-requests/${id}`, endAccess } };
  }
  const id = 'AR-20261129-00000000AA';

  it.each(['ACTIVE', 'TEMPORARY_PASSWORD_ISSUED', 'PASSWORD_EXPIRED'] as const)('disables the account of a %s request at once, tells the unit with the reason and the portal page, and audits who asked without the reason', async (status) => {
    const store = new FakeStore(aRequest({ status }));
    const { p, sent, ended } = ports(store);

    await expect(removeAccount(p, id, () => ({ reason: REASON }), acting())).resolves.toEqual({ requestId: id, status: 'ACCOUNT_REMOVED', removal: { by: 'admin.a', at: NOW } });
    expect(store.requests.get(id)).toMatchObject({ status: 'ACCOUNT_REMOVED', removal: { by: 'admin.a', at: NOW, reason: REASON } });
    expect(store.removedAccounts).toEqual(['jane.doe@police.ct.example']);
    // The person's access ends by the accounts' one revocation (account record, tokens, grants, tasks).
    expect(ended).toEqual([`jane.doe@police.ct.example CT0000100 at ${NOW} by admin.a`]);
    expect(sent).toEqual([expect.objectContaining({ to: ['unit@cchrs.example'] })]);
    expect(sent[0]?.text).toContain(`Reason: ${REASON}`);
    expect(sent[0]?.text).toContain(`Open in the portal: https://portal.example/portal/#/access-requests/${id}`);
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestStatusChanged', actor: 'admin.a', source, details: { from: status, to: 'ACCOUNT_REMOVED', note: 'account removal requested by the agency', reasonGiven: true } })]);
    expect(JSON.stringify(store.audits)).not.toMatch(/Jane|jane\.doe|November/);
  });

  it.each(['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION'] as const)('refuses a request still in progress (%s) with 409: it can be left to expire or be denied', async (status) => {
    const store = new FakeStore(aRequest({ status }));
    const { p, sent, ended } = ports(store);

    await expect(removeAccount(p, id, () => ({ reason: REASON }), acting())).rejects.toThrow(new Conflict(`No account exists yet: the request is still in progress (${status}). It can be left to expire (it does if the trainings are not attested in time), or the CCHRS unit can deny it.`));
    expect(store.requests.get(id)?.status).toBe(status);
    expect(store.removedAccounts).toEqual([]);
    expect(sent).toEqual([]);
    expect(ended).toEqual([]);
  });

  it('refuses a request that ended without an account', async () => {
    const { p } = ports(new FakeStore(aRequest({ status: 'DENIED' })));
    await expect(removeAccount(p, id, () => ({ reason: REASON }), acting())).rejects.toThrow('There is no account to remove: the request ended DENIED.');
  });

  it('answers another agency’s request as a missing one, audited as denied, before reading the body', async () => {
    const store = new FakeStore(aRequest({ status: 'ACTIVE', ori: 'CT0000200' }));
    const { p, sent } = ports(store);
    const body = jest.fn(() => ({ reason: REASON }));

    await expect(removeAccount(p, id, body, acting())).rejects.toThrow(NotFound);
    expect(body).not.toHaveBeenCalled();
    expect(store.requests.get(id)?.status).toBe('ACTIVE');
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccountRemovalRequested', outcome: 'denied', actor: 'admin.a' })]);
    expect(sent).toEqual([]);
    await expect(removeAccount(p, 'AR-20261129-00000000BB', body, acting())).rejects.toThrow(NotFound);
  });

  it('answers a retry after a lost answer as done, without a second e-mail', async () => {
    const store = new FakeStore(aRequest({ status: 'ACTIVE' }));
    const { p, sent, ended } = ports(store);
    await removeAccount(p, id, () => ({ reason: REASON }), acting());
    await expect(removeAccount(p, id, () => ({ reason: REASON }), acting())).resolves.toEqual({ requestId: id, status: 'ACCOUNT_REMOVED', removal: { by: 'admin.a', at: NOW } });
    expect(sent).toHaveLength(1);
    expect(store.audits).toHaveLength(1);
    // The revocation is asked again (it is idempotent): a first call that stopped before it is completed.
    expect(ended).toHaveLength(2);
  });
});

describe('recording training verification', () => {
  const both: TrainingVerification = {
    modules: [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn: '2026-11-20', recordId: 'CJIS-SA-88231' },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-21', recordId: 'CJIS-NGI-55120' },
    ],
  };
  const awaiting = () => aRequest({ status: 'TRAINING_VERIFICATION' });
  const pendingTask: StoredTask = { task: aTask({ taskId: 'task-v', workflow: 'access-request', step: 'training-verification' }), sealedToken: 'sealed' };

  function ports(store: FakeStore, task: StoredTask | null = pendingTask, decided: DecideResult['kind'] = 'decided') {
    const decisions: { choice: string; comment?: string; actor: string }[] = [];
    const p: RecordTrainingPorts = {
      store,
      now: () => NOW,
      tasks: { currentFor: async () => task ?? undefined, get: async () => task ?? undefined },
      requestWithTask: async (requestId) => ({ request: await store.get(requestId), ...(task ? { taskId: task.task.taskId } : {}) }),
      decide: async (t, _sealed, choice, comment, actor, { evidence }) => {
        decisions.push({ choice, comment, actor: actor.id });
        // The evidence is written with the claim, in one transaction, on condition that the trainings are as read: a claim
        // refused (decided, expired) writes neither; one claimed whose workflow could not be reached ('unavailable') is undone, the evidence stays.
        // A claim whose workflow had gone ('cancelled') is closed, not undone: its evidence stays too.
        const claimed = decided === 'decided' || decided === 'unavailable' || decided === 'cancelled';
        if (evidence && claimed) {
          const { request, fields, audit, updatedAt } = evidence;
          const asRead = Object.fromEntries(Object.keys(fields).map((f) => [f, request[f as keyof AccessRequest]]));
          if (!(await store.transition(request, [request.status], request.status, fields, audit, updatedAt, asRead))) return { kind: 'unavailable', task: t } as DecideResult;
        }
        return { kind: decided, task: t } as DecideResult;
      },
    };
    return { p, decisions };
  }
  const actor = { id: 'unit.u', channel: 'api' as const, source };

  it('stores both completions with the verifier and decides the task verified', async () => {
    const store = new FakeStore(awaiting());
    const { p, decisions } = ports(store);
    await expect(recordTrainingVerification(p, awaiting(), both, actor)).resolves.toEqual({ verified: ['security-awareness', 'cchrs-ngi'], missing: [] });

    expect(store.requests.get('AR-20261129-00000000AA')?.training?.['cchrs-ngi']).toEqual({ completedOn: '2026-11-21', recordId: 'CJIS-NGI-55120', verifiedBy: 'unit.u' });
    expect(store.audits).toEqual([expect.objectContaining({ type: 'AccessRequestStatusChanged', details: expect.objectContaining({ note: 'training verified on CJIS Online: security-awareness, cchrs-ngi' }) })]);
    expect(decisions).toEqual([{ choice: 'verified', comment: undefined, actor: 'unit.u' }]);
  });

  it('stores and audits the same evidence once when a retry follows a decision that failed', async () => {
    const store = new FakeStore(awaiting());
    const failing = ports(store, pendingTask, 'unavailable');
    await expect(recordTrainingVerification(failing.p, awaiting(), both, actor)).rejects.toThrow(new TransientFailure('The decision could not be handed to the workflow; it was not recorded. Try again.'));
    const stored = store.requests.get('AR-20261129-00000000AA');
    if (!stored) throw new Error('the request was not stored');

    const { p, decisions } = ports(store);
    await expect(recordTrainingVerification(p, stored, both, actor)).resolves.toEqual({ verified: ['security-awareness', 'cchrs-ngi'], missing: [] });
    expect(store.audits.filter((a) => a.type === 'AccessRequestStatusChanged')).toHaveLength(1);
    expect(decisions.at(-1)).toEqual({ choice: 'verified', comment: undefined, actor: 'unit.u' });
  });

  it('stores and audits evidence once when two calls record it at once from the same read (the soak: TRAINING_VERIFICATION three times)', async () => {
    const store = new FakeStore(awaiting());
    const read = store.requests.get('AR-20261129-00000000AA');
    if (!read) throw new Error('the request was not stored');
    // Both calls read the request before either wrote: a client's retry racing its first attempt.
    const first = ports(store);
    await expect(recordTrainingVerification(first.p, read, both, actor)).resolves.toEqual({ verified: ['security-awareness', 'cchrs-ngi'], missing: [] });
    const second = ports(store, pendingTask, 'already-decided');
    await expect(recordTrainingVerification(second.p, read, both, actor)).rejects.toBeInstanceOf(Conflict);

    expect(store.audits.filter((a) => a.type === 'AccessRequestStatusChanged')).toHaveLength(1);
  });

  it('stores no evidence when the task was decided or expired before its claim: the evidence and the claim are one write', async () => {
    for (const kind of ['already-decided', 'expired'] as const) {
      const store = new FakeStore(awaiting());
      await expect(recordTrainingVerification(ports(store, pendingTask, kind).p, awaiting(), both, actor)).rejects.toBeInstanceOf(kind === 'expired' ? Gone : Conflict);
      expect([store.requests.get('AR-20261129-00000000AA')?.training, store.audits]).toEqual([undefined, []]);
    }
  });

  it('is a 503 to send again, storing nothing and deciding nothing, when other evidence was stored since the request was read (the retry reads it)', async () => {
    const read = awaiting();
    const store = new FakeStore({ ...read, training: { 'cchrs-ngi': { completedOn: '2026-11-19', recordId: 'CJIS-NGI-1', verifiedBy: 'unit.v' } } });
    await expect(recordTrainingVerification(ports(store).p, read, both, actor)).rejects.toBeInstanceOf(TransientFailure);
    expect(store.requests.get('AR-20261129-00000000AA')?.training?.['cchrs-ngi']?.recordId).toBe('CJIS-NGI-1');
    expect(store.audits).toEqual([]);
  });

  it('on the API, reads the request and its step’s current task pointer together, then the task by its id', async () => {
    const store = new FakeStore(awaiting());
    const { p } = ports(store);
    const currentFor = jest.fn(p.tasks.currentFor);
    const requestWithTask = jest.fn(p.requestWithTask);
    await expect(verifyTrainingOnApi({ ...p, requestWithTask, tasks: { ...p.tasks, currentFor } }, 'AR-20261129-00000000AA', () => both, unit)).resolves.toMatchObject({ missing: [] });
    expect([requestWithTask.mock.calls, currentFor.mock.calls.length]).toEqual([[['AR-20261129-00000000AA']], 0]);
    const noTask = ports(new FakeStore(awaiting()), null);
    await expect(verifyTrainingOnApi(noTask.p, 'AR-20261129-00000000AA', () => both, unit)).rejects.toThrow('No verification task is waiting for this request');
  });

  it('decides the task missing-module, naming the module, when one was not completed', async () => {
    const store = new FakeStore(awaiting());
    const { p, decisions } = ports(store);
    const result = await recordTrainingVerification(p, awaiting(), { modules: [both.modules[0] ?? both.modules[1]!] }, actor);

    expect(result.missing).toEqual(['cchrs-ngi']);
    expect(decisions).toEqual([{ choice: 'missing-module', comment: 'Not verified on CJIS Online: CCHRS & NGI Training', actor: 'unit.u' }]);
  });

  it('refuses a PDF certificate with the 15 May 2024 rule (400), recording nothing', async () => {
    const store = new FakeStore(awaiting());
    const { p, decisions } = ports(store);
    const error = await recordTrainingVerification(p, awaiting(), { modules: [{ module: 'security-awareness', evidence: 'pdf-certificate' }] }, actor).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).problems).toEqual([{ field: 'modules.0.evidence', rule: expect.stringContaining('15 May 2024') }]);
    expect([store.audits.length, decisions.length]).toEqual([0, 0]);
  });

  it('reads "today" in Connecticut: at 9 p.m. Eastern, already tomorrow in UTC, tomorrow is refused and today kept', async () => {
    const evening = (module: TrainingVerification['modules'][number]) => {
      const store = new FakeStore(awaiting());
      const { p } = ports(store);
      // 2026-11-30T02:00Z is 9 p.m. on 29 November in Connecticut (EST).
      return recordTrainingVerification({ ...p, now: () => '2026-11-30T02:00:00.000Z' }, awaiting(), { modules: [module] }, actor);
    };
    await expect(evening({ module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-30', recordId: 'CJIS-1' })).rejects.toMatchObject({ problems: [{ field: 'modules.0.completedOn', rule: 'must not be in the future' }] });
    await expect(evening({ module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-29', recordId: 'CJIS-1' })).resolves.toMatchObject({ verified: ['cchrs-ngi'] });
  });

  it('refuses a completion dated after today (400)', async () => {
    const { p } = ports(new FakeStore(awaiting()));
    await expect(recordTrainingVerification(p, awaiting(), { modules: [{ module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-30', recordId: 'CJIS-1' }] }, actor)).rejects.toThrow(ValidationFailed);
  });

  it('refuses while the request does not await verification, or no task waits (409)', async () => {
    await expect(recordTrainingVerification(ports(new FakeStore()).p, aRequest(), both, actor)).rejects.toThrow('Training can be verified only while the request awaits verification; it is UNDER_REVIEW');
    await expect(recordTrainingVerification(ports(new FakeStore(awaiting()), null).p, awaiting(), both, actor)).rejects.toThrow('No verification task is waiting for this request');
    const decided = { ...pendingTask, task: { ...pendingTask.task, status: 'DECIDED' as const } };
    await expect(recordTrainingVerification(ports(new FakeStore(awaiting()), decided).p, awaiting(), both, actor)).rejects.toThrow(Conflict);
  });

  it('is a 410, keeping the evidence, when the workflow stopped waiting for the task while it was decided (its step was retried)', async () => {
    const store = new FakeStore(awaiting());
    const error = await recordTrainingVerification(ports(store, pendingTask, 'cancelled').p, awaiting(), both, actor).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Gone);
    expect((error as Gone).message).toContain('send the verification again once the request\'s new verification task is waiting');
    expect(store.requests.get('AR-20261129-00000000AA')?.training?.['security-awareness']?.recordId).toBe('CJIS-SA-88231');
  });

  it('is a 410, deciding nothing, when the step\'s task is already closed by the workflow; a decided one stays a 409', async () => {
    const cancelled = { ...pendingTask, task: { ...pendingTask.task, status: 'CANCELLED' as const, closedReason: 'replaced: the step was retried' } };
    const { p, decisions } = ports(new FakeStore(awaiting()), cancelled);
    await expect(verifyTrainingOnApi(p, 'AR-20261129-00000000AA', () => both, unit)).rejects.toThrow(new Gone(`The verification task task-v is closed (replaced: the step was retried); nothing was decided. Any training recorded is kept: send the verification again once the request's new verification task is waiting.`));
    expect(decisions).toEqual([]);
  });

  it('answers a decision that did not go through as the task API does: 409 decided or not ready, 410 expired, 503 unreachable', async () => {
    const statusFor = async (kind: 'already-decided' | 'not-ready' | 'expired' | 'unavailable'): Promise<number | undefined> =>
      ((await recordTrainingVerification(ports(new FakeStore(awaiting()), pendingTask, kind).p, awaiting(), both, actor).catch((e: unknown) => e)) as { statusCode?: number }).statusCode;
    expect([await statusFor('already-decided'), await statusFor('not-ready'), await statusFor('expired'), await statusFor('unavailable')]).toEqual([409, 409, 410, 503]);
  });

  it('on the API, answers a missing request 404 before reading the body', async () => {
    const readBody = jest.fn(() => both);
    await expect(verifyTrainingOnApi(ports(new FakeStore()).p, 'AR-20261129-00000000AA', readBody, unit)).rejects.toThrow(NotFound);
    expect(readBody).not.toHaveBeenCalled();
    await expect(verifyTrainingOnApi(ports(new FakeStore(awaiting())).p, 'AR-20261129-00000000AA', readBody, unit)).resolves.toEqual({ requestId: 'AR-20261129-00000000AA', verified: ['security-awareness', 'cchrs-ngi'], missing: [] });
  });
});
