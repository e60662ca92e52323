/**
 * Pure helpers for counting and replaying DynamoDB requests: which kind an operation is, whose
 * request it is (the application's or the local Step Functions emulator's own store), HTTP
 * requests cut out of a recorded byte stream, and the key rewriting that lets one packet's
 * requests be replayed many times over without their conditions failing.
 */

import { createHash } from 'node:crypto';

export type RequestKind = 'read' | 'write' | 'transaction' | 'control';

const KINDS: Readonly<Record<string, RequestKind>> = {
  GetItem: 'read',
  Query: 'read',
  Scan: 'read',
  BatchGetItem: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'transaction',
  TransactGetItems: 'transaction',
};

/** Data-plane operations by what they are billed as; anything else (DescribeTable, …) is control. */
export function kindOf(operation: string): RequestKind {
  return KINDS[operation] ?? 'control';
}

/** Counts by operation, with the kind totals derived. */
export interface RequestCounts {
  readonly total: number;
  readonly read: number;
  readonly write: number;
  readonly transaction: number;
  readonly control: number;
  readonly byOperation: Readonly<Record<string, number>>;
}

export function countRequests(operations: Iterable<string> | ReadonlyMap<string, number>): RequestCounts {
  const byOperation: Record<string, number> = {};
  if (operations instanceof Map) for (const [op, n] of operations as ReadonlyMap<string, number>) byOperation[op] = (byOperation[op] ?? 0) + n;
  else for (const op of operations as Iterable<string>) byOperation[op] = (byOperation[op] ?? 0) + 1;
  const totals = { read: 0, write: 0, transaction: 0, control: 0 };
  for (const [op, n] of Object.entries(byOperation)) totals[kindOf(op)] += n;
  return { total: totals.read + totals.write + totals.transaction + totals.control, ...totals, byOperation: sortKeys(byOperation) };
}

/** `a` divided by `n` (per packet), rounded to two decimals. */
export function perUnit(counts: RequestCounts, n: number): RequestCounts {
  const r = (x: number): number => Math.round((x / n) * 100) / 100;
  return {
    total: r(counts.total),
    read: r(counts.read),
    write: r(counts.write),
    transaction: r(counts.transaction),
    control: r(counts.control),
    byOperation: Object.fromEntries(Object.entries(counts.byOperation).map(([k, v]) => [k, r(v)])),
  };
}

