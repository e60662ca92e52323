import { randomInt, scrypt, timingSafeEqual, randomBytes, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';

/** How long a temporary password lives. The rule; tests move the clock, not this. */
export const TEMPORARY_PASSWORD_TTL_MS = 24 * 60 * 60 * 1000;
export const LOCKOUT = { failures: 5, windowMs: 15 * 60 * 1000 } as const;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Letters and digits that cannot be mistaken for one another in an e-mail. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A temporary password from the CSPRNG: 16 characters, about 92 bits. */
export function temporaryPassword(): string {
  return Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1 };

function scryptAsync(password: BinaryLike, salt: BinaryLike): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A salted scrypt hash, `scrypt$<salt>$<hash>` (base64url). */
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

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * The rules for the password a user chooses at first login (NIST SP 800-63B as CJIS 5.6.2.1.1
 * adopts it): length, not the temporary one, not the user's name or e-mail, not a common or
 * breached password. Returns every rule broken, in words.
 */
export function newPasswordProblems(password: string, context: { temporary: string; fullName: string; email: string }): string[] {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  if (password.length < PASSWORD_MIN) problems.push(`must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters`);
  if (password === context.temporary) problems.push('must not be the temporary password');
  const parts = [...context.fullName.toLowerCase().split(/[^a-z0-9]+/), ...context.email.toLowerCase().split('@')[0]!.split(/[^a-z0-9]+/)].filter((p) => p.length >= 3);
  if (parts.some((p) => lower.includes(p))) problems.push('must not contain your name or e-mail address');
  if (COMMON.has(lower)) problems.push('is a commonly used password found in breach lists; choose another');
  return problems;
}
