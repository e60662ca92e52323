import fc from 'fast-check';
import { dictionary } from '@zxcvbn-ts/language-common';
import { hashPassword, hashTemporaryPassword, LOCKOUT, MIN_STRENGTH, newPasswordProblems, PASSWORD_MAX, PASSWORD_MIN, strengthOf, temporaryPassword, TEMPORARY_PASSWORD_ALPHABET, TEMPORARY_PASSWORD_BITS, TEMPORARY_PASSWORD_TTL_MS, userWords, verifyPassword, verifyTemporaryPassword } from '../../functions/access/domain/password';

/** No 0/O, 1/I/l/L, o: characters a reader of an e-mail could mistake for one another. */
const UNAMBIGUOUS = /^[ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789]{20}$/;
const COMMON_LIST = dictionary['passwords-common'] as string[];

const jane = { temporary: 'Hq7ZpT3kWmN8rYbc', fullName: 'Jane Q. Doe-Smith', email: 'jqdoe@police.ct.example' };
const GOOD = 'violet harbour tramline 42 gusts';

describe('the rule constants', () => {
  it('a temporary password lives 24 hours', () => {
    expect(TEMPORARY_PASSWORD_TTL_MS).toBe(24 * 60 * 60 * 1000);
  });

  it('locks an account for 10 minutes after 5 failures within 15 minutes (CJIS 5.5.3, AC-7)', () => {
    expect(LOCKOUT).toEqual({ failures: 5, windowMs: 15 * 60 * 1000, lockMs: 10 * 60 * 1000 });
  });

  it('a chosen password is 8 to 128 characters (NIST SP 800-63B allows at least 64)', () => {
    expect([PASSWORD_MIN, PASSWORD_MAX]).toEqual([8, 128]);
  });
});

