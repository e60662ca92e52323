/**
 * The RDS Data API, locally: what the edge answers for SigV4 service `rds-data` (REST-JSON,
 * `POST /Execute`, `/BatchExecute`, `/BeginTransaction`, `/CommitTransaction`,
 * `/RollbackTransaction`), on PGlite in a thread of its own (session.ts). Functions reach the search database exactly as they reach
 * Aurora PostgreSQL in AWS (functions/search/adapters/data-api.ts): the same client, the same
 * requests, the answers in the same shapes, the errors under the same names and HTTP statuses.
 *
 * - PGlite opens on the first call (about 2.5 s of its thread's time), not at start: most runs
 *   never search. It runs in a worker thread: the runtime's own thread (the edge, the API, the
 *   Lambdas, the clock) goes on meanwhile, and only JSON and the answers' shapes are made here.
 * - One connection (PGlite has one): statements run one at a time; a transaction holds the
 *   connection from BeginTransaction to its commit, rollback or idle timeout.
 * - Each secret is a database user: every statement runs under its role (`SET ROLE`), so the
 *   database refuses what that user may not do, as Aurora refuses it (grants: schema.sql, last
 *   section). PGlite's own session is a superuser; a statement that set `session_authorization`
 *   could leave its role for the statements it runs itself, which Aurora's users cannot.
 *
 * Requests and answers: https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlEngine, SqlParams, SqlRow, SqlValue } from '../../../functions/search/ports';
import type { EdgeReply } from '../http';
import type { SearchSession, SessionResult, SessionValue } from './session';
import { toPositional } from './sql';

/** Aurora's Data API rolls back a transaction left idle for 3 minutes; locally it also blocks every other statement meanwhile. */
export const TRANSACTION_IDLE_TIMEOUT_MS = 60_000;

/**
 * The Data API ends a call whose answer would pass 1 MiB. (AWS documents 1 MiB for records; the
 * JSON format may allow more: the smaller bound here keeps what passes locally passing in AWS.)
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The largest request the Data API takes (its documented 4 MiB): a batch that passes locally passes in AWS. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Calls `run` after `ms` (wall time); answers a function that cancels it. */
export type IdleTimer = (ms: number, run: () => void) => () => void;

const wallTimer: IdleTimer = (ms, run) => {
  const handle = setTimeout(run, ms);
  handle.unref();
  return () => clearTimeout(handle);
};

export interface LocalDataApiOptions {
  /** The one cluster ARN the local Data API answers for. */
  readonly resourceArn: string;
  /** Each accepted secret's ARN and the database role its statements run as. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The database name the callers name (`SEARCH_DB_NAME`); another is refused as Aurora refuses a database it lacks. */
  readonly database: string;
  /** Opens the database (called once, on the first request): `openSearchWorker`. */
  readonly open: () => Promise<SearchSession>;
  /** @default TRANSACTION_IDLE_TIMEOUT_MS */
  readonly transactionIdleTimeoutMs?: number;
  /** @default wall-clock timers, unref'd */
  readonly timer?: IdleTimer;
}

/** An error answered as the Data API answers it: `x-amzn-ErrorType` and `{ message }`. */
export class DataApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new DataApiError('BadRequestException', 400, message);

/** A Data API `Field` (parameter value or result cell). */
type Field =
  | { isNull: true }
  | { stringValue: string }
  | { longValue: number }
  | { doubleValue: number }
  | { booleanValue: boolean }
  | { blobValue: string }
  | { arrayValue: ArrayValue };
type ArrayValue = { stringValues: string[] } | { longValues: number[] } | { doubleValues: number[] } | { booleanValues: boolean[] } | { arrayValues: ArrayValue[] };

interface SqlParameter {
  readonly name?: string;
  readonly value?: Record<string, unknown>;
  readonly typeHint?: string;
}

/** `typeHint` as the cast PostgreSQL needs for a text value. */
const TYPE_HINTS: Readonly<Record<string, string>> = { DATE: 'date', TIME: 'time', TIMESTAMP: 'timestamp', DECIMAL: 'numeric', UUID: 'uuid', JSON: 'json' };

