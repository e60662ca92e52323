/**
 * The search database's thread (session.ts starts it through worker.mjs): opens PGlite with
 * search's extensions and schema, says it is ready, then answers the session's calls one at a
 * time, in the order they came. PostgreSQL's errors go back with their fields (code, position…).
 *
 * It also does autovacuum's one job search needs, which PGlite has nobody for: ANALYZE the search
 * tables once enough rows changed (analyze.ts), between calls and never inside a transaction, and
 * once on opening a database kept on disk (`npm start`), whose rows were written by earlier runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { ANALYZE_SQL, ANALYZED_ROWS_SQL, AnalyzePolicy, changedRows } from './analyze';
import { openSearchDatabase } from './engine';
import { isPlainRole, type SerializedError, type SessionResult, type WorkerData, type WorkerMessage, type WorkerRequest } from './session';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as the search database thread (session.ts starts it)');

const send = (message: WorkerMessage) => port.postMessage(message);

/** The fields of a PGlite (PostgreSQL) error that the Data API reports. */
function serialize(error: unknown): SerializedError {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; severity?: unknown; position?: unknown; detail?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { message: text(e.message) ?? String(error), code: text(e.code), severity: text(e.severity), position: text(e.position), detail: text(e.detail) };
}

const textParsers = new Map<string, Record<number, (value: string) => string>>();
/** Parsers that leave these types' values as PostgreSQL writes them. */
function asText(oids: readonly number[]): Record<number, (value: string) => string> {
  const key = oids.join(',');
  let parsers = textParsers.get(key);
  if (!parsers) textParsers.set(key, (parsers = Object.fromEntries(oids.map((oid) => [oid, (value: string) => value]))));
  return parsers;
}

const policy = new AnalyzePolicy();

/** ANALYZE as the database's owner (a role the Data API set for its secret is put back after). */
async function analyze(db: PGlite): Promise<void> {
  const [current] = (await db.query<{ role: string }>("SELECT current_setting('role') AS role")).rows;
  const role = current?.role ?? 'none';
  if (role !== 'none') await db.exec('RESET ROLE');
  try {
    await db.exec(ANALYZE_SQL);
  } finally {
    if (role !== 'none' && /^[a-z_][a-z0-9_]*$/.test(role)) await db.exec(`SET ROLE ${role}`);
  }
  const [counted] = (await db.query<{ rows: number }>(ANALYZED_ROWS_SQL)).rows;
  policy.analyzed(counted?.rows ?? 0);
}

/** The role a statement asked to run as (session.ts checked it is a plain identifier; checked again here, as it is written into SQL). */
async function setRole(db: PGlite, role: string | null | undefined): Promise<void> {
  if (role === undefined) return;
  if (role === null) return void (await db.exec('RESET ROLE'));
  if (!isPlainRole(role)) throw new Error(`Database role ${role} must be a plain lower-case identifier`);
  await db.exec(`SET ROLE ${role}`);
}

async function perform(db: PGlite, request: WorkerRequest): Promise<SessionResult<unknown> | undefined> {
  switch (request.op) {
    case 'exec':
      await db.exec(request.sql);
      return undefined;
    case 'query': {
      await setRole(db, request.role);
      const result = await db.query<unknown>(request.text, [...request.values], { rowMode: request.rowMode, parsers: asText(request.textTypes) });
      policy.add(changedRows(request.text, result));
      return { rows: result.rows, fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), affectedRows: result.affectedRows };
    }
    case 'batch':
      await setRole(db, request.role);
      for (const statement of request.statements) policy.add(changedRows(statement.text, await db.query(statement.text, [...statement.values])));
      return undefined;
    case 'analyze':
      await analyze(db);
      return undefined;
    case 'close':
      await db.close();
      return undefined;
  }
}

const { dataDir, openedFlag } = workerData as WorkerData;
try {
  const db = await openSearchDatabase(dataDir);
  // A database kept on disk holds what earlier runs wrote, perhaps never analyzed.
  if (dataDir) await analyze(db);
  // One call at a time, in order: a call's statements never interleave with the next call's.
  let turn = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    turn = turn.then(async () => {
      try {
        send({ type: 'answer', id: request.id, ok: true, result: await perform(db, request) });
      } catch (error) {
        send({ type: 'answer', id: request.id, ok: false, error: serialize(error) });
      }
      // Enough rows changed: ANALYZE before the next call (which waits its turn), outside any transaction.
      if (request.op !== 'close' && policy.due() && !db.isInTransaction()) {
        await analyze(db).catch((error: unknown) => console.warn(`[search] ANALYZE failed: ${serialize(error).message}`));
      }
    });
  });
  if (openedFlag) {
    Atomics.store(openedFlag, 0, 1);
    Atomics.notify(openedFlag, 0);
  }
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', error: serialize(error) });
}
