/**
 * First login (CJIS AC-7) on fake ports, without the emulator or scrypt: one answer for an
 * unknown e-mail and a wrong password, the lock, what a proved password may be told, the retry.
 */
import type { Account } from '#shared/adapters/access-store';
import type { AuditEvent } from '#shared/audit';
import { firstLoginAnswer } from '../../functions/access/adapters/first-login-answers';
import type { AccessRequest } from '../../functions/access/domain/request';
import { firstLogin, type FirstLoginPorts } from '../../functions/access/use-cases/first-login';

const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const MINUTE = 60_000;
const EMAIL = 'jane.doe@police.ct.example';
const source = { ip: '203.0.113.7', userAgent: 'jest' };

function anAccount(overrides: Partial<Account> = {}): Account {
  return { email: EMAIL, requestId: 'AR-20261129-00000000AA', fullName: 'Jane Q. Doe', status: 'PENDING_FIRST_LOGIN', issue: 1, temporaryPasswordHash: 't:Temp-1234-abcd', temporaryPasswordExpiresAt: new Date(T0 + 24 * 60 * MINUTE).toISOString(), failures: [], locked: false, ...overrides };
}
const aRequest = (): AccessRequest => ({
  requestId: 'AR-20261129-00000000AA',
  status: 'TEMPORARY_PASSWORD_ISSUED',
  employee: { fullName: 'Jane Q. Doe', email: EMAIL, jobTitle: 'Records clerk', mfaPhones: [] },
  ori: 'CT0000100',
  justification: 'x',
  requestedBy: { username: 'admin.a' },
  createdAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0).toISOString(),
});

/** Accounts and requests in memory, with the DynamoDB store's activate condition (pending, same issue, not locked). */
function world(account: Account | undefined, now = T0) {
  const state = { account, request: aRequest(), audits: [] as AuditEvent[], clock: now, calls: [] as string[], ori: [] as (string | undefined)[] };
  const ports: FirstLoginPorts = {
    now: () => new Date(state.clock),
    audit: async (e) => void state.audits.push(e),
    passwords: { verifyTemporary: async (p, stored) => stored === `t:${p}`, verify: async (p, stored) => stored === `h:${p}`, hash: async (p) => `h:${p}`, problems: async (p, context) => (state.ori.push(context.ori), p.length < 8 ? ['must be at least 8 characters'] : []) },
    store: {
      account: async (email) => (state.account?.email === email ? state.account : undefined),
      recordFailure: async (_email, failures, lockedUntil) => {
        if (state.account) state.account = { ...state.account, failures, locked: lockedUntil !== undefined, lockedUntil };
      },
      activate: async (_email, passwordHash, issue, at) => {
        state.calls.push('activate');
        const a = state.account;
        if (!a || a.status !== 'PENDING_FIRST_LOGIN' || a.issue !== issue || (a.locked && (a.lockedUntil ?? '') > at)) return false;
        state.account = { ...a, status: 'ACTIVE', passwordHash, failures: [], locked: false, lockedUntil: undefined };
        return true;
      },
      // One transaction: both conditions hold, or nothing is written.
      activateWithRequest: async (a, passwordHash, at, audits) => {
        const held = state.account;
        if (!held || held.email !== a.email || held.status !== 'PENDING_FIRST_LOGIN' || held.issue !== a.issue || (held.locked && (held.lockedUntil ?? '') > at) || state.request.status !== 'TEMPORARY_PASSWORD_ISSUED') return false;
        state.account = { ...held, status: 'ACTIVE', passwordHash, failures: [], locked: false, lockedUntil: undefined };
        state.request = { ...state.request, status: 'ACTIVE' };
        state.audits.push(...audits);
        state.calls.push('activate with the request');
        return true;
      },
      get: async () => (state.calls.push('read the request'), state.request),
      transition: async (_request, from, to, _fields, audit) => {
        state.calls.push('move the request');
        if (!from.includes(state.request.status)) return false;
        state.request = { ...state.request, status: to };
        state.audits.push(audit);
        return true;
      },
    },
  };
  return { state, ports };
}

const login = (newPassword = 'A-long-and-unusual-phrase', temporaryPassword = 'Temp-1234-abcd', email = 'Jane.Doe@police.ct.example ') => ({ email, temporaryPassword, newPassword });

