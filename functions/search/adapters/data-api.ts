/**
 * The search engine as functions reach it: Aurora PostgreSQL through the RDS Data API, or, with
 * `AWS_ENDPOINT_URL` set, the local edge's Data API on PGlite (infra/local/search/data-api.ts). No
 * connection pool: each statement is one HTTPS request.
 */
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  RDSDataServiceException,
  type RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { loadEnv, nonEmpty, type EnvOf } from '#shared/env';
import type { SqlEngine, SqlParams, SqlRow, SqlValue } from '../ports';

/** Where the search database is: the cluster, the secret of this function's database user, the database. */
export const SearchDbEnvSchema = { SEARCH_DB_ARN: nonEmpty, SEARCH_DB_SECRET_ARN: nonEmpty, SEARCH_DB_NAME: nonEmpty };
export type SearchDbEnv = EnvOf<typeof SearchDbEnvSchema>;

/** How a function uses the search database: as which of its users (infra/manifest/search.ts). */
export type SearchDbAccess = 'query' | 'ingest' | 'purge';

/**
 * The search database from the function's environment, as the user for `access` (fails naming
 * the missing variable). Each access has its own variable for its secret
 * (`SEARCH_DB_QUERY_SECRET_ARN`, `SEARCH_DB_INGEST_SECRET_ARN`): locally the functions share one
 * process environment, where one name could not hold two secrets.
 */
export function searchDbEnv(access: SearchDbAccess, source: NodeJS.ProcessEnv = process.env): SearchDbEnv {
  const secret = `SEARCH_DB_${access.toUpperCase()}_SECRET_ARN`;
  const { SEARCH_DB_ARN, SEARCH_DB_NAME } = loadEnv({ SEARCH_DB_ARN: nonEmpty, SEARCH_DB_NAME: nonEmpty }, source);
  const secrets: Record<string, typeof nonEmpty> = { [secret]: nonEmpty };
  return { SEARCH_DB_ARN, SEARCH_DB_SECRET_ARN: String(loadEnv(secrets, source)[secret]), SEARCH_DB_NAME };
}

/**
 * A statement the engine refused or could not run. The message says what went wrong with the
 * statement (the Data API's error name, PostgreSQL's first line, its SQLState) and never the
 * parameters' values, which may name people: PostgreSQL's `Detail:` lines and the value it quotes
 * after "invalid input syntax …:" are left out.
 */
export class SearchEngineFailed extends Error {
  override readonly name = 'SearchEngineFailed';
  constructor(
    /** The Data API's error name (`BadRequestException`, `ForbiddenException`, …). */
    readonly type: string,
    /** PostgreSQL's SQLSTATE, when the database answered one (`42P01`, `42501`, …). */
    readonly sqlState: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Search's statements on the Data API: `formatRecordsAs: 'JSON'` for rows, BatchExecuteStatement for batches. */
export class DataApiEngine implements SqlEngine {
  private readonly target: { resourceArn: string; secretArn: string; database: string };

  constructor(
    private readonly client: RDSDataClient,
    env: SearchDbEnv,
  ) {
    this.target = { resourceArn: env.SEARCH_DB_ARN, secretArn: env.SEARCH_DB_SECRET_ARN, database: env.SEARCH_DB_NAME };
  }

  async query(sql: string, params: SqlParams = {}): Promise<readonly SqlRow[]> {
    const out = await this.send(() => this.client.send(new ExecuteStatementCommand({ ...this.target, sql, parameters: toSqlParameters(params), formatRecordsAs: 'JSON' })));
    if (out.formattedRecords === undefined || out.formattedRecords === '') return [];
    return parseRecords(out.formattedRecords);
  }

  async batch(sql: string, paramSets: readonly SqlParams[]): Promise<void> {
    if (!paramSets.length) return;
    await this.send(() => this.client.send(new BatchExecuteStatementCommand({ ...this.target, sql, parameterSets: paramSets.map(toSqlParameters) })));
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw engineFailure(error);
    }
  }
}

/** A parameter as the Data API's SqlParameter: text, a whole number, a double, a boolean or null. */
export function toSqlParameters(params: SqlParams): SqlParameter[] {
  return Object.entries(params).map(([name, value]) => ({ name, value: fieldOf(name, value) }));
}

function fieldOf(name: string, value: SqlValue): NonNullable<SqlParameter['value']> {
  if (value === null) return { isNull: true };
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { booleanValue: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`SQL parameter :${name} must be a finite number`);
      return Number.isSafeInteger(value) ? { longValue: value } : { doubleValue: value };
  }
  throw new TypeError(`SQL parameter :${name} must be text, a number, a boolean or null`);
}

/**
 * `formattedRecords`: a JSON array of objects whose values are text, numbers, booleans or null
 * (ports.ts). Checked by a loop rather than a zod schema: a name query answers up to 400 rows of
 * 19 columns, which zod's union per cell took 5 to 10 ms of the function's time to check (the JSON
 * itself parses in about 1 ms).
 */
export function parseRecords(text: string): SqlRow[] {
  const parsed: unknown = JSON.parse(text);
  const refuse = (where: string) =>
    new SearchEngineFailed('UnsupportedResult', undefined, `Search engine: a result column (${where}) is not text, a number, a boolean or null; cast it in SQL (::text)`);
  if (!Array.isArray(parsed)) throw refuse('');
  parsed.forEach((row: unknown, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw refuse(String(i));
    for (const [column, cell] of Object.entries(row)) {
      if (cell !== null && typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean') throw refuse(`${i}.${column}`);
    }
  });
  return parsed as SqlRow[];
}

/** An error of the Data API (or the SDK) as SearchEngineFailed, its message without values. */
export function engineFailure(error: unknown): Error {
  if (error instanceof SearchEngineFailed) return error;
  if (!(error instanceof RDSDataServiceException)) {
    // Network failures, timeouts: the SDK's own message names no value of ours.
    return error instanceof Error ? error : new Error(String(error));
  }
  const sqlState = /SQLState: ([0-9A-Z]{5})/.exec(error.message)?.[1];
  const first = (error.message.split('\n')[0] ?? '').trim();
  const problem = first
    .replace(/\s*;?\s*(?:Detail|Where|Hint|Position|SQLState):.*$/, '')
    .replace(/(invalid input (?:syntax|value) for [^:]*): .*$/, '$1: (value left out)')
    .replace(/(Key \().*$/, '$1…)');
  return new SearchEngineFailed(error.name, sqlState, `Search engine: ${error.name}: ${problem}${sqlState && !problem.includes(sqlState) ? ` (SQLState ${sqlState})` : ''}`);
}
