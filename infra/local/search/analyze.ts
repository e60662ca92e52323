/**
 * When the local search database gathers its planner statistics. PGlite is PostgreSQL in one
 * process with no background workers: no autovacuum, so no autoanalyze. Without ANALYZE the
 * planner guesses the tables' sizes and value spreads, and at 100,000 records or more a guess can
 * turn a trigram-index lookup into a scan of every name. Aurora's autovacuum analyzes a table once
 * `autovacuum_analyze_threshold` (50) + `autovacuum_analyze_scale_factor` (0.1) × its rows have
 * changed; the worker (worker.ts) does the same here, counting the rows each call changed.
 */

/** The tables search reads with indexes whose use depends on statistics. */
export const ANALYZED_TABLES = ['search_record', 'search_name', 'search_identifier'] as const;
export const ANALYZE_SQL = `ANALYZE ${ANALYZED_TABLES.join(', ')}`;
/** The rows the search tables hold, as the last ANALYZE counted them (-1 for a table never analyzed: none). */
export const ANALYZED_ROWS_SQL = `SELECT coalesce(sum(greatest(reltuples, 0)), 0)::float8 AS rows FROM pg_class WHERE relname IN (${ANALYZED_TABLES.map((t) => `'${t}'`).join(', ')})`;

/** As autovacuum's analyze threshold: this many changed rows, plus SCALE of the rows last counted. */
export const ANALYZE_BASE = 500;
export const ANALYZE_SCALE = 0.1;

/**
 * The records a statement changed, from its text and its answer: search_apply's outcome
 * (`applied` + `removed`), or a plain INSERT/UPDATE/DELETE's affected rows on a search table.
 * A read, or a write elsewhere (the query log), changes none.
 */
export function changedRows(text: string, result: { readonly rows: readonly unknown[]; readonly affectedRows?: number }): number {
  if (/\bsearch_apply\s*\(/i.test(text)) {
    const first = result.rows[0];
    const cells = Array.isArray(first) ? first : first && typeof first === 'object' ? Object.values(first) : [];
    for (const cell of cells) {
      const outcome = typeof cell === 'string' ? parse(cell) : cell;
      if (outcome && typeof outcome === 'object') {
        const { applied, removed } = outcome as { applied?: unknown; removed?: unknown };
        return (typeof applied === 'number' ? applied : 0) + (typeof removed === 'number' ? removed : 0);
      }
    }
    return 0;
  }
  if (/^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(public\.)?search_(record|name|identifier)\b/i.test(text)) return result.affectedRows ?? 0;
  return 0;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Counts changed rows and says when enough have changed to ANALYZE again. */
export class AnalyzePolicy {
  private changed = 0;
  private rows = 0;

  /** Adds rows a call changed. */
  add(changed: number): void {
    this.changed += changed;
  }

  /** Whether enough rows changed since the last ANALYZE (ANALYZE_BASE + ANALYZE_SCALE × the rows then). */
  due(): boolean {
    return this.changed >= ANALYZE_BASE + ANALYZE_SCALE * this.rows;
  }

  /** An ANALYZE ran and counted `rows` rows in the search tables. */
  analyzed(rows: number): void {
    this.changed = 0;
    this.rows = rows;
  }
}
