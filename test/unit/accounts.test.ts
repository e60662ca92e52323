import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AuditEvent } from '#shared/audit';
import type { Caller } from '#shared/http';
import { json, routeHandler } from '#shared/http';
import { ROLES } from '#shared/roles';
import type { RouteSpec } from '#shared/routes';
import { accountRefusal } from '#shared/adapters/account-check';
import * as accountsRoutes from '../../functions/accounts/routes';
import { idleFrom, inactivityDue, quarterOf, type AccessReview, type PersonAccount } from '../../functions/accounts/domain/account';
import { sweepAccounts, type SweepPorts } from '../../functions/accounts/use-cases/sweep';
import { removeAccount, type RemovePorts } from '../../functions/accounts/use-cases/remove';
import { enableAccount, type EnablePorts } from '../../functions/accounts/use-cases/enable';
import { confirmReview } from '../../functions/accounts/use-cases/review';
import { TokenRefused } from '../../functions/auth/claims';
import { preToken, PreTokenEventSchema } from '../../functions/auth/use-cases/pre-token';

const DAY = 86_400_000;
const T0 = '2026-01-10T12:00:00.000Z';
const at = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();
const account = (id: string, over: Partial<PersonAccount> = {}): PersonAccount => ({ accountId: id, email: `${id}@agency.ct.example`, ori: 'CT0000100', status: 'ACTIVE', roles: ['agency-staff'], registeredAt: T0, lastSignInAt: T0, ...over });
const ADMIN: Caller = { sub: 'admin-1', username: 'admin-1', email: 'admin-1@agency.ct.example', roles: ['agency-admin'], ori: 'CT0000100', courts: [] };

describe('inactivity rules (CJIS AC-2(3))', () => {
  it('notices at 75 days, once per idle spell, and disables at 90', () => {
    expect(inactivityDue(account('a'), at(74.9))).toBeUndefined();
    expect(inactivityDue(account('a'), at(75))).toBe('notice');
    expect(inactivityDue(account('a', { noticeFor: T0 }), at(80))).toBeUndefined();
    expect(inactivityDue(account('a', { noticeFor: T0 }), at(90))).toBe('disable');
    expect(inactivityDue(account('a', { status: 'DISABLED' }), at(200))).toBeUndefined();
  });

  it('names the quarter of a day', () => {
    expect([quarterOf('2026-01-01T00:00:00Z'), quarterOf('2026-03-31T23:59:59Z'), quarterOf('2026-04-01T00:00:00Z'), quarterOf('2026-12-31T00:00:00Z')]).toEqual(['2026-Q1', '2026-Q1', '2026-Q2', '2026-Q4']);
  });
});

