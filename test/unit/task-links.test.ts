import fc from 'fast-check';
import { linkUrl, signLink, verifyLink, type LinkClaims } from '../../functions/tasks/domain/links';
import { assertProperty } from './property';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b));
const claimsArb: fc.Arbitrary<LinkClaims> = fc.record({
  taskId: fc.string({ minLength: 1 }),
  choice: fc.string({ minLength: 1 }),
  assignee: fc.emailAddress(),
  expires: fc.nat(),
});
const normalised = (email: string) => email.trim().toLowerCase();

const KEY = Buffer.alloc(32, 7);
const CLAIMS: LinkClaims = { taskId: 'tsk-1', choice: 'approve', assignee: 'clerk@agency.ct.example', expires: 1_800_000_000 };

describe('signLink / verifyLink', () => {
  it('verifies every signature it made, for any claims and key', () => {
    assertProperty(fc.property(keyArb, claimsArb, (key, claims) => verifyLink(key, claims, signLink(key, claims))));
  });

  it('signs as 43 characters of base64url (HMAC-SHA-256)', () => {
    assertProperty(fc.property(keyArb, claimsArb, (key, claims) => /^[A-Za-z0-9_-]{43}$/.test(signLink(key, claims))));
  });

  it('refuses the signature once the task id changes', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.string({ minLength: 1 }), (key, claims, other) => {
        fc.pre(other !== claims.taskId);
        return !verifyLink(key, { ...claims, taskId: other }, signLink(key, claims));
      }),
    );
  });

  it('refuses the signature once the choice changes', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.string({ minLength: 1 }), (key, claims, other) => {
        fc.pre(other !== claims.choice);
        return !verifyLink(key, { ...claims, choice: other }, signLink(key, claims));
      }),
    );
  });

  it('refuses the signature once the assignee changes to another address', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.emailAddress(), (key, claims, other) => {
        fc.pre(normalised(other) !== normalised(claims.assignee));
        return !verifyLink(key, { ...claims, assignee: other }, signLink(key, claims));
      }),
    );
  });

  it('refuses the signature once the expiry changes, even by one second', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.integer({ min: -1_000_000, max: 1_000_000 }), (key, claims, delta) => {
        fc.pre(delta !== 0);
        return !verifyLink(key, { ...claims, expires: claims.expires + delta }, signLink(key, claims));
      }),
    );
  });

  it('refuses the signature under any other key (one byte different is enough)', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.nat({ max: 31 }), fc.integer({ min: 1, max: 255 }), (key, claims, at, flip) => {
        const other = Buffer.from(key);
        other[at] = (other[at] ?? 0) ^ flip;
        return !verifyLink(other, claims, signLink(key, claims));
      }),
    );
  });

  it('refuses the signature when any character but the last is replaced by another base64url character', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.nat({ max: 41 }), fc.constantFrom(...BASE64URL), (key, claims, at, replacement) => {
        const sig = signLink(key, claims);
        fc.pre(sig[at] !== replacement);
        return !verifyLink(key, claims, sig.slice(0, at) + replacement + sig.slice(at + 1));
      }),
    );
  });

  it('refuses the signature when a character is replaced by one outside base64 altogether', () => {
    assertProperty(
      fc.property(keyArb, claimsArb, fc.nat({ max: 42 }), fc.constantFrom('*', '.', ' ', '=', '%', '~', '\n'), (key, claims, at, replacement) => {
        const sig = signLink(key, claims);
        return !verifyLink(key, claims, sig.slice(0, at) + replacement + sig.slice(at + 1));
      }),
    );
  });

  it('refuses a truncated, extended or empty signature', () => {
    const sig = signLink(KEY, CLAIMS);

    expect(verifyLink(KEY, CLAIMS, sig.slice(0, -1))).toBe(false);
    expect(verifyLink(KEY, CLAIMS, `${sig}AAAA`)).toBe(false);
    expect(verifyLink(KEY, CLAIMS, '')).toBe(false);
  });

  // Node's base64url decoder ignores the 2 spare bits of the 43rd character and accepts '+' and
  // '/' for '-' and '_': verifyLink compares the text exactly, so no other spelling verifies.
  it('refuses the signature when its last character is changed to one that differs only in the unused bits', () => {
    const sig = signLink(KEY, CLAIMS);
    const last = BASE64URL.indexOf(sig.at(-1) ?? '');
    const sibling = BASE64URL[last ^ 1] ?? '';

    expect(verifyLink(KEY, CLAIMS, sig.slice(0, -1) + sibling)).toBe(false);
  });

  const withDash = Array.from({ length: 50 }, (_, i) => ({ ...CLAIMS, taskId: `tsk-${i}` })).find((c) => /[-_]/.test(signLink(KEY, c))) ?? CLAIMS;

  it('finds claims whose signature has a - or _ for the check below', () => {
    expect(signLink(KEY, withDash)).toMatch(/[-_]/);
  });

  it("refuses the signature written with standard base64's '+' and '/' instead of '-' and '_'", () => {
    const sig = signLink(KEY, withDash);

    expect(verifyLink(KEY, withDash, sig.replace(/-/g, '+').replace(/_/g, '/'))).toBe(false);
  });

  describe('assignee comparison (by design the signed payload lower-cases and trims the address)', () => {
    it('verifies a link signed for an address whatever its case or surrounding spaces', () => {
      assertProperty(
        fc.property(keyArb, claimsArb, (key, claims) => {
          const sig = signLink(key, { ...claims, assignee: ` ${claims.assignee.toUpperCase()} ` });
          return verifyLink(key, { ...claims, assignee: claims.assignee.toLowerCase() }, sig) && verifyLink(key, claims, sig);
        }),
      );
    });

    it('signs Clerk@Agency and clerk@agency identically', () => {
      expect(signLink(KEY, { ...CLAIMS, assignee: 'Clerk@Agency.CT.example' })).toBe(signLink(KEY, { ...CLAIMS, assignee: 'clerk@agency.ct.example' }));
    });
  });
});

