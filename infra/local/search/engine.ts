/**
 * The search engine locally: PostgreSQL as PGlite, in process, with the extensions search uses
 * (pg_trgm, fuzzystrmatch, unaccent) and the schema applied. `PgliteEngine` runs the
 * application's statements on it directly (tests, the bench's ceiling); the local edge answers
 * the RDS Data API with it (data-api.ts), so functions reach it exactly as they reach Aurora.
 */
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { SqlEngine, SqlParams, SqlRow } from '../../../functions/search/ports';
import { searchSchemaStatements } from '../../search-schema';
import { toPositional } from './sql';

export { toPositional };

/**
 * Opens PGlite with search's extensions and applies the schema.
 * @param dataDir where the database persists; in memory when absent.
 */
export async function openSearchDatabase(dataDir?: string): Promise<PGlite> {
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm, fuzzystrmatch, unaccent } });
  for (const statement of searchSchemaStatements()) await db.exec(statement);
  return db;
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