/** PostgreSQL type OIDs whose values the Data API gives as PostgreSQL writes them (text), not as PGlite parses them. */
const AS_TEXT = [1082, 1083, 1114, 1184, 1186, 1266, 114, 3802, 1700, 2950, 3614];
/** Integer types, which the Data API gives as `longValue`. */
const INTEGER_OIDS = new Set([20, 21, 23, 26]);
/** JDBC type codes by PostgreSQL type name, for `columnMetadata.type`. */
const JDBC_TYPES: Readonly<Record<string, number>> = {
  bool: -7, int2: 5, int4: 4, int8: -5, oid: -5, float4: 7, float8: 8, numeric: 2, text: 12, varchar: 12, bpchar: 1, name: 12,
  date: 91, time: 92, timetz: 92, timestamp: 93, timestamptz: 93, bytea: -2,
};

interface OpenTransaction {
  readonly role: string;
  readonly secretArn: string;
  /** Statements of the transaction, one at a time. */
  readonly lock: Lock;
  /** Gives the connection back. */
  readonly release: () => void;
  cancelTimer: () => void;
}

/** The local Data API: one PGlite, the accepted ARNs, and the transactions under way. */
export class LocalDataApi {
  private db?: Promise<SearchSession>;
  private readonly connection = new Lock();
  private readonly transactions = new Map<string, OpenTransaction>();
  private readonly idleTimeoutMs: number;
  private readonly timer: IdleTimer;
  /** Whether the connection's role may differ from the session's (the direct engine resets it). */
  private roleSet = false;
  private typeNames = new Map<number, string>();