describe('first login', () => {
  it('sets the password, makes the account and the request ACTIVE, and audits the success by the request, not the e-mail', async () => {
    const { state, ports } = world(anAccount());
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'active' });

    expect(state.account).toMatchObject({ status: 'ACTIVE', passwordHash: 'h:A-long-and-unusual-phrase' });
    expect(state.request.status).toBe('ACTIVE');
    expect(state.audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['AccessRequestStatusChanged', 'success', 'account:AR-20261129-00000000AA'],
      ['FirstLoginAttempt', 'success', 'account:AR-20261129-00000000AA'],
    ]);
    expect(JSON.stringify(state.audits)).not.toContain('jane.doe');
  });

  it('reads nothing but the account when it names its agency: the new password is checked against that ORI, and the account, the request and both audit events are one transaction', async () => {
    const { state, ports } = world(anAccount({ ori: 'CT0000100' }));
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'active' });

    expect([state.calls, state.ori]).toEqual([['activate with the request'], ['CT0000100']]);
    expect(state.audits.map((a) => [a.type, a.details])).toEqual([
      ['AccessRequestStatusChanged', { from: 'TEMPORARY_PASSWORD_ISSUED', to: 'ACTIVE', note: 'first login completed' }],
      ['FirstLoginAttempt', { reason: 'password set' }],
    ]);
  });

  it('refuses a weak new password with its rules, stores no hash, and a hash that failed meanwhile changes nothing', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const { state, ports } = world(anAccount({ ori: 'CT0000100' }));
    let hashes = 0;
    ports.passwords.hash = async () => {
      hashes++;
      throw new Error('scrypt failed');
    };
    await expect(firstLogin(ports, login('short'), { source })).resolves.toEqual({ kind: 'refused', problems: ['must be at least 8 characters'] });
    expect(hashes).toBe(1);
    expect(state.account).toMatchObject({ status: 'PENDING_FIRST_LOGIN' });
    expect(state.account?.passwordHash).toBeUndefined();
    expect(state.audits.map((a) => [a.type, a.outcome, a.details?.['reason']])).toEqual([['FirstLoginAttempt', 'failure', 'new password refused']]);
    // A kept password whose hash failed fails the call, and nothing is activated.
    await expect(firstLogin(ports, login(), { source })).rejects.toThrow('scrypt failed');
    expect(state.calls).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('reads the request’s agency for an account issued before accounts named it', async () => {
    const { state, ports } = world(anAccount());
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'active' });
    expect([state.calls, state.ori]).toEqual([['read the request', 'activate with the request'], ['CT0000100']]);
  });

  it('when the account changed during the login (a reissue), activates nothing and says only that it failed', async () => {
    const { state, ports } = world(anAccount({ ori: 'CT0000100' }));
    const stale = ports.store.account;
    ports.store.account = async (email) => {
      const read = await stale(email);
      if (state.account) state.account = { ...state.account, issue: 2 };
      return read;
    };
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'failed' });

    expect([state.account?.status, state.request.status]).toEqual(['PENDING_FIRST_LOGIN', 'TEMPORARY_PASSWORD_ISSUED']);
    expect(state.calls).toEqual(['activate']);
    expect(state.audits.map((a) => [a.type, a.outcome, a.details?.['reason']])).toEqual([['FirstLoginAttempt', 'failure', 'account changed during login']]);
  });

  it('when the request moved meanwhile, activates the account and refuses the move as before (409 naming the status)', async () => {
    const { state, ports } = world(anAccount({ ori: 'CT0000100' }));
    state.request = { ...state.request, status: 'PASSWORD_EXPIRED' };
    await expect(firstLogin(ports, login(), { source })).rejects.toThrow('is PASSWORD_EXPIRED; it cannot become ACTIVE');
    expect(state.calls).toEqual(['activate', 'read the request', 'move the request', 'read the request']);
  });

  it('answers an unknown e-mail and a wrong password the same (401 LoginFailed), auditing each', async () => {
    const unknown = world(undefined);
    const wrong = world(anAccount());
    const a = firstLoginAnswer(await firstLogin(unknown.ports, login(), { source }));
    const b = firstLoginAnswer(await firstLogin(wrong.ports, login('A-long-and-unusual-phrase', 'not-it'), { source }));

    expect(a).toEqual(b);
    expect(a.statusCode).toBe(401);
    expect(JSON.parse(a.body)).toEqual({ error: 'LoginFailed', message: expect.stringContaining('After 5 failed attempts in 15 minutes the account is locked for 10 minutes') });
    expect(unknown.state.audits).toEqual([expect.objectContaining({ actor: 'anonymous', outcome: 'failure', subject: expect.objectContaining({ id: 'unknown' }), details: { reason: 'unknown account' } })]);
    expect(wrong.state.audits).toEqual([expect.objectContaining({ outcome: 'failure', details: { reason: 'wrong temporary password' } })]);
  });

  it('locks the account at the fifth failure in 15 minutes, for 10 minutes; the holder of the right password is told until when (423), others get the same 401', async () => {
    const { state, ports } = world(anAccount());
    for (let i = 0; i < 5; i++) {
      expect(await firstLogin(ports, login('A-long-and-unusual-phrase', 'wrong'), { source })).toEqual({ kind: 'failed' });
      state.clock += MINUTE;
    }
    expect(state.account).toMatchObject({ locked: true, lockedUntil: new Date(T0 + 14 * MINUTE).toISOString() });
    expect(state.audits.at(-1)?.details).toEqual({ reason: 'wrong temporary password; account locked' });

    expect(await firstLogin(ports, login('A-long-and-unusual-phrase', 'wrong'), { source })).toEqual({ kind: 'failed' });
    expect(state.audits.at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'wrong temporary password; account locked' } });
    const locked = await firstLogin(ports, login(), { source });
    expect(locked).toEqual({ kind: 'locked', until: new Date(T0 + 14 * MINUTE).toISOString() });
    expect(firstLoginAnswer(locked)).toMatchObject({ statusCode: 423 });
    expect(JSON.parse(firstLoginAnswer(locked).body)).toMatchObject({ error: 'AccountLocked', lockedUntil: new Date(T0 + 14 * MINUTE).toISOString() });

    state.clock = T0 + 14 * MINUTE;
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'active' });
  });

  it('tells the holder of an expired temporary password that it expired, by its timestamp (401 TemporaryPasswordExpired)', async () => {
    const { ports } = world(anAccount(), T0 + 24 * 60 * MINUTE);
    const outcome = await firstLogin(ports, login(), { source });
    expect(outcome).toEqual({ kind: 'expired', expiredAt: new Date(T0 + 24 * 60 * MINUTE).toISOString() });
    expect(JSON.parse(firstLoginAnswer(outcome).body)).toEqual({ error: 'TemporaryPasswordExpired', message: expect.stringContaining('expired at Mon, 30 Nov 2026 12:00:00 GMT (it lasts 24 hours)') });
  });

  it('refuses an account removed at the agency’s request (403 AccountRemoved to the holder of the right password; others the same 401), activating nothing', async () => {
    const { state, ports } = world(anAccount({ status: 'REMOVED' }));
    const right = firstLoginAnswer(await firstLogin(ports, login(), { source }));
    expect(right.statusCode).toBe(403);
    expect(JSON.parse(right.body)).toMatchObject({ error: 'AccountRemoved' });
    expect(firstLoginAnswer(await firstLogin(ports, login('A-long-and-unusual-phrase', 'not-it'), { source })).statusCode).toBe(401);
    expect(state.account?.status).toBe('REMOVED');
    expect(state.request.status).toBe('TEMPORARY_PASSWORD_ISSUED');
    expect(state.audits.map((a) => [a.type, a.outcome, a.details?.['reason']])).toEqual([
      ['FirstLoginAttempt', 'denied', 'account removed'],
      ['FirstLoginAttempt', 'failure', 'wrong temporary password'],
    ]);
  });

  it('refuses a new password that breaks the rules (400 naming newPassword), changing nothing', async () => {
    const { state, ports } = world(anAccount());
    const outcome = await firstLogin(ports, login('short'), { source });
    expect(JSON.parse(firstLoginAnswer(outcome).body)).toEqual({ error: 'ValidationFailed', message: 'The new password does not meet the rules', problems: [{ field: 'newPassword', rule: 'must be at least 8 characters' }] });
    expect(state.account?.status).toBe('PENDING_FIRST_LOGIN');
  });

  it('answers the same first login again (a retry after a lost answer) as done, finishing the request once', async () => {
    const { state, ports } = world(anAccount());
    await firstLogin(ports, login(), { source });
    state.request = { ...state.request, status: 'TEMPORARY_PASSWORD_ISSUED' };
    await expect(firstLogin(ports, login(), { source })).resolves.toEqual({ kind: 'active' });
    expect(state.request.status).toBe('ACTIVE');
    expect(state.audits.at(-1)?.details).toEqual({ reason: 'password already set by this first login' });
    // Another new password on an active account is a failure, as a wrong password is.
    await expect(firstLogin(ports, login('Another-long-phrase-9'), { source })).resolves.toEqual({ kind: 'failed' });
  });
});