/** An in-memory store with the real store's conditions (status, lastSignInAt, once per notice, once per review). */
function memoryStore(accounts: PersonAccount[]) {
  const byId = new Map(accounts.map((a) => [a.accountId, a]));
  const reviews = new Map<string, AccessReview>();
  const audits: AuditEvent[] = [];
  const store = {
    get: (id: string) => Promise.resolve(byId.get(id)),
    idleSince: (before: string) => Promise.resolve([...byId.values()].filter((a) => a.status === 'ACTIVE' && idleFrom(a) <= before)),
    ofAgency: (ori: string) => Promise.resolve([...byId.values()].filter((a) => a.ori === ori)),
    activeAgencies: () => Promise.resolve([...new Set([...byId.values()].filter((a) => a.status === 'ACTIVE').flatMap((a) => (a.ori ? [a.ori] : [])))]),
    markNotice: (a: PersonAccount, audit: AuditEvent) => {
      const now = byId.get(a.accountId);
      if (!now || now.status !== 'ACTIVE' || now.lastSignInAt !== a.lastSignInAt || now.noticeFor === a.lastSignInAt) return Promise.resolve(false);
      byId.set(a.accountId, { ...now, noticeFor: a.lastSignInAt });
      audits.push(audit);
      return Promise.resolve(true);
    },
    disable: (a: PersonAccount, reason: 'inactive' | 'review', when: string, audit: AuditEvent, seen?: string) => {
      const now = byId.get(a.accountId);
      if (!now || now.status !== 'ACTIVE' || (seen !== undefined && now.lastSignInAt !== seen)) return Promise.resolve(false);
      byId.set(a.accountId, { ...now, status: 'DISABLED', disabledReason: reason, disabledAt: when });
      audits.push(audit);
      return Promise.resolve(true);
    },
    remove: (a: PersonAccount, removal: { by: string; at: string }, audit: AuditEvent) => {
      const now = byId.get(a.accountId);
      if (!now || now.status === 'REMOVED') return Promise.resolve(false);
      byId.set(a.accountId, { ...now, status: 'REMOVED', removal });
      audits.push(audit);
      return Promise.resolve(true);
    },
    askEnablement: (a: PersonAccount, enablement: { by: string; at: string }, audit: AuditEvent) => {
      const now = byId.get(a.accountId);
      if (!now || now.status !== 'DISABLED') return Promise.resolve(false);
      byId.set(a.accountId, { ...now, enablement: { by: enablement.by, at: enablement.at } });
      audits.push(audit);
      return Promise.resolve(true);
    },
    enable: (a: PersonAccount, enabled: { requestedBy: string; approvedBy: string; at: string }, audit: AuditEvent) => {
      const now = byId.get(a.accountId);
      if (!now || now.status !== 'DISABLED') return Promise.resolve(false);
      const { enablement: _e, disabledAt: _d, disabledReason: _r, noticeFor: _n, notBefore: _nb, ...rest } = now;
      byId.set(a.accountId, { ...rest, status: 'ACTIVE', enabled: { requestedBy: enabled.requestedBy, approvedBy: enabled.approvedBy, at: enabled.at } });
      audits.push(audit);
      return Promise.resolve(true);
    },
    review: (id: string) => Promise.resolve(reviews.get(id)),
    openReview: (r: AccessReview, audit: AuditEvent) => {
      if (reviews.has(r.reviewId)) return Promise.resolve(false);
      reviews.set(r.reviewId, r);
      audits.push(audit);
      return Promise.resolve(true);
    },
    updateReview: (r: AccessReview, next: Pick<AccessReview, 'status' | 'entries'> & { closedAt?: string }, audit: AuditEvent) => {
      const now = reviews.get(r.reviewId);
      if (!now || now.status !== 'OPEN' || JSON.stringify(now.entries) !== JSON.stringify(r.entries)) return Promise.resolve(false);
      reviews.set(r.reviewId, { ...now, ...next });
      audits.push(audit);
      return Promise.resolve(true);
    },
    reviewsDue: (before: string) => Promise.resolve([...reviews.values()].filter((r) => r.status === 'OPEN' && r.dueAt <= before)),
    reviews: () => Promise.resolve([...reviews.values()]),
  };
  return { store, byId, reviews, audits };
}