/** The difference of two operation tallies (after − before), keeping positive entries only. */
export function delta(after: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

// ---- recorded requests ------------------------------------------------------------------------

/** One DynamoDB request as it went over the wire. */
export interface WireRequest {
  readonly operation: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Cuts complete HTTP/1.1 requests (with Content-Length; the SDK never chunks) out of the bytes a
 * client sent on one connection. Returns them, the byte offset each starts at, and the
 * incomplete rest.
 */
export function parseRequests(buffer: Buffer): { requests: WireRequest[]; starts: number[]; rest: Buffer } {
  const requests: WireRequest[] = [];
  const starts: number[] = [];
  let at = 0;
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const lines = buffer.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (buffer.length < end + 4 + length) break;
    const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    const target = headers['x-amz-target'] ?? '';
    requests.push({ operation: target.slice(target.indexOf('.') + 1), headers, body });
    starts.push(at);
    at = end + 4 + length;
  }
  return { requests, starts, rest: buffer.subarray(at) };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Attr = { S?: string; [type: string]: Json | undefined };

/** Every table a request names (TransactWriteItems and batches name several). */
export function tablesOf(body: string): string[] {
  const parsed = JSON.parse(body) as Obj;
  const names = new Set<string>();
  if (typeof parsed['TableName'] === 'string') names.add(parsed['TableName']);
  for (const t of (parsed['TransactItems'] as Obj[] | undefined) ?? []) for (const inner of Object.values(t)) if (inner && typeof inner === 'object' && !Array.isArray(inner) && typeof inner['TableName'] === 'string') names.add(inner['TableName']);
  for (const key of ['RequestItems'] as const) if (parsed[key] && typeof parsed[key] === 'object') for (const name of Object.keys(parsed[key] as Obj)) names.add(name);
  return [...names];
}

/**
 * Whether a request is a token route's account check (functions/shared/adapters/account-check.ts):
 * the GetItem of the person's account record that every person's API call makes, whatever the
 * item. It is counted per API call, not per item, so the figures name it apart.
 */
export function isAccountCheck(request: WireRequest): boolean {
  if (request.operation !== 'GetItem') return false;
  const key = (JSON.parse(request.body) as { Key?: { pk?: { S?: string }; sk?: { S?: string } } }).Key;
  return key?.sk?.S === 'ACCOUNT' && (key.pk?.S ?? '').startsWith('PERSON#');
}

/** Whose request it is: the emulator's own store table, or the application's tables. */
export function sourceOf(body: string, emulatorTable: string): 'application' | 'emulator' {
  return tablesOf(body).includes(emulatorTable) ? 'emulator' : 'application';
}

/** Table name → its primary key attribute names. */
export type KeySchemas = Readonly<Record<string, readonly string[]>>;

/** The items (table + key attributes) a request writes, or reads by key. */
function keyedItems(parsed: Obj, operation: string, schemas: KeySchemas): { table: string; key: Obj; write: boolean }[] {
  const out: { table: string; key: Obj; write: boolean }[] = [];
  const pick = (table: string, item: Obj): Obj => Object.fromEntries((schemas[table] ?? []).filter((a) => item[a] !== undefined).map((a) => [a, item[a] as Json]));
  const table = String(parsed['TableName'] ?? '');
  if (operation === 'PutItem') out.push({ table, key: pick(table, parsed['Item'] as Obj), write: true });
  if (operation === 'UpdateItem' || operation === 'DeleteItem') out.push({ table, key: parsed['Key'] as Obj, write: true });
  if (operation === 'GetItem') out.push({ table, key: parsed['Key'] as Obj, write: false });
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    for (const t of (parsed['TransactItems'] as Obj[] | undefined) ?? []) {
      for (const [kind, inner] of Object.entries(t) as [string, Obj][]) {
        const tn = String(inner['TableName'] ?? '');
        if (kind === 'Put') out.push({ table: tn, key: pick(tn, inner['Item'] as Obj), write: true });
        else out.push({ table: tn, key: inner['Key'] as Obj, write: kind !== 'Get' && kind !== 'ConditionCheck' });
      }
    }
  }
  if (operation === 'BatchWriteItem') {
    for (const [tn, writes] of Object.entries((parsed['RequestItems'] as Obj | undefined) ?? {}) as [string, Obj[]][]) {
      for (const w of writes) {
        const put = w['PutRequest'] as Obj | undefined;
        const del = w['DeleteRequest'] as Obj | undefined;
        if (put) out.push({ table: tn, key: pick(tn, put['Item'] as Obj), write: true });
        if (del) out.push({ table: tn, key: del['Key'] as Obj, write: true });
      }
    }
  }
  return out;
}

/**
 * The key values of every item the sequence writes. Replaying the sequence with these values
 * renamed gives each copy its own items, so each copy's conditional writes meet the same item
 * states the original met; items it only reads (state machine definitions, reference data)
 * keep their keys and are read as they were.
 */
export function writtenKeyValues(requests: readonly WireRequest[], schemas: KeySchemas): Set<string> {
  const values = new Set<string>();
  for (const r of requests) {
    for (const item of keyedItems(JSON.parse(r.body) as Obj, r.operation, schemas)) {
      if (!item.write) continue;
      for (const v of Object.values(item.key)) {
        const s = (v as Attr | null)?.S;
        if (typeof s === 'string') values.add(s);
      }
    }
  }
  return values;
}

/**
 * The request with every written key value renamed (`value` → `value~suffix`) wherever a key
 * is given: Key, ExclusiveStartKey, key attributes of an Item, and a Query's values; and its
 * ClientRequestToken made the copy's own. Non-key attributes are left alone.
 */
export function rewriteKeys(request: WireRequest, schemas: KeySchemas, written: ReadonlySet<string>, suffix: string): string {
  const parsed = JSON.parse(request.body) as Obj;
  const rename = (attr: Json | undefined): void => {
    if (attr && typeof attr === 'object' && !Array.isArray(attr) && typeof attr['S'] === 'string' && written.has(attr['S'])) attr['S'] = `${attr['S']}~${suffix}`;
  };
  const renameKey = (key: Json | undefined): void => {
    if (key && typeof key === 'object' && !Array.isArray(key)) Object.values(key).forEach(rename);
  };
  const renameItem = (table: string, item: Json | undefined): void => {
    if (item && typeof item === 'object' && !Array.isArray(item)) for (const a of schemas[table] ?? []) rename(item[a]);
  };
  const visit = (o: Obj, table: string): void => {
    renameKey(o['Key']);
    renameKey(o['ExclusiveStartKey']);
    renameItem(table, o['Item']);
  };
  const table = String(parsed['TableName'] ?? '');
  visit(parsed, table);
  // The SDK's idempotency token: the same token with other keys is refused, so each copy gets its own.
  if (typeof parsed['ClientRequestToken'] === 'string') parsed['ClientRequestToken'] = createHash('sha256').update(`${parsed['ClientRequestToken']}~${suffix}`).digest('hex').slice(0, 36);
  if (request.operation === 'Query') renameKey(parsed['ExpressionAttributeValues']);
  for (const t of (parsed['TransactItems'] as Obj[] | undefined) ?? []) for (const inner of Object.values(t) as Obj[]) visit(inner, String(inner['TableName'] ?? ''));
  for (const [tn, writes] of Object.entries((parsed['RequestItems'] as Obj | undefined) ?? {}) as [string, Obj[] | Obj][]) {
    if (Array.isArray(writes)) for (const w of writes as Obj[]) for (const inner of Object.values(w) as Obj[]) visit(inner, tn);
    else for (const k of (writes['Keys'] as Json[] | undefined) ?? []) renameKey(k);
  }
  return JSON.stringify(parsed);
}

/**
 * Capacity units a response reports (`ReturnConsumedCapacity: TOTAL`), summed over tables. When
 * only a total is given, it is read units for reads and write units otherwise.
 */
export function consumedUnits(responseBody: string, kind: RequestKind): { read: number; write: number } {
  const parsed = JSON.parse(responseBody) as { ConsumedCapacity?: unknown };
  const list = Array.isArray(parsed.ConsumedCapacity) ? parsed.ConsumedCapacity : parsed.ConsumedCapacity ? [parsed.ConsumedCapacity] : [];
  let read = 0;
  let write = 0;
  for (const c of list as { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }[]) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (kind === 'read') read += c.CapacityUnits ?? 0;
    else write += c.CapacityUnits ?? 0;
  }
  return { read, write };
}
