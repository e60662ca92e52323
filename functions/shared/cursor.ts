import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { previousSecretBytes, secretBytes } from './adapters/keys';
import { ValidationFailed } from './errors';
import { lazy } from './lazy';

/**
 * Opaque list cursors, one encoding for every paged list of the API (`nextToken`).
 *
 * A cursor is the list's position (a DynamoDB key, a Step Functions token), sealed with
 * AES-256-GCM under a key derived from the `list-cursor-key` secret. The list's name, the query's
 * filters and the caller are the associated data: a cursor says nothing of what it points at,
 * cannot be forged or edited, and opens only for the same list, the same filters and the same
 * caller (roles and agency). Anything else is a 400 naming the parameter, never a 500 from
 * DynamoDB. Cursors sealed before the secret rotated still open (the previous value is tried).
 */

/** Who asks, as far as it decides what the list may show. */
export interface CursorCaller {
  readonly username: string;
  readonly roles: readonly string[];
  readonly ori?: string;
}

export interface CursorScope {
  /** The list: `arrests`, `access-requests`, `audit`, `ops-executions`. */
  readonly list: string;
  readonly caller: CursorCaller;
  /** The query's filters (not its page size): a cursor opens only for the same ones. */
  readonly query: Readonly<Record<string, string | number | boolean | undefined>>;
}

const VERSION = 'c1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longer than any cursor this module makes; a longer one is refused before it is decoded. */
export const MAX_CURSOR_CHARS = 2048;

/** The query parameter every list takes its cursor in, and the response field that gives it. */
export const CURSOR_PARAM = 'nextToken';

/** A DynamoDB key as a cursor holds it: every key attribute of our tables is a string. */
export const DynamoKeySchema = /* @__PURE__ */ lazy(() => z.record(z.string(), z.string()));
export type DynamoKey = z.infer<typeof DynamoKeySchema>;

function binding(scope: CursorScope): Buffer {
  const query = Object.keys(scope.query)
    .filter((k) => scope.query[k] !== undefined)
    .sort()
    .map((k) => [k, scope.query[k]]);
  const caller = [scope.caller.username, scope.caller.ori ?? '', [...scope.caller.roles].sort()];
  return Buffer.from(JSON.stringify([VERSION, scope.list, caller, query]), 'utf8');
}

function derive(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ciss list cursor v1', 32));
}

function sealWith(key: Buffer, scope: CursorScope, state: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(binding(scope));
  const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

function openWith(key: Buffer, scope: CursorScope, raw: Buffer): unknown {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(binding(scope));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Keys to seal with and to open with, from the secret store (one source for every list). */
export interface CursorKeys {
  current(): Promise<Buffer>;
  /** The current key first, then the one before the last rotation, if any. */
  all(): Promise<Buffer[]>;
}

export function secretCursorKeys(secretId: string): CursorKeys {
  return {
    current: async () => derive(await secretBytes(secretId)),
    all: async () => {
      const previous = await previousSecretBytes(secretId);
      return [derive(await secretBytes(secretId)), ...(previous ? [derive(previous)] : [])];
    },
  };
}

export class Cursors {
  constructor(private readonly keys: CursorKeys) {}

  /** The cursor for the next page, or null on the last one. */
  async seal(scope: CursorScope, state: unknown): Promise<string | null> {
    if (state === undefined) return null;
    return sealWith(await this.keys.current(), scope, state);
  }

  /**
   * The position a cursor holds, checked against its schema; undefined when no cursor was given.
   * A cursor that is not one this list gave this caller for this query is a 400 naming `param`.
   */
  async open<T>(token: string | undefined, scope: CursorScope, schema: z.core.$ZodType<T>, param: string = CURSOR_PARAM): Promise<T | undefined> {
    if (token === undefined || token === '') return undefined;
    const refuse = () => new ValidationFailed([{ field: param, rule: `must be the ${CURSOR_PARAM} a previous page of this same list, with the same filters, returned to you, unchanged` }]);
    if (token.length > MAX_CURSOR_CHARS || !token.startsWith(`${VERSION}.`)) throw refuse();
    const text = token.slice(VERSION.length + 1);
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
    const raw = Buffer.from(text, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES + 1) throw refuse();
    for (const key of await this.keys.all()) {
      const state = openWith(key, scope, raw);
      if (state === undefined) continue;
      const parsed = z.safeParse(schema, state);
      if (parsed.success) return parsed.data;
    }
    throw refuse();
  }
}

/**
 * The cursor a list request carries: `nextToken`, or the older name a list documented
 * (`cursor` on /access-requests and /audit), never both.
 */
export function cursorParam(query: Readonly<Record<string, string | undefined>> | null, alias?: string): { token?: string; param: string } {
  const primary = query?.[CURSOR_PARAM];
  const old = alias ? query?.[alias] : undefined;
  if (primary !== undefined && old !== undefined) throw new ValidationFailed([{ field: alias ?? CURSOR_PARAM, rule: `give ${CURSOR_PARAM} or ${alias}, not both` }]);
  if (old !== undefined && alias) return { token: old, param: alias };
  return { token: primary, param: CURSOR_PARAM };
}