describe('the daily sweep', () => {
  function given(accounts: PersonAccount[]) {
    const memory = memoryStore(accounts);
    let now = T0;
    const sent: string[] = [];
    const disabledInDirectory: string[] = [];
    const ports: SweepPorts = {
      store: memory.store,
      directory: { disable: (email) => Promise.resolve(void disabledInDirectory.push(email)) },
      send: (email) => Promise.resolve(void sent.push(`${email.to.join(',')}: ${email.subject}`)),
      now: () => now,
      unitEmail: 'unit@dpscs.ct.example',
    };
    return { ...memory, ports, sent, disabledInDirectory, setNow: (iso: string) => void (now = iso) };
  }

  it('sends the 75-day notice once, disables at 90 (in the directory too), and run twice does nothing new', async () => {
    const w = given([account('idle'), account('fresh', { lastSignInAt: at(80) })]);
    w.setNow(at(75));
    expect(await sweepAccounts(w.ports)).toMatchObject({ notices: 1, disabledInactive: 0 });
    expect(await sweepAccounts(w.ports)).toMatchObject({ notices: 0, disabledInactive: 0, reviewsListed: 0 });
    w.setNow(at(90));
    expect(await sweepAccounts(w.ports)).toMatchObject({ notices: 0, disabledInactive: 1 });
    expect(await sweepAccounts(w.ports)).toMatchObject({ notices: 0, disabledInactive: 0 });
    expect(w.byId.get('idle')).toMatchObject({ status: 'DISABLED', disabledReason: 'inactive' });
    expect(w.byId.get('fresh')?.status).toBe('ACTIVE');
    expect(w.disabledInDirectory).toEqual(['idle@agency.ct.example']);
    expect(w.sent.filter((s) => s.startsWith('idle@'))).toEqual(['idle@agency.ct.example: CISS account: sign in to keep it']);
    expect(w.audits.map((a) => [a.type, a.subject.id, a.details?.['reason'] ?? null])).toEqual(
      expect.arrayContaining([
        ['AccountInactivityNotice', 'idle', null],
        ['AccountDisabled', 'idle', 'inactive'],
      ]),
    );
  });

  it('keeps an account whose holder signed in on day 89', async () => {
    const w = given([account('keeper')]);
    w.setNow(at(89));
    await sweepAccounts(w.ports);
    w.byId.set('keeper', { ...(w.byId.get('keeper') as PersonAccount), lastSignInAt: at(89) });
    w.setNow(at(90));
    expect(await sweepAccounts(w.ports)).toMatchObject({ disabledInactive: 0 });
    expect(w.byId.get('keeper')?.status).toBe('ACTIVE');
  });

  it('lists one review per agency and quarter, and after 30 days disables what was not confirmed', async () => {
    const w = given([account('a'), account('b'), account('c', { ori: 'CT0000200' })]);
    expect(await sweepAccounts(w.ports)).toMatchObject({ reviewsListed: 2 });
    expect(await sweepAccounts(w.ports)).toMatchObject({ reviewsListed: 0 });
    const review = w.reviews.get('2026-Q1-CT0000100') as AccessReview;
    await confirmReview({ store: w.store, audit: () => Promise.resolve(), now: () => at(1) }, review.reviewId, ['a'], { caller: ADMIN, source: {} });
    w.setNow(at(29));
    expect(await sweepAccounts(w.ports)).toMatchObject({ reviewsClosed: 0, disabledReview: 0 });
    w.setNow(at(30));
    expect(await sweepAccounts(w.ports)).toMatchObject({ reviewsClosed: 2, disabledReview: 2 });
    expect(await sweepAccounts(w.ports)).toMatchObject({ reviewsClosed: 0, disabledReview: 0 });
    expect([w.byId.get('a')?.status, w.byId.get('b')?.disabledReason, w.byId.get('c')?.disabledReason]).toEqual(['ACTIVE', 'review', 'review']);
  });
});

describe('removing an account', () => {
  function given(accounts: PersonAccount[]) {
    const memory = memoryStore(accounts);
    const audits: AuditEvent[] = [];
    const calls: string[] = [];
    const ports: RemovePorts = {
      store: memory.store,
      directory: { disable: (e) => Promise.resolve(void calls.push(`disable ${e}`)), signOut: (e) => Promise.resolve(void calls.push(`signOut ${e}`)) },
      revokeGrants: () => Promise.resolve(['search']),
      reassignTasks: (from, to) => Promise.resolve(void calls.push(`tasks ${from.email} -> ${to}`)).then(() => ['t-1']),
      audit: (e) => Promise.resolve(void audits.push(e)),
      send: () => Promise.resolve(),
      now: () => at(0),
      unitEmail: 'unit@dpscs.ct.example',
    };
    return { ...memory, ports, own: audits, calls };
  }
  const body = () => ({ reason: 'Left the department' });

  it('ends access at once: the record REMOVED with who asked, grants revoked, signed out and disabled, tasks handed over; a retry answers the same', async () => {
    const w = given([account('leaver')]);
    const out = await removeAccount(w.ports, 'leaver', body, { caller: ADMIN, source: {} });
    expect(out).toEqual({ accountId: 'leaver', status: 'REMOVED', removal: { by: 'admin-1', at: at(0) }, revoked: ['search'], tasksReassigned: ['t-1'] });
    expect(w.calls).toEqual(['signOut leaver@agency.ct.example', 'disable leaver@agency.ct.example', 'tasks leaver@agency.ct.example -> admin-1@agency.ct.example']);
    expect(w.own.map((a) => [a.type, a.actor])).toEqual([['AccessRevoked', 'admin-1']]);
    expect(w.audits.map((a) => [a.type, a.actor, a.subject.id])).toEqual([['AccountRemoved', 'admin-1', 'leaver']]);
    expect(w.byId.get('leaver')).toMatchObject({ status: 'REMOVED', removal: { by: 'admin-1' } });
    expect(await removeAccount(w.ports, 'leaver', body, { caller: ADMIN, source: {} })).toMatchObject({ status: 'REMOVED', revoked: [], tasksReassigned: [] });
  });

  it("answers another agency's account as a missing one, and audits the attempt as denied", async () => {
    const w = given([account('other', { ori: 'CT0000900' })]);
    await expect(removeAccount(w.ports, 'other', body, { caller: ADMIN, source: {} })).rejects.toMatchObject({ statusCode: 404 });
    expect(w.own.map((a) => [a.type, a.outcome])).toEqual([['AccountRemovalRequested', 'denied']]);
    expect(w.byId.get('other')?.status).toBe('ACTIVE');
  });
});

