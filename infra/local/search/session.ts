/**
 * The search database's one connection, in a thread of its own. PGlite is PostgreSQL compiled to
 * WebAssembly: it computes on the thread that calls it. On the runtime's main thread (the edge,
 * the API, the Lambdas, the Step Functions emulator, the clock) its first open held everything up
 * for seconds and every search for its length; in a worker thread (worker.ts) it holds up nothing
 * but itself. This is the main thread's side: each call is a message to the worker and its answer.
 *
 * - The session is one connection, as PGlite has one: callers take turns (the Data API's lock);
 *   the worker also answers messages one at a time, in the order they came.
 * - The worker loads TypeScript through tsx (worker.mjs), the same under `npm start`, tsx scripts
 *   and jest; it imports nothing of the runtime, only PGlite, the extensions and the schema.
 * - The worker keeps the process alive only while a call is under way; `close()` ends it.
 */
import { Worker } from 'node:worker_threads';
import type { SqlValue } from '../../../functions/search/ports';

/** A value a statement takes: the Data API's values, and bytes for a blob. */
export type SessionValue = SqlValue | Uint8Array;

/** A column of an answer, as PostgreSQL describes it. */
export interface SessionField {
  readonly name: string;
  readonly dataTypeID: number;
}

/** A statement's answer: rows as arrays or as objects by column, as asked. */
export interface SessionResult<R> {
  readonly rows: R[];
  readonly fields: readonly SessionField[];
  readonly affectedRows?: number;
}

export interface SessionQueryOptions {
  /** Rows as arrays of cells (the Data API's `records`) rather than objects by column. @default 'object' */
  readonly rowMode?: 'array' | 'object';
  /** Type OIDs whose values come back as PostgreSQL writes them (text), not parsed. @default none */
  readonly textTypes?: readonly number[];
  /**
   * The role the statement runs as: `SET ROLE` (null: `RESET ROLE`, the owner) on the thread, just
   * before the statement, in the same turn (one message, not two; nothing runs in between).
   * @default the role the connection has
   */
  readonly role?: string | null;
}

/** Whether a role may be written into `SET ROLE`: a plain lower-case identifier. */
export const isPlainRole = (role: string): boolean => /^[a-z_][a-z0-9_]*$/.test(role);

export interface SessionStatement {
  readonly text: string;
  readonly values: readonly SessionValue[];
}

/** The search database's connection, as the local Data API and `direct()` use it. */
export interface SearchSession {
  /** Runs SQL without parameters (one or more statements): BEGIN, SET ROLE, COMMIT. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with positional parameters (`$1`). */
  query<R = Record<string, unknown>>(text: string, values?: readonly SessionValue[], options?: SessionQueryOptions): Promise<SessionResult<R>>;
  /** Runs statements one after the other, in one message; the first that fails stops the rest and is the error. `role` as for query. */
  batch(statements: readonly SessionStatement[], options?: { readonly role?: string | null }): Promise<void>;
  /** Runs work between BEGIN and COMMIT; ROLLBACK when it fails. The caller holds the connection meanwhile. */
  transaction<T>(work: (session: SearchSession) => Promise<T>): Promise<T>;
  /**
   * Gathers the search tables' planner statistics now (ANALYZE, as the database's owner). The
   * worker also does it by itself once enough rows changed (analyze.ts); a bulk load that wants
   * its plans right at once (the bench) asks.
   */
  analyze(): Promise<void>;
  /** Closes the database and ends its thread. */
  close(): Promise<void>;
}

/** A database error as PostgreSQL reports it, across the thread (its fields survive the message). */
export class SearchDatabaseError extends Error {
  readonly code?: string;
  readonly severity?: string;
  readonly position?: string;
  readonly detail?: string;

  constructor(error: SerializedError) {
    super(error.message);
    this.name = 'SearchDatabaseError';
    this.code = error.code;
    this.severity = error.severity;
    this.position = error.position;
    this.detail = error.detail;
  }
}

/** What the worker is given (`workerData`). */
export interface WorkerData {
  /** Where the database persists; in memory when absent. */
  readonly dataDir?: string;
  /** Set to 1 once the database is open (`SearchWorkerOptions.openedFlag`). */
  readonly openedFlag?: Int32Array;
}

export interface SearchWorkerOptions {
  /**
   * One word of shared memory (an Int32Array over a SharedArrayBuffer, 0 at the start) that the
   * database's thread sets to 1, and wakes `Atomics.wait` on, once the database is open, before
   * its `ready` message: seen by a thread that is not turning its event loop (a test that holds
   * the caller's thread still while the database opens, to show the open needs none of it).
   */
  readonly openedFlag?: Int32Array;
}