  constructor(private readonly options: LocalDataApiOptions) {
    // Roles are written into `SET ROLE`: plain identifiers only.
    for (const role of Object.values(options.secrets)) if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`Database role ${role} must be a plain lower-case identifier`);
    this.idleTimeoutMs = options.transactionIdleTimeoutMs ?? TRANSACTION_IDLE_TIMEOUT_MS;
    this.timer = options.timer ?? wallTimer;
  }

  /** Whether the database has been opened (by a first request). */
  get opened(): boolean {
    return this.db !== undefined;
  }

  /** The database, opened on first use. */
  database(): Promise<SearchSession> {
    // A failed open is tried again by the next request.
    this.db ??= this.options.open().catch((error: unknown) => {
      this.db = undefined;
      throw error;
    });
    return this.db;
  }

  /**
   * Search's statements run on the same database directly, as the database's owner, outside the
   * Data API (the bench's ceiling, local tools), taking turns with the Data API's statements.
   */
  direct(): SqlEngine {
    return {
      query: async (sql: string, params?: SqlParams) => {
        const { text, values } = toPositional(sql, params);
        const db = await this.database();
        // Handed to the thread in the connection's turn, answered after it (see `run`).
        const answer = await this.inTurn(() => db.query<SqlRow>(text, values, this.ownerRole()));
        return (await answer).rows;
      },
      batch: async (sql: string, paramSets: readonly SqlParams[]) => {
        const db = await this.database();
        const release = await this.connection.acquire();
        try {
          const role = this.ownerRole();
          await db.transaction((tx) => tx.batch(paramSets.map((params) => toPositional(sql, params)), role));
        } finally {
          release();
        }
      },
    };
  }

  /** The owner's role for a direct statement: `RESET ROLE` first when a Data API statement may have left another set. */
  private ownerRole(): { role?: null } {
    if (!this.roleSet) return {};
    this.roleSet = false;
    return { role: null };
  }

  /**
   * Takes the connection's turn, hands one call to the database's thread, and gives the turn back
   * as soon as the call is handed over, not when it is answered: the thread answers its calls one
   * at a time, in the order they came, so the next statement is already waiting there when this
   * one ends, rather than the thread idling until the runtime's busy thread sends it. (A
   * transaction holds the turn from BEGIN to its end, so nothing is handed over in between.)
   */
  private async inTurn<T>(handOver: () => Promise<T>): Promise<Promise<T>> {
    const release = await this.connection.acquire();
    try {
      const answer = handOver();
      // Its failure is the caller's, who awaits it; not an unhandled rejection meanwhile.
      answer.catch(() => undefined);
      return answer;
    } finally {
      release();
    }
  }

  /** Answers one REST-JSON request (`POST /Execute`, …) as the Data API would. */
  async handle(method: string, path: string, body: string): Promise<EdgeReply> {
    const operation = path.split('?')[0] ?? path;
    try {
      if (method !== 'POST' || !Object.hasOwn(OPERATIONS, operation)) throw new DataApiError('UnknownOperationException', 404, `The embedded runtime does not serve ${method} ${operation.replace(/[^A-Za-z0-9/_-]/g, '').slice(0, 60)}`);
      if (Buffer.byteLength(body) > MAX_REQUEST_BYTES) throw badRequest(`The request is larger than the Data API takes (${MAX_REQUEST_BYTES} bytes); send fewer parameter sets per batch`);
      let request: Record<string, unknown>;
      try {
        const parsed: unknown = body ? JSON.parse(body) : {};
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        request = parsed as Record<string, unknown>;
      } catch {
        throw new DataApiError('SerializationException', 400, 'The request body is not a JSON object');
      }
      const out = await OPERATIONS[operation as keyof typeof OPERATIONS].call(this, request);
      return { status: 200, body: out, headers: jsonHeaders() };
    } catch (error) {
      const e = error instanceof DataApiError ? error : new DataApiError('InternalServerErrorException', 500, 'The local Data API failed');
      if (!(error instanceof DataApiError)) console.error(`[data-api] ${(error as Error).message}`);
      return { status: e.status, body: { message: e.message }, headers: { ...jsonHeaders(), 'x-amzn-ErrorType': e.type } };
    }
  }

  /** Rolls back what is under way and closes the database. */
  async close(): Promise<void> {
    for (const [id, tx] of this.transactions) {
      tx.cancelTimer();
      this.transactions.delete(id);
      tx.release();
    }
    const db = this.db;
    this.db = undefined;
    // A database that failed to open has nothing to close.
    if (db) await (await db.catch(() => undefined))?.close();
  }

  /** API_ExecuteStatement. */
  async execute(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const role = this.authorise(request);
    const sql = requiredString(request, 'sql');
    const params = toParams(request['parameters']);
    const options = { json: request['formatRecordsAs'] === 'JSON', metadata: request['includeResultMetadata'] === true, resultSet: resultSetOptions(request['resultSetOptions']) };
    const { text, values } = positional(sql, params);
    const query = (db: SearchSession, as: string) => db.query<unknown[]>(text, values, { textTypes: AS_TEXT, rowMode: 'array', role: as });
    // The column types' names come from the catalogue, read on the same turn of the connection.
    if (options.metadata) {
      return this.run(request, role, async (db, as) => {
        const result = await query(db, as);
        return answer(result, result.fields.length ? await this.columnMetadata(db, result.fields) : undefined, options);
      });
    }
    return answer(await this.run(request, role, query, 'handOver'), undefined, options);
  }

  /** API_BatchExecuteStatement: every parameter set, or none (a batch outside a transaction is one). */
  async batchExecute(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const role = this.authorise(request);
    const sql = requiredString(request, 'sql');
    const sets = request['parameterSets'] === undefined ? [[]] : request['parameterSets'];
    if (!Array.isArray(sets)) throw badRequest('parameterSets must be a list of parameter lists');
    const statements = sets.map((set) => positional(sql, toParams(set)));
    await this.run(request, role, (db, as) => db.batch(statements, { role: as }), 'atomic');
    return { updateResults: statements.map(() => ({ generatedFields: [] })) };
  }

  /** API_BeginTransaction: the connection is the transaction's until it ends. */
  async beginTransaction(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const role = this.authorise(request);
    const db = await this.database();
    const release = await this.connection.acquire();
    try {
      await db.exec('BEGIN');
    } catch (error) {
      release();
      throw sqlError(error);
    }
    const id = randomBytes(48).toString('base64');
    const tx: OpenTransaction = { role, secretArn: String(request['secretArn']), lock: new Lock(), release, cancelTimer: () => undefined };
    this.transactions.set(id, tx);
    this.touch(id, tx);
    return { transactionId: id };
  }

  /** API_CommitTransaction. */
  async commitTransaction(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.endTransaction(request, 'COMMIT');
    return { transactionStatus: 'Transaction Committed' };
  }

  /** API_RollbackTransaction. */
  async rollbackTransaction(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.endTransaction(request, 'ROLLBACK');
    return { transactionStatus: 'Rollback Complete' };
  }

  private async endTransaction(request: Record<string, unknown>, how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.authorise(request);
    const id = requiredString(request, 'transactionId');
    const tx = this.transaction(request, id);
    const db = await this.database();
    const release = await tx.lock.acquire();
    try {
      if (this.transactions.get(id) !== tx) throw transactionNotFound(id);
      this.transactions.delete(id);
      tx.cancelTimer();
      // A failed statement left the transaction aborted: COMMIT then rolls back, as in PostgreSQL.
      await db.exec(how).catch((error: unknown) => Promise.reject(sqlError(error)));
    } finally {
      release();
      if (!this.transactions.has(id)) this.endConnection(tx);
    }
  }

  private endConnection(tx: OpenTransaction): void {
    this.roleSet = true;
    tx.release();
  }

  /** The role of the request's secret, once its cluster, secret and database are the local ones. */
  private authorise(request: Record<string, unknown>): string {
    const resourceArn = requiredString(request, 'resourceArn');
    const secretArn = requiredString(request, 'secretArn');
    if (resourceArn !== this.options.resourceArn) throw new DataApiError('NotFoundException', 404, `The database cluster ${safe(resourceArn)} is not found`);
    const role = Object.hasOwn(this.options.secrets, secretArn) ? this.options.secrets[secretArn] : undefined;
    if (!role) throw new DataApiError('ForbiddenException', 403, `The secret ${safe(secretArn)} does not exist, or the caller may not read it`);
    const database = request['database'];
    if (database !== undefined && database !== this.options.database) throw badRequest(`FATAL: database "${safe(String(database))}" does not exist`);
    return role;
  }

  /**
   * Runs work on the connection as the role (each statement sets it, in its own message to the
   * thread: a statement that reset or changed the role changes nothing for the next): in the
   * request's transaction, or alone; `atomic`: alone in a transaction of its own; `handOver`: one
   * statement, whose turn of the connection ends once it is handed to the thread (inTurn). An
   * error is the statement's.
   */
  private async run<T>(request: Record<string, unknown>, role: string, work: (db: SearchSession, role: string) => Promise<T>, how: 'hold' | 'handOver' | 'atomic' = 'hold'): Promise<T> {
    const db = await this.database();
    const id = request['transactionId'];
    try {
      if (id !== undefined && id !== null) {
        if (typeof id !== 'string') throw badRequest('transactionId must be a string');
        const tx = this.transaction(request, id);
        const release = await tx.lock.acquire();
        try {
          if (this.transactions.get(id) !== tx) throw transactionNotFound(id);
          this.touch(id, tx);
          return await work(db, tx.role);
        } finally {
          release();
        }
      }
      if (how === 'handOver') {
        return await (await this.inTurn(() => {
          this.roleSet = true;
          return work(db, role);
        }));
      }
      const release = await this.connection.acquire();
      try {
        this.roleSet = true;
        if (how === 'hold') return await work(db, role);
        // The work's statements set the role themselves; it lasts until the next statement sets its own.
        return await db.transaction((tx) => work(tx, role));
      } finally {
        release();
      }
    } catch (error) {
      throw sqlError(error);
    }
  }

  private transaction(request: Record<string, unknown>, id: string): OpenTransaction {
    const tx = this.transactions.get(id);
    if (!tx) throw transactionNotFound(id);
    if (tx.secretArn !== request['secretArn']) throw badRequest('The transaction was begun with another secret');
    return tx;
  }

  /** (Re)starts the transaction's idle timeout: when it runs out, the transaction is rolled back. */
  private touch(id: string, tx: OpenTransaction): void {
    tx.cancelTimer();
    tx.cancelTimer = this.timer(this.idleTimeoutMs, () => {
      void this.expire(id, tx);
    });
  }

  private async expire(id: string, tx: OpenTransaction): Promise<void> {
    const release = await tx.lock.acquire();
    try {
      if (this.transactions.get(id) !== tx) return;
      this.transactions.delete(id);
      await (await this.database()).exec('ROLLBACK');
    } catch (error) {
      console.error(`[data-api] rolling back an idle transaction: ${(error as Error).message}`);
    } finally {
      release();
      this.endConnection(tx);
    }
  }

  private async columnMetadata(db: SearchSession, fields: readonly { name: string; dataTypeID: number }[]): Promise<Record<string, unknown>[]> {
    const unknown = [...new Set(fields.map((f) => f.dataTypeID))].filter((oid) => !this.typeNames.has(oid));
    if (unknown.length) {
      // Every role may read the catalogue.
      const { rows } = await db.query<{ oid: number; typname: string }>('SELECT oid::int AS oid, typname::text AS typname FROM pg_type WHERE oid = ANY($1::oid[])', [`{${unknown.join(',')}}`]);
      for (const row of rows) this.typeNames.set(row.oid, row.typname);
    }
    return fields.map((f) => {
      const typeName = this.typeNames.get(f.dataTypeID) ?? 'unknown';
      const array = typeName.startsWith('_');
      return {
        name: f.name,
        label: f.name,
        typeName,
        type: array ? 2003 : (JDBC_TYPES[typeName] ?? 1111),
        arrayBaseColumnType: 0,
        isAutoIncrement: false,
        isCaseSensitive: ['text', 'varchar', 'bpchar', 'name'].includes(typeName),
        isCurrency: typeName === 'money',
        isSigned: ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(typeName),
        nullable: 2,
        precision: 0,
        scale: 0,
        schemaName: '',
        tableName: '',
      };
    });
  }
}