describe('enabling a disabled account again', () => {
  const UNIT: Caller = { sub: 'unit-1', username: 'unit-1', email: 'unit@dpscs.ct.example', roles: ['unit'], courts: [] };
  function given(accounts: PersonAccount[]) {
    const memory = memoryStore(accounts);
    const audits: AuditEvent[] = [];
    const calls: string[] = [];
    const ports: EnablePorts = {
      store: memory.store,
      directory: { enable: (e) => Promise.resolve(void calls.push(`enable ${e}`)) },
      audit: (e) => Promise.resolve(void audits.push(e)),
      send: (m) => Promise.resolve(void calls.push(`mail ${m.to.join(',')}: ${m.subject}`)),
      now: () => at(100),
      unitEmail: 'unit@dpscs.ct.example',
    };
    return { ...memory, ports, own: audits, calls };
  }
  const body = () => ({ reason: 'Back from leave; still works records' });
  const idle = (id: string) => account(id, { status: 'DISABLED', disabledReason: 'inactive', disabledAt: at(90), noticeFor: T0, notBefore: 1 });

  it('the agency administrator asks, the unit approves: ACTIVE with who asked and who approved, in Cognito too, idle time counted from then', async () => {
    const w = given([idle('back')]);
    const asked = await enableAccount(w.ports, 'back', body, { caller: ADMIN, source: {} });
    expect(asked).toEqual({ accountId: 'back', status: 'DISABLED', enablement: { by: 'admin-1', at: at(100) } });
    expect(await enableAccount(w.ports, 'back', body, { caller: ADMIN, source: {} })).toEqual(asked);
    expect(w.audits.map((a) => [a.type, a.actor])).toEqual([['AccountEnablementRequested', 'admin-1']]);
    expect(w.calls).toEqual(['mail unit@dpscs.ct.example: Account enablement asked: back (CT0000100)']);

    const enabled = await enableAccount(w.ports, 'back', body, { caller: UNIT, source: {} });
    expect(enabled).toEqual({ accountId: 'back', status: 'ACTIVE', enabled: { requestedBy: 'admin-1', approvedBy: 'unit-1', at: at(100) } });
    expect(w.audits.at(-1)).toMatchObject({ type: 'AccountEnabled', actor: 'unit-1', subject: { id: 'back' }, details: { from: 'DISABLED', disabledReason: 'inactive', requestedBy: 'admin-1', approvedBy: 'unit-1' } });
    expect(JSON.stringify(w.audits)).not.toMatch(/Back from leave|@agency/);
    expect(w.calls.slice(1)).toEqual(['enable back@agency.ct.example', 'mail back@agency.ct.example: Your CISS account is enabled again']);
    const now = w.byId.get('back');
    expect(now).toMatchObject({ status: 'ACTIVE', lastSignInAt: T0 });
    expect(now).not.toHaveProperty('notBefore');
    // Not disabled again by the next sweep: 90 days count from the enablement.
    expect(now && inactivityDue(now, at(101))).toBeUndefined();
    expect(now && inactivityDue(now, at(175))).toBe('notice');
    expect(now && inactivityDue(now, at(190))).toBe('disable');
  });

  it('refuses a removed account (the holder left) with 409 saying so, and an active one', async () => {
    const w = given([account('gone', { status: 'REMOVED', removal: { by: 'admin-1', at: at(50) } }), account('fine')]);
    await expect(enableAccount(w.ports, 'gone', body, { caller: UNIT, source: {} })).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('a removed account is never enabled again') });
    await expect(enableAccount(w.ports, 'gone', body, { caller: ADMIN, source: {} })).rejects.toMatchObject({ statusCode: 409 });
    await expect(enableAccount(w.ports, 'fine', body, { caller: UNIT, source: {} })).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('only a DISABLED account') });
    expect(w.byId.get('gone')?.status).toBe('REMOVED');
    expect(w.calls).toEqual([]);
  });

  it("answers another agency's account as missing to an agency administrator (audited as denied); the unit reaches every agency", async () => {
    const w = given([idle('other')].map((a) => ({ ...a, ori: 'CT0000900' })));
    await expect(enableAccount(w.ports, 'other', body, { caller: ADMIN, source: {} })).rejects.toMatchObject({ statusCode: 404 });
    expect(w.own.map((a) => [a.type, a.outcome])).toEqual([['AccountEnablementRequested', 'denied']]);
    expect(await enableAccount(w.ports, 'other', body, { caller: UNIT, source: {} })).toMatchObject({ status: 'ACTIVE', enabled: { requestedBy: 'unit-1', approvedBy: 'unit-1' } });
  });
});

