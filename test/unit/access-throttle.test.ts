import { PerSourceLimiter } from '../../infra/local/rate-limit';
import { LOCKOUT, lockState } from '../../functions/access/domain/password';
import { routes, type RouteSpec } from '../../infra/manifest';

const MINUTE = 60_000;
const limit = { requests: 3, windowSeconds: 300 } as const;

describe('the per-source limit on first login (WAF’s rate rule, local)', () => {
  let now: number;
  let limiter: PerSourceLimiter;
  beforeEach(() => {
    now = Date.parse('2026-11-29T12:00:00Z');
    limiter = new PerSourceLimiter(() => now);
  });

  it('is set on the first-login route: 20 requests per address per 5 minutes', () => {
    const route = (routes as readonly RouteSpec[]).find((r) => r.path === '/auth/first-login' && r.method === 'POST');
    expect(route?.perSourceLimit).toEqual({ requests: 20, windowSeconds: 300 });
  });

  it('lets the limit through, refuses the next, and lets one through again when the oldest leaves the window', () => {
    for (let i = 0; i < 3; i++) {
      expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(true);
      now += MINUTE;
    }
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(false);
    now += 2 * MINUTE - 1; // the first request is 5 minutes less 1 ms old
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(false);
    now += 1;
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(true);
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(false);
  });

  it('counts each source address and each route apart', () => {
    for (let i = 0; i < 3; i++) limiter.allow('POST /auth/first-login', '10.0.0.1', limit);
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(false);
    expect(limiter.allow('POST /auth/first-login', '10.0.0.2', limit)).toBe(true);
    expect(limiter.allow('POST /other', '10.0.0.1', limit)).toBe(true);
  });

  it('does not count refused requests, so a source that keeps trying is free again after the window', () => {
    for (let i = 0; i < 3; i++) limiter.allow('POST /auth/first-login', '10.0.0.1', limit);
    for (let i = 0; i < 50; i++) {
      now += 5_000;
      limiter.allow('POST /auth/first-login', '10.0.0.1', limit);
    }
    now = Date.parse('2026-11-29T12:05:00Z');
    expect(limiter.allow('POST /auth/first-login', '10.0.0.1', limit)).toBe(true);
  });
});

describe('the account lock after failed first logins (CJIS AC-7)', () => {
  const t0 = Date.parse('2026-11-29T12:00:00Z');
  const at = (ms: number) => new Date(t0 + ms);
  const iso = (ms: number) => at(ms).toISOString();

  it('is 5 failures in 15 minutes, and lasts 10 minutes', () => {
    expect(LOCKOUT).toEqual({ failures: 5, windowMs: 15 * MINUTE, lockMs: 10 * MINUTE });
  });

  it('holds until its end, and ends by itself then', () => {
    const account = { locked: true, lockedUntil: iso(10 * MINUTE), failures: [0, 1, 2, 3, 4].map((i) => iso(i * 1000 - 10_000)) };
    expect(lockState(account, at(10 * MINUTE - 1)).locked).toBe(true);
    expect(lockState(account, at(10 * MINUTE))).toEqual({ locked: false, failures: [] });
  });

  it('counts failures afresh after a lock has ended: those before it do not lock again', () => {
    const account = { locked: true, lockedUntil: iso(10 * MINUTE), failures: [...[0, 1, 2, 3, 4].map((i) => iso(i * 1000)), iso(11 * MINUTE)] };
    expect(lockState(account, at(12 * MINUTE))).toEqual({ locked: false, failures: [iso(11 * MINUTE)] });
  });

  it('counts only failures inside the 15-minute window', () => {
    const account = { locked: false, failures: [iso(0), iso(5 * MINUTE), iso(14 * MINUTE)] };
    expect(lockState(account, at(16 * MINUTE)).failures).toEqual([iso(5 * MINUTE), iso(14 * MINUTE)]);
  });

  it('keeps a lock without an end (stored before locks ended by themselves) until the unit unlocks it', () => {
    expect(lockState({ locked: true, failures: [] }, at(365 * 24 * 60 * MINUTE)).locked).toBe(true);
  });
});
