import { BadRequestException, BatchExecuteStatementCommand, ExecuteStatementCommand, ForbiddenException, RDSDataClient } from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DataApiEngine, SearchEngineFailed, searchDbEnv, toSqlParameters } from '../../functions/search/adapters/data-api';

const env = { SEARCH_DB_ARN: 'arn:aws:rds:us-east-1:111122223333:cluster:ciss-test-search', SEARCH_DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ciss-test-search-query-AbCdEf', SEARCH_DB_NAME: 'ciss_search' };
const target = { resourceArn: env.SEARCH_DB_ARN, secretArn: env.SEARCH_DB_SECRET_ARN, database: 'ciss_search' };
const rds = mockClient(RDSDataClient);
const engine = new DataApiEngine(new RDSDataClient({ region: 'us-east-1' }), env);

afterEach(() => rds.reset());

describe('DataApiEngine', () => {
  it('runs a statement on the cluster with its secret and database, asking for JSON records, and answers the rows', async () => {
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"record_id":"r-1","version":3,"juvenile":false,"town":null}]' });
    const rows = await engine.query('SELECT record_id FROM search_record WHERE source = :source AND version > :v', { source: 'jud-crmvs', v: 2 });
    expect(rows).toEqual([{ record_id: 'r-1', version: 3, juvenile: false, town: null }]);
    expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      ...target,
      sql: 'SELECT record_id FROM search_record WHERE source = :source AND version > :v',
      formatRecordsAs: 'JSON',
      parameters: [
        { name: 'source', value: { stringValue: 'jud-crmvs' } },
        { name: 'v', value: { longValue: 2 } },
      ],
    });
  });

  it('answers no rows for a statement that returns none', async () => {
    rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 1 });
    await expect(engine.query("INSERT INTO search_query VALUES ('q')")).resolves.toEqual([]);
  });

  it('converts each kind of parameter to the Data API field', () => {
    expect(toSqlParameters({ s: 'Núñez', i: 42, d: 0.25, b: true, n: null, big: 2 ** 60 })).toEqual([
      { name: 's', value: { stringValue: 'Núñez' } },
      { name: 'i', value: { longValue: 42 } },
      { name: 'd', value: { doubleValue: 0.25 } },
      { name: 'b', value: { booleanValue: true } },
      { name: 'n', value: { isNull: true } },
      { name: 'big', value: { doubleValue: 2 ** 60 } },
    ]);
    expect(() => toSqlParameters({ x: Number.NaN })).toThrow('SQL parameter :x must be a finite number');
  });

  it('sends a batch as one BatchExecuteStatement, one parameter set each, and nothing for an empty batch', async () => {
    rds.on(BatchExecuteStatementCommand).resolves({ updateResults: [{}, {}] });
    await engine.batch('SELECT search_apply(:changes::jsonb)', [{ changes: '[1]' }, { changes: '[2]' }]);
    await engine.batch('SELECT 1', []);
    expect(rds).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
    expect(rds).toHaveReceivedCommandWith(BatchExecuteStatementCommand, { ...target, sql: 'SELECT search_apply(:changes::jsonb)', parameterSets: [[{ name: 'changes', value: { stringValue: '[1]' } }], [{ name: 'changes', value: { stringValue: '[2]' } }]] });
  });

  it('refuses a result column that is not text, a number, a boolean or null, naming it', async () => {
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"body":{"name":"x"}}]' });
    await expect(engine.query('SELECT body FROM search_record')).rejects.toThrow('a result column (0.body) is not text, a number, a boolean or null; cast it in SQL (::text)');
  });

  describe('errors say what went wrong with the statement, never the values', () => {
    it('keeps the Data API error name, PostgreSQL message and SQLState', async () => {
      rds.on(ExecuteStatementCommand).rejects(new BadRequestException({ message: 'ERROR: relation "search_recrd" does not exist\n  Position: 15; SQLState: 42P01', $metadata: {} }));
      const error = await engine.query('SELECT * FROM search_recrd').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SearchEngineFailed);
      expect(error).toMatchObject({ type: 'BadRequestException', sqlState: '42P01', message: 'Search engine: BadRequestException: ERROR: relation "search_recrd" does not exist (SQLState 42P01)' });
    });

    it('leaves out a value PostgreSQL quotes and the detail lines that carry values', async () => {
      rds.on(ExecuteStatementCommand).rejects(new BadRequestException({ message: 'ERROR: invalid input syntax for type date: "Maria Lopez 1990"\n  Position: 8; SQLState: 22007', $metadata: {} }));
      await expect(engine.query('SELECT :q::date', { q: 'Maria Lopez 1990' })).rejects.toThrow(/^Search engine: BadRequestException: ERROR: invalid input syntax for type date: \(value left out\) \(SQLState 22007\)$/);
      rds.on(BatchExecuteStatementCommand).rejects(new BadRequestException({ message: 'ERROR: duplicate key value violates unique constraint "search_query_pkey"\n  Detail: Key (query_id)=(Maria Lopez) already exists.\n  SQLState: 23505', $metadata: {} }));
      const error = (await engine.batch('INSERT INTO search_query (query_id) VALUES (:id)', [{ id: 'Maria Lopez' }]).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('Search engine: BadRequestException: ERROR: duplicate key value violates unique constraint "search_query_pkey" (SQLState 23505)');
      expect(JSON.stringify(error)).not.toContain('Maria');
      expect(error.cause).toBeUndefined();
    });

    it('leaves out the detail of a message on one line', async () => {
      rds.on(ExecuteStatementCommand).rejects(new BadRequestException({ message: 'ERROR: duplicate key value violates unique constraint "search_query_pkey"  Detail: Key (query_id)=(Maria Lopez) already exists.; SQLState: 23505', $metadata: {} }));
      await expect(engine.query('SELECT 1')).rejects.toThrow(/^Search engine: BadRequestException: ERROR: duplicate key value violates unique constraint "search_query_pkey" \(SQLState 23505\)$/);
    });

    it('names a refused secret', async () => {
      rds.on(ExecuteStatementCommand).rejects(new ForbiddenException({ message: 'The secret does not exist, or the caller may not read it', $metadata: {} }));
      await expect(engine.query('SELECT 1')).rejects.toMatchObject({ type: 'ForbiddenException', message: 'Search engine: ForbiddenException: The secret does not exist, or the caller may not read it' });
    });
  });
});