/** The Data API's REST paths and the SDK's names of their operations. */
export const DATA_API_OPERATIONS: Readonly<Record<string, string>> = {
  '/Execute': 'ExecuteStatement',
  '/BatchExecute': 'BatchExecuteStatement',
  '/BeginTransaction': 'BeginTransaction',
  '/CommitTransaction': 'CommitTransaction',
  '/RollbackTransaction': 'RollbackTransaction',
};

const OPERATIONS = {
  '/Execute': LocalDataApi.prototype.execute,
  '/BatchExecute': LocalDataApi.prototype.batchExecute,
  '/BeginTransaction': LocalDataApi.prototype.beginTransaction,
  '/CommitTransaction': LocalDataApi.prototype.commitTransaction,
  '/RollbackTransaction': LocalDataApi.prototype.rollbackTransaction,
} as const;

const jsonHeaders = () => ({ 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() });

const transactionNotFound = (id: string) => new DataApiError('NotFoundException', 404, `Transaction ${safe(id)} is not found`);

/** An ARN or name from a request, as an error message may repeat it. */
const safe = (value: string) => value.replace(/[^A-Za-z0-9:/_.+=@-]/g, '').slice(0, 200);

function requiredString(request: Record<string, unknown>, name: string): string {
  const value = request[name];
  if (typeof value !== 'string' || value === '') throw badRequest(`${name} is required`);
  return value;
}