describe('the account check of every token route', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());

  it('refuses a removed or disabled account, and a token issued before the not-before; passes an account in order or none', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'PERSON#removed', sk: 'ACCOUNT' } }).resolves({ Item: { status: 'REMOVED', notBefore: 100 } });
    dynamo.on(GetCommand, { Key: { pk: 'PERSON#disabled', sk: 'ACCOUNT' } }).resolves({ Item: { status: 'DISABLED' } });
    dynamo.on(GetCommand, { Key: { pk: 'PERSON#revoked', sk: 'ACCOUNT' } }).resolves({ Item: { status: 'ACTIVE', notBefore: 100 } });
    dynamo.on(GetCommand, { Key: { pk: 'PERSON#fine', sk: 'ACCOUNT' } }).resolves({ Item: { status: 'ACTIVE' } });
    dynamo.on(GetCommand, { Key: { pk: 'PERSON#nobody', sk: 'ACCOUNT' } }).resolves({});
    expect(await accountRefusal('removed', 200, 't')).toBe('removed');
    expect(await accountRefusal('disabled', 200, 't')).toBe('disabled');
    expect(await accountRefusal('revoked', 99, 't')).toBe('revoked');
    expect(await accountRefusal('revoked', 100, 't')).toBeUndefined();
    expect(await accountRefusal('fine', 1, 't')).toBeUndefined();
    expect(await accountRefusal('nobody', 1, 't')).toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: 't', ConsistentRead: true });
  });

  it('answers 401 on a route to a removed person, before the role check; a machine client is not looked up', async () => {
    process.env['ACCOUNTS_TABLE_NAME'] = 'main';
    try {
      dynamo.on(GetCommand).resolves({ Item: { status: 'REMOVED' } });
      const handler = routeHandler(accountsRoutes.accountsList as RouteSpec, async () => json(200, { ran: true }));
      const event = (claims: Record<string, string>) => ({ httpMethod: 'GET', resource: '/accounts', path: '/accounts', body: null, isBase64Encoded: false, headers: {}, multiValueHeaders: {}, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null, requestContext: { authorizer: { claims }, requestId: 'r1', identity: { sourceIp: '127.0.0.1' } } }) as unknown as APIGatewayProxyEvent;
      const context = { awsRequestId: 'a1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
      const person = await handler(event({ sub: 'p1', username: 'p1', 'cognito:groups': 'agency-admin', 'custom:ori': 'CT0000100', iat: '100' }), context);
      expect(person.statusCode).toBe(401);
      expect(JSON.parse(person.body) as { message: string }).toMatchObject({ message: expect.stringMatching(/revoked/) });
      dynamo.resetHistory();
      const machine = await handler(event({ sub: 'c1', client_id: 'c1', scope: 'ciss/api ciss/agency-rms', 'custom:ori': 'CT0000100' }), context);
      expect(machine.statusCode).toBe(403);
      expect(dynamo).not.toHaveReceivedCommand(GetCommand);
    } finally {
      delete process.env['ACCOUNTS_TABLE_NAME'];
    }
  });
});

