import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { DataApiEngine } from '../../functions/search/adapters/data-api';
import type { EdgeRequest } from '../../infra/local/edge';
import { failure, givenEdge, stopEdge, type Edge } from './harness';

/**
 * The RDS Data API (REST-JSON, SigV4 `rds-data`) through the edge, with the SDK's own client, as
 * the search functions call it; the database is PGlite, opened by the first request (once per file).
 */
describe('the RDS Data API on the edge answers as the Data API does', () => {
  let edge: Edge;
  let rds: RDSDataClient;
  let db: { resourceArn: string; secretArn: string; database: string };
  let ingest: { resourceArn: string; secretArn: string; database: string };
  const seen: EdgeRequest[] = [];

  beforeAll(async () => {
    edge = await givenEdge();
    rds = new RDSDataClient(edge.client);
    const resourceArn = `arn:aws:rds:us-east-1:000000000000:cluster:ciss-${edge.h.stage}-search`;
    const secret = (access: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-${edge.h.stage}-search-${access}`;
    db = { resourceArn, secretArn: secret('query'), database: 'ciss_search' };
    ingest = { resourceArn, secretArn: secret('ingest'), database: 'ciss_search' };
    edge.h.runtime.edge.taps.push((request) => void seen.push(request));
  }, 60_000);
  afterAll(async () => {
    rds.destroy();
    await stopEdge(edge);
  });

  const insertRecord = `INSERT INTO search_record (source, record_id, version, kind, title, event_date, body, doc)
    VALUES (:source, :id, :version, 'person', :title, :date::date, :body::jsonb, to_tsvector('simple', :title))`;
  const record = (id: string, title: string) => ({ source: 'despp-cch', id, version: 1, title, date: '2019-03-04', body: '{"a":1}' });
  const asParameters = (p: Record<string, string | number>) => Object.entries(p).map(([name, v]) => ({ name, value: typeof v === 'number' ? { longValue: v } : { stringValue: v } }));

  // The database opens on the first request, not with the runtime: most runs never search.
  it('opens the database only when first asked', async () => {
    expect(edge.h.runtime.search.opened).toBe(false);
    const out = await rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT 1 AS one' }));
    expect(edge.h.runtime.search.opened).toBe(true);
    expect(out.records).toEqual([[{ longValue: 1 }]]);
  }, 120_000);

  // API_ExecuteStatement: records as Field lists; formattedRecords (JSON) when asked; columnMetadata
  // with includeResultMetadata; numberOfRecordsUpdated.
  it('runs a statement with parameters and casts, and answers records, JSON records and column metadata', async () => {
    const sql = 'SELECT :name::text AS name, :n::int + 1 AS next, :x::float8 AS x, :ok::boolean AS ok, :none::text AS none, :d::date AS d, :d::date::text AS d_text, 2.50::numeric AS amount';
    const parameters = [
      { name: 'name', value: { stringValue: "O'Brien-Núñez" } },
      { name: 'n', value: { longValue: 41 } },
      { name: 'x', value: { doubleValue: 1.5 } },
      { name: 'ok', value: { booleanValue: true } },
      { name: 'none', value: { isNull: true } },
      { name: 'd', value: { stringValue: '1990-07-04' }, typeHint: 'DATE' as const },
    ];
    const records = await rds.send(new ExecuteStatementCommand({ ...db, sql, parameters, includeResultMetadata: true }));
    expect(records.records).toEqual([
      [{ stringValue: "O'Brien-Núñez" }, { longValue: 42 }, { doubleValue: 1.5 }, { booleanValue: true }, { isNull: true }, { stringValue: '1990-07-04' }, { stringValue: '1990-07-04' }, { stringValue: '2.50' }],
    ]);
    expect(records.numberOfRecordsUpdated).toBe(0);
    expect(records.columnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['name', 'text'],
      ['next', 'int4'],
      ['x', 'float8'],
      ['ok', 'bool'],
      ['none', 'text'],
      ['d', 'date'],
      ['d_text', 'text'],
      ['amount', 'numeric'],
    ]);

    const json = await rds.send(new ExecuteStatementCommand({ ...db, sql, parameters, formatRecordsAs: 'JSON' }));
    expect(json.records).toBeUndefined();
    expect(JSON.parse(json.formattedRecords ?? '')).toEqual([{ name: "O'Brien-Núñez", next: 42, x: 1.5, ok: true, none: null, d: '1990-07-04', d_text: '1990-07-04', amount: '2.50' }]);
  });

  // API_BatchExecuteStatement: updateResults, one per parameter set.
  it('runs a batch, one update result per parameter set', async () => {
    const out = await rds.send(new BatchExecuteStatementCommand({ ...ingest, sql: insertRecord, parameterSets: [asParameters(record('b-1', 'Ana Lopez')), asParameters(record('b-2', 'Jean-Luc Picard'))] }));
    expect(out.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }]);
    const read = await rds.send(new ExecuteStatementCommand({ ...db, sql: "SELECT record_id, event_date::text AS date, body::text AS body FROM search_record WHERE record_id LIKE 'b-%' ORDER BY record_id", formatRecordsAs: 'JSON' }));
    expect(JSON.parse(read.formattedRecords ?? '')).toEqual([
      { record_id: 'b-1', date: '2019-03-04', body: '{"a": 1}' },
      { record_id: 'b-2', date: '2019-03-04', body: '{"a": 1}' },
    ]);
  });

  it('counts the rows a statement changed', async () => {
    const out = await rds.send(new ExecuteStatementCommand({ ...ingest, sql: "UPDATE search_record SET title = title WHERE record_id LIKE 'b-%'" }));
    expect(out.numberOfRecordsUpdated).toBe(2);
  });

  // API_BeginTransaction / CommitTransaction / RollbackTransaction, by transactionId.
  it('keeps what a committed transaction did and drops what a rolled back one did', async () => {
    const count = async (id: string) => JSON.parse((await rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT count(*)::int AS n FROM search_record WHERE record_id = :id', parameters: [{ name: 'id', value: { stringValue: id } }], formatRecordsAs: 'JSON' }))).formattedRecords ?? '') as { n: number }[];

    const { transactionId: kept } = await rds.send(new BeginTransactionCommand(ingest));
    expect(kept).toEqual(expect.any(String));
    await rds.send(new ExecuteStatementCommand({ ...ingest, sql: insertRecord, parameters: asParameters(record('t-kept', 'Kept')), transactionId: kept }));
    await expect(rds.send(new CommitTransactionCommand({ resourceArn: ingest.resourceArn, secretArn: ingest.secretArn, transactionId: kept }))).resolves.toMatchObject({ transactionStatus: 'Transaction Committed' });
    expect(await count('t-kept')).toEqual([{ n: 1 }]);

    const { transactionId: dropped } = await rds.send(new BeginTransactionCommand(ingest));
    await rds.send(new ExecuteStatementCommand({ ...ingest, sql: insertRecord, parameters: asParameters(record('t-dropped', 'Dropped')), transactionId: dropped }));
    await expect(rds.send(new RollbackTransactionCommand({ resourceArn: ingest.resourceArn, secretArn: ingest.secretArn, transactionId: dropped }))).resolves.toMatchObject({ transactionStatus: 'Rollback Complete' });
    expect(await count('t-dropped')).toEqual([{ n: 0 }]);

    // A transaction that has ended is gone.
    await expect(failure(rds.send(new CommitTransactionCommand({ resourceArn: ingest.resourceArn, secretArn: ingest.secretArn, transactionId: dropped })))).resolves.toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  // A SQL error: BadRequestException (400) with PostgreSQL's message, as Aurora's "ERROR: …".
  it('answers a SQL error with BadRequestException and PostgreSQL message', async () => {
    const out = await failure(rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT * FROM no_such_table' })));
    expect(out).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(out.message).toMatch(/^ERROR: relation "no_such_table" does not exist/);
    expect(out.message).toContain('SQLState: 42P01');
  });

  it('refuses an unknown secret, an unknown cluster and another database', async () => {
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, secretArn: `${db.secretArn}-admin`, sql: 'SELECT 1' })))).resolves.toMatchObject({ name: 'ForbiddenException', status: 403 });
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, resourceArn: `${db.resourceArn}-other`, sql: 'SELECT 1' })))).resolves.toMatchObject({ name: 'NotFoundException', status: 404 });
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, database: 'postgres', sql: 'SELECT 1' })))).resolves.toMatchObject({ name: 'BadRequestException', status: 400 });
  });

  // Each secret is a database user: the query user reads the index and writes only the query log.
  it('runs the query secret as a user that may read the index but not write it', async () => {
    const refused = await failure(rds.send(new ExecuteStatementCommand({ ...db, sql: insertRecord, parameters: asParameters(record('q-1', 'Refused')) })));
    expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(refused.message).toMatch(/^ERROR: permission denied for table search_record/);
    await expect(rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT current_user AS who', formatRecordsAs: 'JSON' }))).resolves.toMatchObject({ formattedRecords: '[{"who":"search_query"}]' });
    await expect(
      rds.send(new ExecuteStatementCommand({ ...db, sql: "INSERT INTO search_query (query_id, actor, at, purpose, text, results) VALUES ('q1', 'u1', now(), 'C', 'smith', 0)" })),
    ).resolves.toMatchObject({ numberOfRecordsUpdated: 1 });
    // A role statement changes nothing for the next one: each runs as its secret's user.
    await rds.send(new ExecuteStatementCommand({ ...db, sql: 'RESET ROLE' }));
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, sql: "DELETE FROM search_record WHERE record_id = 'b-1'" })))).resolves.toMatchObject({ name: 'BadRequestException' });
  });

  it('serves search through the functions adapter (DataApiEngine) as through PGlite directly', async () => {
    const engine = new DataApiEngine(rds, { SEARCH_DB_ARN: db.resourceArn, SEARCH_DB_SECRET_ARN: db.secretArn, SEARCH_DB_NAME: db.database });
    const sql = "SELECT record_id, title, version::int AS version, event_date::text AS date FROM search_record WHERE source = :source AND record_id LIKE 'b-%' ORDER BY record_id";
    const viaEdge = await engine.query(sql, { source: 'despp-cch' });
    expect(viaEdge).toEqual([
      { record_id: 'b-1', title: 'Ana Lopez', version: 1, date: '2019-03-04' },
      { record_id: 'b-2', title: 'Jean-Luc Picard', version: 1, date: '2019-03-04' },
    ]);
    await expect(edge.h.runtime.search.direct().query(sql, { source: 'despp-cch' })).resolves.toEqual(viaEdge);
    await expect(engine.query('SELECT :x::date AS d', { x: 'not-a-date-of-someone' })).rejects.toThrow(/^Search engine: BadRequestException: ERROR: invalid input syntax for type date: \(value left out\) \(SQLState 22007\)$/);
  });

  // Faults: a throttled call is ThrottlingException (429), which the SDK retries by name; a failed one InternalServerErrorException (500).
  it('injects faults into Data API calls as into other services', async () => {
    const faults = edge.h.runtime.faults;
    faults.set({ services: { 'rds-data': { throttle: 1, times: 1, operations: ['ExecuteStatement'] } } });
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT 1' })))).resolves.toMatchObject({ name: 'ThrottlingException', status: 429 });
    faults.set({ services: { 'rds-data': { error: 1, times: 1 } } });
    await expect(failure(rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT 1' })))).resolves.toMatchObject({ name: 'InternalServerErrorException', status: 500 });
    faults.set({});
    await expect(rds.send(new ExecuteStatementCommand({ ...db, sql: 'SELECT 1' }))).resolves.toMatchObject({ records: [[{ longValue: 1 }]] });
  });

  it('lets the edge taps see Data API requests by their SDK operation', () => {
    expect(seen.filter((r) => r.service === 'rds-data').map((r) => r.operation)).toEqual(expect.arrayContaining(['ExecuteStatement', 'BatchExecuteStatement', 'BeginTransaction', 'CommitTransaction', 'RollbackTransaction']));
  });
});