describe('temporaryPassword', () => {
  it('is 20 characters from the unambiguous alphabet', () => {
    for (let i = 0; i < 300; i++) expect(temporaryPassword()).toMatch(UNAMBIGUOUS);
  });

  it('carries at least 112 bits (NIST SP 800-63B 5.1.2.2), the entropy that lets it be stored as a SHA-256 hash', () => {
    const alphabet = new Set(TEMPORARY_PASSWORD_ALPHABET);
    expect(alphabet.size).toBe(TEMPORARY_PASSWORD_ALPHABET.length);
    expect(temporaryPassword().length * Math.log2(alphabet.size)).toBeGreaterThanOrEqual(Math.max(112, TEMPORARY_PASSWORD_BITS));
  });

  it('never repeats in a few hundred draws', () => {
    const drawn = Array.from({ length: 500 }, () => temporaryPassword());
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it('uses the whole alphabet, not a fixed subset, over many draws', () => {
    const seen = new Set(Array.from({ length: 200 }, () => temporaryPassword()).join(''));
    expect(seen.size).toBe(55);
  });
});

describe('hashPassword and verifyPassword', () => {
  it('verify the password that was hashed', async () => {
    const hash = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
  });

  it('round-trip any password, and refuse it with one character more', async () => {
    await expect(
      fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (password) => {
          const hash = await hashPassword(password);
          return (await verifyPassword(password, hash)) && !(await verifyPassword(`${password}x`, hash));
        }),
        { numRuns: 15 },
      ),
    ).resolves.toBeUndefined();
  });

  it('refuse a wrong password, including one differing only in case', async () => {
    const hash = await hashPassword('Tr0ub4dor&3');
    await expect(verifyPassword('Tr0ub4dor&4', hash)).resolves.toBe(false);
    await expect(verifyPassword('tr0ub4dor&3', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('refuse the right password against a tampered hash or salt', async () => {
    const hash = await hashPassword('Tr0ub4dor&3');
    const [scheme, salt, key] = hash.split('$') as [string, string, string];
    // Flip a character in the middle: the last base64url character partly encodes padding bits.
    const flip = (s: string) => `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`;
    await expect(verifyPassword('Tr0ub4dor&3', `${scheme}$${salt}$${flip(key)}`)).resolves.toBe(false);
    await expect(verifyPassword('Tr0ub4dor&3', `${scheme}$${flip(salt)}$${key}`)).resolves.toBe(false);
    await expect(verifyPassword('Tr0ub4dor&3', `${scheme}$${salt}$${key.slice(0, 20)}`)).resolves.toBe(false);
  });

  it('store a salted scrypt hash that does not contain the password', async () => {
    const password = temporaryPassword();
    const hash = await hashPassword(password);
    expect(hash).toMatch(/^scrypt\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(password);
    expect(hash).not.toContain(Buffer.from(password).toString('base64url'));
  });

  it('hash the same password differently each time (a fresh salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same password', a)).resolves.toBe(true);
    await expect(verifyPassword('same password', b)).resolves.toBe(true);
  });

  it.each([
    ['no stored value', undefined],
    ['an empty string', ''],
    ['another scheme', 'bcrypt$c2FsdA$aGFzaA'],
    ['a missing hash part', 'scrypt$c2FsdA$'],
    ['a missing salt', 'scrypt$$aGFzaA'],
    ['garbage', 'not a hash at all'],
    ['the password itself', 'hunter2hunter2'],
  ])('refuse any password against %s', async (_what, stored) => {
    await expect(verifyPassword('hunter2hunter2', stored)).resolves.toBe(false);
  });
});

describe('hashTemporaryPassword and verifyTemporaryPassword', () => {
  it('verify the temporary password that was hashed, and no other', async () => {
    const password = temporaryPassword();
    const stored = hashTemporaryPassword(password);
    await expect(verifyTemporaryPassword(password, stored)).resolves.toBe(true);
    await expect(verifyTemporaryPassword(`${password}x`, stored)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(password.slice(1), stored)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(password.toLowerCase() === password ? password.toUpperCase() : password.toLowerCase(), stored)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(temporaryPassword(), stored)).resolves.toBe(false);
  });

  it('store SHA-256 of it, which does not contain it', () => {
    const password = temporaryPassword();
    const stored = hashTemporaryPassword(password);
    expect(stored).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(password);
    expect(stored).not.toContain(Buffer.from(password).toString('base64url'));
  });

  it('refuse a temporary password stored as scrypt before the change, with the same one hash as an unknown account (no timing tells an old account)', async () => {
    const password = temporaryPassword();
    const legacy = await hashPassword(password);
    await expect(verifyTemporaryPassword(password, legacy)).resolves.toBe(false);
  });

  it('refuse any stored form but the one written: padding, other lengths, spaces', async () => {
    const password = temporaryPassword();
    const stored = hashTemporaryPassword(password);
    for (const other of [`${stored}=`, `${stored} `, ` ${stored}`, `SHA256$${stored.slice(7)}`, stored.slice(0, -1), `${stored}A`]) await expect(verifyTemporaryPassword(password, other)).resolves.toBe(false);
  });

  it('refuse the right password against a tampered hash', async () => {
    const password = temporaryPassword();
    const [scheme, key] = hashTemporaryPassword(password).split('$') as [string, string];
    const flip = (s: string) => `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`;
    await expect(verifyTemporaryPassword(password, `${scheme}$${flip(key)}`)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(password, `${scheme}$${key.slice(0, 20)}`)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(password, `${scheme}$${key}$${key}`)).resolves.toBe(false);
    await expect(verifyTemporaryPassword(password, `md5$${key}`)).resolves.toBe(false);
  });

  it.each([
    ['no stored value', undefined],
    ['an empty string', ''],
    ['a missing hash part', 'sha256$'],
    ['garbage', 'not a hash at all'],
    ['the password itself', 'Hq7ZpT3kWmN8rYbcDEFG'],
  ])('refuse any password against %s', async (_what, stored) => {
    await expect(verifyTemporaryPassword('Hq7ZpT3kWmN8rYbcDEFG', stored)).resolves.toBe(false);
  });

  it('a chosen password is never accepted from a SHA-256 value: its check is scrypt only', async () => {
    await expect(verifyPassword('Tr0ub4dor&3', hashTemporaryPassword('Tr0ub4dor&3'))).resolves.toBe(false);
  });
});

describe('newPasswordProblems', () => {
  it('finds nothing wrong with a long passphrase that avoids the name, e-mail and common lists', async () => {
    expect(await newPasswordProblems(GOOD, jane)).toEqual([]);
  });

  it('lets exactly 8 and exactly 128 characters through the length rule', async () => {
    const lengthRules = async (p: string) => (await newPasswordProblems(p, jane)).filter((rule) => rule.includes('characters'));
    expect(await lengthRules('vN4#tq9z')).toEqual([]);
    expect(await lengthRules('vN4#tq9z'.repeat(16))).toEqual([]);
    expect(await newPasswordProblems('gusty-vN4#tq9z', jane)).toEqual([]);
    expect(await newPasswordProblems(`${GOOD} `.repeat(5).slice(0, 128), jane)).toEqual([]);
  });

  it('refuses fewer than 8 characters', async () => {
    expect(await newPasswordProblems('vN4#tq9', jane)).toEqual(['must be at least 8 characters']);
  });

  it('refuses more than 128 characters', async () => {
    expect(await newPasswordProblems('vN4#tq9z'.repeat(16) + 'x', jane)).toEqual(['must be at most 128 characters']);
  });

  it('refuses the temporary password itself', async () => {
    expect(await newPasswordProblems(jane.temporary, jane)).toEqual(['must not be the temporary password']);
  });

  it.each([
    ['the first name', 'xx-jane-harbour-42'],
    ['a surname part, in capitals', 'violet SMITH harbour 42'],
    ['the other surname part', 'doe-and-harbour-42'],
    ['the e-mail local part', 'Harbour JQDoe 42 gusts'],
  ])('refuses a password containing %s, whatever the case', async (_what, password) => {
    expect(await newPasswordProblems(password, jane)).toEqual(['must not contain your name or e-mail address']);
  });

  it('ignores name parts shorter than 3 characters (an initial)', async () => {
    expect(await newPasswordProblems('violet q harbour 42', jane)).toEqual([]);
  });

  it('ignores the e-mail domain', async () => {
    expect(await newPasswordProblems('police harbour example 42', jane)).toEqual([]);
  });

  it.each(['password123', 'qwerty123', 'iloveyou', 'Password123', 'QWERTY123'])('refuses the common password %s from the shipped list', async (password) => {
    expect(COMMON_LIST).toContain(password.toLowerCase());
    expect(await newPasswordProblems(password, jane)).toEqual(['is a commonly used password found in breach lists; choose another']);
  });

  it('lists every rule broken at once', async () => {
    const context = { temporary: 'pass', fullName: 'Pass Word', email: 'pass@ct.example' };
    expect(await newPasswordProblems('pass', context)).toEqual([
      'must be at least 8 characters',
      'must not be the temporary password',
      'must not contain your name or e-mail address',
      'is a commonly used password found in breach lists; choose another',
    ]);
  });

  it('finds no problem but guessability in any 12-character lowercase-and-digit string that cannot contain the name parts', async () => {
    const context = { temporary: 'ABCDEFGHJKMNPQRS', fullName: 'Zzq Yyx', email: 'wwv@ct.example' };
    await expect(
      fc.assert(
        fc.asyncProperty(fc.stringMatching(/^[a-p0-9]{12}$/), async (password) => (await newPasswordProblems(password, context)).every((p) => p.startsWith('is a commonly used') || p.startsWith('is too easy to guess'))),
      ),
    ).resolves.toBeUndefined();
  });

  it.each(['Password123!', 'P@ssw0rd2026', 'Summer2024!', 'Qwerty2025#', 'iloveyou!1', 'Welcome1!', 'Passw0rd!!'])(
    'refuses %s, a common password with a symbol, digit or year added or letters swapped, and says why',
    async (password) => {
      const problems = await newPasswordProblems(password, jane);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^is too easy to guess \(strength [0-2] of 4; at least 3 is required\)/);
      expect(problems[0]).toMatch(/: [A-Z].+\.$/); // zxcvbn's warning or suggestions, in words
    },
  );

  it.each([
    ['the agency ORI', 'CT0000100pw!', { ori: 'CT0000100' }],
    ['this system’s name', 'Cchrs2026', {}],
    ['the state, with a symbol and digit', 'Connecticut#1', {}],
    ['a word of the e-mail domain', 'Police2026!', {}],
  ])('refuses a password built on %s', async (_what, password, extra) => {
    expect(await newPasswordProblems(password, { ...jane, ...extra })).toEqual([expect.stringMatching(/^is too easy to guess/)]);
  });

  it('counts the user’s words: the same password is weaker for the user it names', async () => {
    const stranger = { temporary: 'x', fullName: 'Ann Lee', email: 'alee@agency.example' };
    expect((await strengthOf('Harbourmaster77', { fullName: 'Harbourmaster Q', email: 'hq@ct.example' })).guesses).toBeLessThan((await strengthOf('Harbourmaster77', stranger)).guesses);
  });

  it('gathers the name, e-mail parts, ORI and this system’s words as user words', async () => {
    expect(userWords({ fullName: 'Jane Q. Doe-Smith', email: 'jqdoe@police.ct.example', ori: 'CT0000100' })).toEqual(
      expect.arrayContaining(['jane', 'doe', 'smith', 'jqdoe', 'police', 'ct0000100', 'ciss', 'cchrs', 'connecticut', 'justice']),
    );
  });

  it('accepts strong choices', async () => {
    for (const password of [GOOD, 'correct horse battery staple', 'Kx9mWq2ZrT4pVbc', 'gusty-vN4#tq9z']) {
      expect((await strengthOf(password, jane)).score).toBeGreaterThanOrEqual(MIN_STRENGTH);
      expect(await newPasswordProblems(password, jane)).toEqual([]);
    }
  });
});