/** A call to the worker. */
export type WorkerCall =
  | { readonly op: 'exec'; readonly sql: string }
  | { readonly op: 'query'; readonly text: string; readonly values: readonly SessionValue[]; readonly rowMode: 'array' | 'object'; readonly textTypes: readonly number[]; readonly role?: string | null }
  | { readonly op: 'batch'; readonly statements: readonly SessionStatement[]; readonly role?: string | null }
  | { readonly op: 'analyze' }
  | { readonly op: 'close' };
/** A call to the worker, numbered for its answer. */
export type WorkerRequest = WorkerCall & { readonly id: number };

/** An error's fields that cross the thread (a structured clone keeps an Error's message only). */
export interface SerializedError {
  readonly message: string;
  readonly code?: string;
  readonly severity?: string;
  readonly position?: string;
  readonly detail?: string;
}

/** What the worker says: opened (or not), then one answer per call. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | { readonly type: 'answer'; readonly id: number; readonly ok: true; readonly result?: SessionResult<unknown> }
  | { readonly type: 'answer'; readonly id: number; readonly ok: false; readonly error: SerializedError };

/** The worker's entry: a JavaScript file that loads worker.ts through tsx. */
const WORKER_ENTRY = new URL('./worker.mjs', import.meta.url);

/**
 * Starts the search database's thread, which opens PGlite with search's extensions and schema
 * (about 2.5 s of its own time); answers the session once the database is open.
 * @param dataDir where the database persists; in memory when absent.
 * @param options `openedFlag`: shared memory set once the database is open.
 */
export function openSearchWorker(dataDir?: string, options: SearchWorkerOptions = {}): Promise<SearchSession> {
  const data: WorkerData = { dataDir, ...(options.openedFlag ? { openedFlag: options.openedFlag } : {}) };
  // No inherited flags (jest's --experimental-vm-modules, npm start's --import tsx): worker.mjs loads what it needs.
  const worker = new Worker(WORKER_ENTRY, { workerData: data, execArgv: [], name: 'ciss-search-db' });
  return new Promise((resolve, reject) => {
    const session = new WorkerSession(worker, (error) => {
      if (error) {
        reject(error);
        void worker.terminate();
      } else resolve(session);
    });
  });
}

type Pending = { resolve: (value: SessionResult<unknown> | undefined) => void; reject: (error: Error) => void };

class WorkerSession implements SearchSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped?: Error;

  constructor(
    private readonly worker: Worker,
    opened: (error?: Error) => void,
  ) {
    let starting = true;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready' || message.type === 'failed') {
        starting = false;
        worker.unref();
        opened(message.type === 'failed' ? new SearchDatabaseError(message.error) : undefined);
        return;
      }
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.ok) call.resolve(message.result);
      else call.reject(new SearchDatabaseError(message.error));
    });
    const stop = (error: Error) => {
      this.stopped ??= error;
      if (starting) {
        starting = false;
        opened(error);
      }
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error: Error) => stop(new Error(`The search database's thread failed: ${error.message}`)));
    worker.on('exit', (code) => stop(new Error(`The search database's thread has stopped (exit code ${code})`)));
  }

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  async query<R>(text: string, values: readonly SessionValue[] = [], options: SessionQueryOptions = {}): Promise<SessionResult<R>> {
    if (typeof options.role === 'string' && !isPlainRole(options.role)) throw new Error(`Database role ${options.role} must be a plain lower-case identifier`);
    const result = await this.call({ op: 'query', text, values, rowMode: options.rowMode ?? 'object', textTypes: options.textTypes ?? [], ...(options.role !== undefined ? { role: options.role } : {}) });
    return result as SessionResult<R>;
  }

  async batch(statements: readonly SessionStatement[], options: { readonly role?: string | null } = {}): Promise<void> {
    if (typeof options.role === 'string' && !isPlainRole(options.role)) throw new Error(`Database role ${options.role} must be a plain lower-case identifier`);
    await this.call({ op: 'batch', statements, ...(options.role !== undefined ? { role: options.role } : {}) });
  }

  async transaction<T>(work: (session: SearchSession) => Promise<T>): Promise<T> {
    await this.exec('BEGIN');
    let out: T;
    try {
      out = await work(this);
    } catch (error) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.exec('COMMIT');
    return out;
  }

  async analyze(): Promise<void> {
    await this.call({ op: 'analyze' });
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.call({ op: 'close' }).catch(() => undefined);
    this.stopped ??= new Error("The search database's thread has been closed");
    await this.worker.terminate();
  }

  private call(request: WorkerCall): Promise<SessionResult<unknown> | undefined> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The process stays alive while a call is under way, not for an idle database.
      if (this.pending.size === 1) this.worker.ref();
      const message: WorkerRequest = { ...request, id };
      this.worker.postMessage(message);
    });
  }
}