interface Param {
  readonly value: SessionValue;
  readonly cast?: string;
}

/** The request's `parameters` as values by name, each with the cast its `typeHint` asks for. */
function toParams(parameters: unknown): Map<string, Param> {
  const out = new Map<string, Param>();
  if (parameters === undefined) return out;
  if (!Array.isArray(parameters)) throw badRequest('parameters must be a list');
  for (const p of parameters as SqlParameter[]) {
    if (!p || typeof p.name !== 'string' || !p.name) throw badRequest('Every parameter needs a name');
    const hint = p.typeHint;
    if (hint !== undefined && !(hint in TYPE_HINTS)) throw badRequest(`Parameter ${p.name}: typeHint ${safe(String(hint))} is not one of ${Object.keys(TYPE_HINTS).join(', ')}`);
    out.set(p.name, { value: paramValue(p.name, p.value), cast: hint ? TYPE_HINTS[hint] : undefined });
  }
  return out;
}

function paramValue(name: string, value: Record<string, unknown> | undefined): SessionValue {
  const [key, v] = Object.entries(value ?? {})[0] ?? [];
  switch (key) {
    case 'isNull':
      return null;
    case 'stringValue':
      if (typeof v === 'string') return v;
      break;
    case 'longValue':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      break;
    case 'doubleValue':
      if (typeof v === 'number') return v;
      break;
    case 'booleanValue':
      if (typeof v === 'boolean') return v;
      break;
    case 'blobValue':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      break;
    case 'arrayValue':
      throw badRequest(`Parameter ${name}: array parameters are not supported`);
  }
  throw badRequest(`Parameter ${name} has no value`);
}

