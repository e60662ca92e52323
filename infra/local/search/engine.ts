/**
 * The search engine locally: PostgreSQL as PGlite, in process, with the extensions search uses
 * (pg_trgm, fuzzystrmatch, unaccent) and the schema applied. `PgliteEngine` runs the
 * application's statements on it directly (tests, the bench's ceiling); the local edge answers
 * the RDS Data API with it (data-api.ts), so functions reach it exactly as they reach Aurora.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { SqlEngine, SqlParams, SqlRow } from '../../../functions/search/ports';
import { searchSchemaStatements } from '../../search-schema';
import { toPositional } from './sql';

export { toPositional };

const extensions = { pg_trgm, fuzzystrmatch, unaccent };

/**
 * Opens PGlite with search's extensions and applies the schema.
 *
 * In memory (tests, the bench), the database starts from a snapshot of a new one with the schema
 * applied (`dumpDataDir`), kept in the OS temp directory under the hash of PGlite's version and
 * the schema: loading it takes about half the time of making the cluster (initdb) and the schema
 * again, in every test file that searches. The first open of a schema makes the snapshot; a
 * snapshot that fails to load is made again.
 * @param dataDir where the database persists; in memory when absent.
 */
export async function openSearchDatabase(dataDir?: string): Promise<PGlite> {
  const statements = searchSchemaStatements();
  if (dataDir) return withSchema(await PGlite.create({ dataDir, extensions }), statements);
  const file = snapshotFile(statements);
  const snapshot = await readFile(file).catch(() => undefined);
  if (snapshot) {
    const db = await PGlite.create({ extensions, loadDataDir: new Blob([snapshot]) }).catch(() => undefined);
    if (db) return db;
  }
  const db = await withSchema(await PGlite.create({ extensions }), statements);
  await saveSnapshot(db, file).catch((error: unknown) => console.warn(`[search] could not keep a snapshot of the new database: ${(error as Error).message}`));
  return db;
}

async function withSchema(db: PGlite, statements: readonly string[]): Promise<PGlite> {
  for (const statement of statements) await db.exec(statement);
  return db;
}

/** Where the snapshot of a new database with this schema is kept. */
function snapshotFile(statements: readonly string[]): string {
  // The package's own package.json is not among its exports: it sits beside dist/.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const hash = createHash('sha256').update(JSON.stringify({ version, extensions: Object.keys(extensions), statements })).digest('hex').slice(0, 24);
  return path.join(tmpdir(), 'ciss-search-pglite', `${hash}.tar`);
}

/** Writes the snapshot whole or not at all (files opening in parallel may make it at once). */
async function saveSnapshot(db: PGlite, file: string): Promise<void> {
  const dump = await db.dumpDataDir('none');
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/** Search's statements run on PGlite directly, with the same conventions as through the Data API. */
export class PgliteEngine implements SqlEngine {
  constructor(readonly db: PGlite) {}

  async query(sql: string, params?: SqlParams): Promise<readonly SqlRow[]> {
    const { text, values } = toPositional(sql, params);
    const result = await this.db.query<SqlRow>(text, values);
    return result.rows;
  }

  async batch(sql: string, paramSets: readonly SqlParams[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const params of paramSets) {
        const { text, values } = toPositional(sql, params);
        await tx.query(text, values);
      }
    });
  }
}
