/**
 * The search database's application users and what each may do, as SQL the migration runs after
 * the schema.
 *
 * The schema (functions/search/schema.sql) carries its own table grants in its last section, the
 * same on PGlite and Aurora; when it does, only the database-level hardening below is added here.
 * Until it does, the fallback grants:
 * - `search_query` (the search routes): reads every table, and writes the query log
 *   (`search_query`: each search's words, kept beside the audit trail).
 * - `search_ingest` (ingestion): reads and writes every table but the query log, which it never
 *   sees.
 * - `search_purge` (the query log's retention): deletes from the query log and reads its dates,
 *   nothing else.
 * Either way neither may create anything: objects are the admin user's, made by the migration.
 */
import type { SearchDbAccess } from '../../manifest';

export const SEARCH_DB_USERS: Readonly<Record<SearchDbAccess, string>> = { query: 'search_query', ingest: 'search_ingest', purge: 'search_purge' };

/** The table of query words: the query user's to write, never the ingest user's to read. */
const QUERY_LOG_TABLE = 'search_query';

/** Tables the schema creates, in order (`CREATE TABLE IF NOT EXISTS <name>`). */
export function schemaTables(statements: readonly string[]): string[] {
  return statements.flatMap((statement) => [...statement.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)].map((m) => (m[1] ?? '').toLowerCase()));
}

/** Whether the schema grants the users their rights itself (its "who may do what" section). */
export function schemaGrantsUsers(statements: readonly string[]): boolean {
  const users = Object.values(SEARCH_DB_USERS).join('|');
  return statements.some((statement) => new RegExp(`\\bGRANT\\b[\\s\\S]*\\bTO\\s+(${users})\\b`, 'i').test(statement));
}

/** The grant statements for the users, on the tables of `statements`, in database `database`. */
export function searchDbGrantStatements(database: string, statements: readonly string[]): string[] {
  const { query, ingest, purge } = SEARCH_DB_USERS;
  const users = Object.values(SEARCH_DB_USERS).join(', ');
  const hardening = [
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `REVOKE ALL ON DATABASE ${database} FROM PUBLIC`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${users}`,
    `GRANT USAGE ON SCHEMA public TO ${users}`,
  ];
  if (schemaGrantsUsers(statements)) return hardening;
  const tables = schemaTables(statements);
  const ingestTables = tables.filter((t) => t !== QUERY_LOG_TABLE);
  return [
    ...hardening,
    ...(tables.length > 0 ? [`GRANT SELECT ON ${tables.join(', ')} TO ${query}`] : []),
    ...(tables.includes(QUERY_LOG_TABLE) ? [`GRANT INSERT ON ${QUERY_LOG_TABLE} TO ${query}`] : []),
    ...(ingestTables.length > 0 ? [`GRANT SELECT, INSERT, UPDATE, DELETE ON ${ingestTables.join(', ')} TO ${ingest}`] : []),
    ...(tables.includes(QUERY_LOG_TABLE) ? [`REVOKE ALL ON ${QUERY_LOG_TABLE} FROM ${ingest}`] : []),
    ...(tables.includes(QUERY_LOG_TABLE) ? [`GRANT SELECT (at), DELETE ON ${QUERY_LOG_TABLE} TO ${purge}`] : []),
  ];
}
