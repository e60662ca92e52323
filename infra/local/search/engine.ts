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
import type { SqlEngine, SqlParams, SqlRow, SqlValue } from '../../../functions/search/ports';
import { searchSchemaStatements } from '../../search-schema';

/**
 * Opens PGlite with search's extensions and applies the schema.
 * @param dataDir where the database persists; in memory when absent.
 */
export async function openSearchDatabase(dataDir?: string): Promise<PGlite> {
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm, fuzzystrmatch, unaccent } });
  for (const statement of searchSchemaStatements()) await db.exec(statement);
  return db;
}

/**
 * A statement with the Data API's named parameters (`:name`) as PostgreSQL's positional ones
 * (`$1`), and the values in that order. `::type` casts, quoted strings and quoted identifiers are
 * left alone. A name the parameters lack is an error that names it.
 */
export function toPositional(sql: string, params: SqlParams = {}): { text: string; values: SqlValue[] } {
  const order = new Map<string, number>();
  const values: SqlValue[] = [];
  let text = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      text += sql.slice(i, end);
      i = end;
    } else if (c === '$' && sql.startsWith('$$', i)) {
      const end = sql.indexOf('$$', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
    } else if (c === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (!(name in params)) throw new Error(`SQL parameter :${name} has no value`);
      let n = order.get(name);
      if (n === undefined) {
        values.push(params[name]!);
        n = values.length;
        order.set(name, n);
      }
      text += `$${n}`;
      i += 1 + name.length;
    } else {
      text += c;
      i += 1;
    }
  }
  return { text, values };
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
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