describe('the accounts routes × every role', () => {
  /** Agency administrators for their agency (the use case checks the ORI), the unit for every agency. */
  const ALLOWED: Readonly<Record<string, readonly string[]>> = {
    'accounts-list': ['agency-admin', 'unit'],
    'accounts-remove': ['agency-admin'],
    'accounts-enable': ['agency-admin', 'unit'],
    'access-reviews-list': ['agency-admin', 'unit'],
    'access-reviews-confirm': ['agency-admin'],
  };
  const context = { awsRequestId: 'a1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

  it.each(Object.values(accountsRoutes).map((r) => [r.id, r] as const))('%s: its roles reach the use case, every other role gets 403', async (_id, route) => {
    const handler = routeHandler(route as RouteSpec, async () => json(200, { ran: true }));
    const event = (role: string) => ({ httpMethod: route.method, resource: route.path, path: route.path, body: null, isBase64Encoded: false, headers: {}, multiValueHeaders: {}, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null, requestContext: { authorizer: { claims: { sub: 's-1', 'cognito:groups': role, 'custom:ori': 'CT0000100' } }, requestId: 'r1', identity: {} } }) as unknown as APIGatewayProxyEvent;
    const outcome = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, (await handler(event(role), context)).statusCode] as const)));
    expect(outcome).toEqual(Object.fromEntries(ROLES.map((role) => [role, ALLOWED[route.id]?.includes(role) ? 200 : 403])));
  });
});

describe('the sign-in, recorded by the pre-token trigger (both back-ends)', () => {
  const event = (triggerSource: string, attributes: Record<string, string> = {}) =>
    PreTokenEventSchema.parse({ triggerSource, userName: 'jrivera', callerContext: { clientId: 'web' }, request: { userAttributes: { email: 'j@agency.ct.example', 'custom:ori': 'CT0000100', ...attributes }, groupConfiguration: { groupsToOverride: ['agency-staff', 'search'] }, scopes: ['ciss/api'] } });

  it("records a person's sign-in and refresh on their account by Cognito's sub (the user name locally), with the roles it carries", async () => {
    const seen: unknown[] = [];
    const signIn = (s: unknown) => Promise.resolve(void seen.push(s)).then(() => true);
    await preToken(event('TokenGeneration_Authentication', { sub: 'a1b2-uuid' }), { record: () => Promise.resolve(), warn: () => undefined, signIn });
    await preToken(event('TokenGeneration_RefreshTokens'), { record: () => Promise.resolve(), warn: () => undefined, signIn });
    await preToken(PreTokenEventSchema.parse({ triggerSource: 'TokenGeneration_ClientCredentials', userName: 'c1', callerContext: { clientId: 'c1' }, request: { scopes: ['ciss/agency-rms', 'ciss/ori.CT0000100'] } }), { record: () => Promise.resolve(), warn: () => undefined, signIn });
    expect(seen).toEqual([
      { accountId: 'a1b2-uuid', email: 'j@agency.ct.example', ori: 'CT0000100', roles: ['agency-staff', 'search'] },
      { accountId: 'jrivera', email: 'j@agency.ct.example', ori: 'CT0000100', roles: ['agency-staff', 'search'] },
    ]);
  });

  it('issues no token to a disabled or removed account, and audits the refused logon', async () => {
    const records: AuditEvent[] = [];
    await expect(preToken(event('TokenGeneration_RefreshTokens'), { record: (e) => Promise.resolve(void records.push(e)), warn: () => undefined, signIn: () => Promise.resolve(false) })).rejects.toBeInstanceOf(TokenRefused);
    expect(records.map((r) => [r.type, r.outcome])).toEqual([['TokenRefreshed', 'failure']]);
  });
});
