import { createHash, randomInt, scrypt, timingSafeEqual, randomBytes, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

/** How long a temporary password lives. The rule; tests move the clock, not this. */
export const TEMPORARY_PASSWORD_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * CJIS Security Policy 5.5.3 (AC-7): no more than 5 consecutive invalid attempts; the account
 * then locks for a 10-minute period unless an administrator (the CCHRS unit) releases it sooner.
 * The lock ends by itself so that a stranger who knows an e-mail address cannot keep the
 * employee out; the per-source throttle at the gateway bounds how often anyone can try.
 */
export const LOCKOUT = { failures: 5, windowMs: 15 * 60 * 1000, lockMs: 10 * 60 * 1000 } as const;

/** Where an account stands against the lockout rule at `now`. */
export function lockState(account: { readonly locked: boolean; readonly lockedUntil?: string; readonly failures: readonly string[] }, now: Date): { locked: boolean; until?: string; failures: readonly string[] } {
  const until = account.lockedUntil;
  // A lock stored before locks ended by themselves has no end: it waits for the unit.
  if (account.locked && (!until || Date.parse(until) > now.getTime())) return { locked: true, until, failures: account.failures };
  // Failures before a lock ended do not count again: the count after a lock starts afresh.
  const since = until ? Date.parse(until) : -Infinity;
  return { locked: false, failures: account.failures.filter((f) => now.getTime() - Date.parse(f) < LOCKOUT.windowMs && Date.parse(f) >= since) };
}
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Letters and digits that cannot be mistaken for one another in an e-mail. */
export const TEMPORARY_PASSWORD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/**
 * The entropy at which NIST SP 800-63B (5.1.2.2, look-up secrets) lets a one-time secret the
 * system generated be stored as an approved one-way hash instead of a slow, salted key derivation:
 * no guessing, offline or not, gets through 2^112. A chosen password is never that: it keeps scrypt.
 */
export const TEMPORARY_PASSWORD_BITS = 112;

/** Characters in a temporary password: the fewest that carry TEMPORARY_PASSWORD_BITS (20 of the 55, about 115.6 bits). */
const TEMPORARY_PASSWORD_LENGTH = Math.ceil(TEMPORARY_PASSWORD_BITS / Math.log2(TEMPORARY_PASSWORD_ALPHABET.length));

/** A temporary password from the CSPRNG: TEMPORARY_PASSWORD_LENGTH characters of the unambiguous alphabet. */
export function temporaryPassword(): string {
  return Array.from({ length: TEMPORARY_PASSWORD_LENGTH }, () => TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)]).join('');
}

function sha256(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

/**
 * How a temporary password is stored: `sha256$<hash>` (base64url). It is random, used once and
 * lives 24 hours, with at least TEMPORARY_PASSWORD_BITS bits, so a fast hash keeps it as safe
 * as scrypt would (see TEMPORARY_PASSWORD_BITS), and issuing and checking it costs microseconds
 * where scrypt cost about 50 ms each.
 */
export function hashTemporaryPassword(password: string): string {
  return `sha256$${sha256(password).toString('base64url')}`;
}

/** The one form hashTemporaryPassword writes: SHA-256's 32 bytes as 43 base64url characters. */
const TEMPORARY_HASH = /^sha256\$([A-Za-z0-9_-]{43})$/;

/**
 * Whether `password` is the temporary password stored as `stored`. A wrong password, a missing
 * account and any other stored value (malformed, or `scrypt$…` from before temporary passwords
 * were stored this way) do the same work, one SHA-256, and say false: answering an old scrypt
 * value as it was stored would take 50 ms for an account that exists, microseconds for an e-mail
 * that does not, and accounts keep their temporary hash after first login. A temporary password
 * issued before the change and still unused is reissued by the unit.
 */
export async function verifyTemporaryPassword(password: string, stored: string | undefined): Promise<boolean> {
  const actual = sha256(password);
  const hash = TEMPORARY_HASH.exec(stored ?? '')?.[1];
  const expected = hash === undefined ? undefined : Buffer.from(hash, 'base64url');
  const comparable = expected?.length === actual.length;
  return timingSafeEqual(actual, comparable ? expected : Buffer.alloc(actual.length)) && comparable;
}

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1 };

function scryptAsync(password: BinaryLike, salt: BinaryLike): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A chosen password's salted scrypt hash, `scrypt$<salt>$<hash>` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${(await scryptAsync(password, salt)).toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) {
    await scryptAsync(password, 'no-such-user'); // the same work either way: no timing tells
    return false;
  }
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}


