/**
 * The engine search runs on, as the use cases see it: SQL with named parameters (`:name`), the
 * RDS Data API's own style, so the same statements run on Aurora PostgreSQL through the Data API in
 * AWS and on PGlite locally (the local edge answers the Data API, infra/local/search/).
 *
 * Conventions every statement keeps, so both back-ends return the same values:
 * - parameters are text, numbers, booleans or null; dates, JSON and arrays are passed as text and
 *   cast in SQL (`:dob::date`, `:body::jsonb`);
 * - results are text, numbers, booleans or null; a statement casts dates, timestamps and JSON to
 *   text (`event_date::text`, `body::text`) and the caller parses them.
 */
export type SqlValue = string | number | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;
export type SqlRow = Readonly<Record<string, SqlValue>>;

export interface SqlEngine {
  /** Runs one statement; answers its rows (none for a statement that returns none). */
  query(sql: string, params?: SqlParams): Promise<readonly SqlRow[]>;
  /** Runs one statement once per parameter set, in one round trip (BatchExecuteStatement). */
  batch(sql: string, paramSets: readonly SqlParams[]): Promise<void>;
}