describe('linkUrl', () => {
  it('points at /approvals/<task id> under the base URL, with one slash between them', () => {
    expect(linkUrl('https://api.example/prod/', CLAIMS, 'SIG')).toBe('https://api.example/prod/approvals/tsk-1?choice=approve&expires=1800000000&sig=SIG');
    expect(linkUrl('https://api.example/prod', CLAIMS, 'SIG')).toBe('https://api.example/prod/approvals/tsk-1?choice=approve&expires=1800000000&sig=SIG');
  });

  it('carries choice, expires and sig in the query and the URL-encoded task id in the path, for any claims', () => {
    assertProperty(
      fc.property(claimsArb.filter((c) => c.taskId !== '.' && c.taskId !== '..'), fc.string(), (claims, sig) => {
        const url = new URL(linkUrl('https://api.example/prod', claims, sig));
        const q = url.searchParams;
        return (
          url.pathname === `/prod/approvals/${encodeURIComponent(claims.taskId)}` &&
          decodeURIComponent(url.pathname.slice('/prod/approvals/'.length)) === claims.taskId &&
          q.get('choice') === claims.choice &&
          q.get('expires') === String(claims.expires) &&
          q.get('sig') === sig &&
          [...q.keys()].sort().join(',') === 'choice,expires,sig'
        );
      }),
    );
  });

  it('keeps a task id with slashes, spaces or a query in one path segment', () => {
    const url = linkUrl('https://api.example', { ...CLAIMS, taskId: 'a/b c?d#e' }, 'S');

    expect(url).toBe('https://api.example/approvals/a%2Fb%20c%3Fd%23e?choice=approve&expires=1800000000&sig=S');
  });

  it('does not carry the assignee in the URL', () => {
    expect(linkUrl('https://api.example', CLAIMS, 'S')).not.toContain('clerk');
  });
});