/**
 * zxcvbn's score (0–4) a chosen password must reach: 3 means about 10^8 guesses or more
 * ("safely unguessable: moderate protection from an offline slow-hash attack"). Below it are
 * what an attacker tries first: common passwords with a digit, a year or a symbol added, look-alike
 * swaps (P@ssw0rd), keyboard walks, repeats, and the user's own words (NIST SP 800-63B 3.1.1.2:
 * refuse "commonly-used, expected, or compromised" values). Under zxcvbn's brute-force model 8
 * random characters count as 10^8 guesses (score 2), so in practice a password without known
 * words needs 9 or more characters.
 */
export const MIN_STRENGTH = 3;

/** Words of this system and its setting that a user might build a password from. */
export const SYSTEM_WORDS = ['ciss', 'cchrs', 'connecticut', 'police', 'justice', 'criminal', 'history', 'records', 'state', 'court', 'agency', 'dpscs', 'cjis', 'ngi', 'welcome', 'portal'] as const;

/**
 * Loaded and built on first use, not at import: the dictionaries (about 1.2 MB of the bundle) take
 * about a second to load and half a second to rank on a busy machine, and only an attempt whose
 * temporary password proved correct needs them, so a wrong password's cold start does not pay.
 * Levenshtein matching stays off: it adds about half a second a check, and the l33t and
 * dictionary matchers already catch the derived forms.
 */
let scorer: Promise<{ zxcvbn: ZxcvbnFactory; common: ReadonlySet<string> }> | undefined;
/**
 * Bounds on the work one check does. With zxcvbn's defaults, 128 characters of look-alike
 * repeats ("vN4#tq9z" × 16) took about 2 s; scoring the first 32 characters with at most 10
 * look-alike substitutions tried per token, under 0.15 s, and every derived password the tests
 * name is still caught. 32 characters that score well make a password strong whatever follows.
 */
const SCORED_LENGTH = 32;
const L33T_SUBSTITUTIONS = 10;
function loadScorer(): Promise<{ zxcvbn: ZxcvbnFactory; common: ReadonlySet<string> }> {
  scorer ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([core, common, en]) => ({
      zxcvbn: new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations, maxLength: SCORED_LENGTH, l33tMaxSubstitutions: L33T_SUBSTITUTIONS }),
      common: new Set((common.dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase())),
    }),
    (error: unknown) => {
      scorer = undefined; // a failed load is tried again next time
      throw error;
    },
  );
  return scorer;
}

/** The user's own words: name parts, the e-mail's local part and domain labels, the agency's ORI. */
export function userWords(context: { fullName: string; email: string; ori?: string }): string[] {
  const [local = '', domain = ''] = context.email.toLowerCase().split('@');
  const words = [...context.fullName.toLowerCase().split(/[^a-z0-9]+/), local, ...local.split(/[^a-z0-9]+/), ...domain.split('.'), ...(context.ori ? [context.ori.toLowerCase()] : []), ...SYSTEM_WORDS];
  return [...new Set(words.filter((w) => w.length >= 2))];
}

/** How guessable a password is, scored against the common and English dictionaries and the user's own words. */
export async function strengthOf(password: string, context: { fullName: string; email: string; ori?: string }): Promise<ZxcvbnResult> {
  return (await loadScorer()).zxcvbn.check(password, userWords(context));
}

/** zxcvbn's feedback as one sentence for the person choosing. */
function weakPasswordRule(result: ZxcvbnResult): string {
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s));
  return `is too easy to guess (strength ${result.score} of 4; at least ${MIN_STRENGTH} is required)${why.length ? `: ${why.join(' ')}` : ''}`;
}

/**
 * The rules for the password a user chooses at first login (NIST SP 800-63B as CJIS 5.6.2.1.1
 * adopts it): length, not the temporary one, not the user's name or e-mail, not a common or
 * breached password, and not easy to guess from those (a zxcvbn score of at least
 * MIN_STRENGTH). Returns every rule broken, in words.
 */
export async function newPasswordProblems(password: string, context: { temporary: string; fullName: string; email: string; ori?: string }): Promise<string[]> {
  const { common } = await loadScorer();
  const problems: string[] = [];
  const lower = password.toLowerCase();
  if (password.length < PASSWORD_MIN) problems.push(`must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters`);
  if (password === context.temporary) problems.push('must not be the temporary password');
  const parts = [...context.fullName.toLowerCase().split(/[^a-z0-9]+/), ...context.email.toLowerCase().split('@')[0]!.split(/[^a-z0-9]+/)].filter((p) => p.length >= 3);
  if (parts.some((p) => lower.includes(p))) problems.push('must not contain your name or e-mail address');
  if (common.has(lower)) problems.push('is a commonly used password found in breach lists; choose another');
  else if (problems.length === 0) {
    // Scored last, and only when nothing simpler is wrong: a check costs 10–30 ms.
    const result = await strengthOf(password, context);
    if (result.score < MIN_STRENGTH) problems.push(weakPasswordRule(result));
  }
  return problems;
}