/** The statement with positional parameters; a missing one is the caller's error. */
function positional(sql: string, params: Map<string, Param>): { text: string; values: SessionValue[] } {
  const values: Record<string, SqlValue> = {};
  const casts: Record<string, string> = {};
  const blobs = new Map<string, Uint8Array>();
  for (const [name, p] of params) {
    if (p.value instanceof Uint8Array) blobs.set(name, p.value);
    values[name] = p.value instanceof Uint8Array ? null : p.value;
    if (p.cast) casts[name] = p.cast;
  }
  try {
    const { text, values: ordered, names } = toPositional(sql, values, casts);
    return { text, values: ordered.map((v, i) => blobs.get(names[i] ?? '') ?? v) };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

interface ResultSet {
  readonly decimalAsNumber: boolean;
  readonly longAsString: boolean;
}

function resultSetOptions(value: unknown): ResultSet {
  const o = (value ?? {}) as { decimalReturnType?: unknown; longReturnType?: unknown };
  return { decimalAsNumber: o.decimalReturnType === 'DOUBLE_OR_LONG', longAsString: o.longReturnType === 'STRING' };
}

/** The answer to ExecuteStatement: rows as `records` or `formattedRecords`, as asked. */
function answer(result: SessionResult<unknown[]>, metadata: Record<string, unknown>[] | undefined, options: { json: boolean; resultSet: ResultSet }): Record<string, unknown> {
  const out: Record<string, unknown> = { numberOfRecordsUpdated: result.affectedRows ?? 0 };
  if (metadata) out['columnMetadata'] = metadata;
  if (!result.fields.length) return options.json ? { ...out, formattedRecords: '[]' } : out;
  const integer = result.fields.map((f) => INTEGER_OIDS.has(f.dataTypeID));
  if (options.json) {
    const rows = result.rows.map((row) => Object.fromEntries(result.fields.map((f, i) => [f.name, jsonValue(row[i], integer[i] ?? false, options.resultSet)])));
    out['formattedRecords'] = JSON.stringify(rows);
  } else {
    out['records'] = result.rows.map((row) => row.map((cell, i) => field(cell, integer[i] ?? false, options.resultSet)));
  }
  const size = Buffer.byteLength(typeof out['formattedRecords'] === 'string' ? out['formattedRecords'] : JSON.stringify(out['records']));
  if (size > MAX_RESPONSE_BYTES) throw badRequest('Database returned more than the allowed response size limit');
  return out;
}

/** A cell as a `Field`. */
function field(cell: unknown, integer: boolean, options: ResultSet): Field {
  if (cell === null || cell === undefined) return { isNull: true };
  if (typeof cell === 'boolean') return { booleanValue: cell };
  if (typeof cell === 'bigint') return options.longAsString ? { stringValue: cell.toString() } : { longValue: Number(cell) };
  if (typeof cell === 'number') {
    if (integer) return options.longAsString ? { stringValue: String(cell) } : { longValue: cell };
    return { doubleValue: cell };
  }
  if (cell instanceof Uint8Array) return { blobValue: Buffer.from(cell).toString('base64') };
  if (Array.isArray(cell)) return { arrayValue: arrayValue(cell) };
  return { stringValue: String(cell) };
}

function arrayValue(cells: readonly unknown[]): ArrayValue {
  const present = cells.filter((c) => c !== null && c !== undefined);
  const first = present[0];
  if (Array.isArray(first)) return { arrayValues: cells.map((c) => arrayValue(Array.isArray(c) ? c : [])) };
  if (typeof first === 'boolean') return { booleanValues: cells as boolean[] };
  if (typeof first === 'number') return Number.isInteger(first) && present.every((c) => Number.isInteger(c)) ? { longValues: cells as number[] } : { doubleValues: cells as number[] };
  return { stringValues: cells.map((c) => (c === null || c === undefined ? (c as unknown as string) : String(c))) };
}

/** A cell in `formattedRecords`. */
function jsonValue(cell: unknown, integer: boolean, options: ResultSet): unknown {
  if (typeof cell === 'bigint') return options.longAsString ? cell.toString() : Number(cell);
  if (typeof cell === 'number' && integer && options.longAsString) return String(cell);
  if (cell instanceof Uint8Array) return Buffer.from(cell).toString('base64');
  if (typeof cell === 'string' && options.decimalAsNumber && /^-?\d+(\.\d+)?$/.test(cell)) return Number(cell);
  return cell ?? null;
}

/**
 * A database error as Aurora's Data API reports it: BadRequestException, PostgreSQL's message as
 * `ERROR: …`, then its position and SQLState (and detail, which may hold values: the adapter
 * drops it before anything logs it).
 */
function sqlError(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  const e = error as { message?: string; severity?: string; code?: string; position?: string; detail?: string };
  if (!e.code) return badRequest(e.message ?? 'The statement failed');
  const lines = [`${e.severity ?? 'ERROR'}: ${e.message ?? ''}`];
  if (e.detail) lines.push(`  Detail: ${e.detail}`);
  lines.push(`  ${e.position ? `Position: ${e.position}; ` : ''}SQLState: ${e.code}`);
  return badRequest(lines.join('\n'));
}

/** One holder at a time, in the order they asked. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const turn = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return turn;
  }
}