describe('searchEngine', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads its environment and makes its client only at its first query (not when an entry asks for it at import), names what is missing, then is made once per process', async () => {
    for (const name of [...Object.keys(env), 'SEARCH_DB_QUERY_SECRET_ARN', 'SEARCH_DB_INGEST_SECRET_ARN']) delete process.env[name];
    const { searchEngine } = await import('../../functions/search/adapters/engine');
    const asked = searchEngine('query');
    expect(() => asked.query('SELECT 1')).toThrow(/SEARCH_DB_ARN/);
    Object.assign(process.env, { SEARCH_DB_ARN: env.SEARCH_DB_ARN, SEARCH_DB_NAME: env.SEARCH_DB_NAME, SEARCH_DB_QUERY_SECRET_ARN: env.SEARCH_DB_SECRET_ARN });
    expect(asked).toBeInstanceOf(DataApiEngine);
    expect(searchEngine('query')).toBe(asked);
    expect(() => searchEngine('ingest').batch('SELECT 1', [])).toThrow(/SEARCH_DB_INGEST_SECRET_ARN/);
  });
});

describe('searchDbEnv', () => {
  it('reads the secret of the access asked for, naming the missing variable', () => {
    expect(() => searchDbEnv('query', { SEARCH_DB_ARN: env.SEARCH_DB_ARN, SEARCH_DB_NAME: 'ciss_search' })).toThrow(/SEARCH_DB_QUERY_SECRET_ARN/);
    expect(searchDbEnv('ingest', { SEARCH_DB_ARN: env.SEARCH_DB_ARN, SEARCH_DB_NAME: 'ciss_search', SEARCH_DB_INGEST_SECRET_ARN: env.SEARCH_DB_SECRET_ARN })).toEqual(env);
  });
});
