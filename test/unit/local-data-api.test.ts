import { LocalDataApi, TRANSACTION_IDLE_TIMEOUT_MS, type IdleTimer } from '../../infra/local/search/data-api';
import { openSearchWorker, type SearchSession } from '../../infra/local/search/session';

/** The local Data API without the edge: what it does with its one connection and its transactions. */
describe('the local Data API', () => {
  const resourceArn = 'arn:aws:rds:us-east-1:000000000000:cluster:ciss-unit-search';
  const ingestSecret = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-search-ingest';
  const querySecret = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-search-query';
  const ingest = { resourceArn, secretArn: ingestSecret, database: 'ciss_search' };
  /** Idle timers the test fires by hand, in place of waiting. */
  const timers: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const timer: IdleTimer = (ms, run) => {
    const t = { ms, run, cancelled: false };
    timers.push(t);
    return () => void (t.cancelled = true);
  };
  let opens = 0;
  let database: Promise<SearchSession> | undefined;
  /** Set to 1 by the database's thread once the database is open (shared memory: seen without a turn of the event loop). */
  const openedFlag = new Int32Array(new SharedArrayBuffer(4));
  const api = new LocalDataApi({
    resourceArn,
    secrets: { [ingestSecret]: 'search_ingest', [querySecret]: 'search_query' },
    database: 'ciss_search',
    open: () => {
      opens++;
      database ??= openSearchWorker(undefined, { openedFlag });
      return database;
    },
    timer,
  });
  const call = async (path: string, body: Record<string, unknown>) => {
    const out = await api.handle('POST', path, JSON.stringify(body));
    return { status: out.status, type: out.headers?.['x-amzn-ErrorType'], body: out.body as Record<string, unknown> };
  };
  const rows = async (sql: string) => JSON.parse(String((await call('/Execute', { ...ingest, sql, formatRecordsAs: 'JSON' })).body['formattedRecords'])) as unknown[];

  afterAll(() => api.close());

  it('takes only plain identifiers as roles', () => {
    expect(() => new LocalDataApi({ resourceArn, secrets: { [ingestSecret]: 'search_ingest; DROP TABLE x' }, database: 'ciss_search', open: () => Promise.reject(new Error('unused')) })).toThrow('must be a plain lower-case identifier');
  });

  it('opens the database on the first request, once, in a thread of its own: the caller\'s thread goes on meanwhile', async () => {
    expect(api.opened).toBe(false);
    const answer = call('/Execute', { ...ingest, sql: 'SELECT 1 AS one', formatRecordsAs: 'JSON' });
    // The caller's thread turns until the open has been asked for (the request is read first)…
    for (let turn = 0; opens === 0 && turn < 1_000; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(opens).toBe(1);
    expect(Atomics.load(openedFlag, 0)).toBe(0);
    // …then holds still, taking no turn at all, until the database says it is open. PGlite computes
    // on the thread that calls it: an open that needed any of the caller's thread could not end
    // meanwhile, and the wait would time out. Counted in turns, not in time: the bound is only how
    // long a failing run waits. ('not-equal': the flag was set between the load above and the wait,
    // with no turn between them either.)
    expect(['ok', 'not-equal']).toContain(Atomics.wait(openedFlag, 0, 0, 120_000));
    expect(Atomics.load(openedFlag, 0)).toBe(1);
    await expect(answer).resolves.toMatchObject({ status: 200, body: { formattedRecords: '[{"one":1}]' } });
    await call('/Execute', { ...ingest, sql: 'SELECT 1' });
    expect(opens).toBe(1);
  }, 180_000);

  it("brings PostgreSQL's error fields across the thread", async () => {
    const session = await database!;
    await expect(session.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ name: 'SearchDatabaseError', code: '42P01', severity: 'ERROR', position: '15', message: 'relation "no_such_table" does not exist' });
    await expect(session.batch([{ text: 'SELECT $1::int AS n', values: [1] }, { text: 'SELECT $1::int AS n', values: ['one'] }])).rejects.toMatchObject({ code: '22P02' });
  });

  it('makes a statement outside the transaction wait for its commit', async () => {
    const begun = await call('/BeginTransaction', ingest);
    const transactionId = String(begun.body['transactionId']);
    await call('/Execute', { ...ingest, transactionId, sql: "INSERT INTO search_source_state (source, cursor) VALUES ('serial', 'a')" });
    let outsideDone = false;
    const outside = rows("SELECT cursor FROM search_source_state WHERE source = 'serial'").then((r) => {
      outsideDone = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(outsideDone).toBe(false);
    await call('/CommitTransaction', { resourceArn, secretArn: ingestSecret, transactionId });
    await expect(outside).resolves.toEqual([{ cursor: 'a' }]);
  });

  it('rolls back a transaction left idle, frees the connection and forgets the transaction', async () => {
    const begun = await call('/BeginTransaction', ingest);
    const transactionId = String(begun.body['transactionId']);
    await call('/Execute', { ...ingest, transactionId, sql: "INSERT INTO search_source_state (source, cursor) VALUES ('idle', 'a')" });
    const idle = timers.filter((t) => !t.cancelled);
    expect(idle.map((t) => t.ms)).toEqual([TRANSACTION_IDLE_TIMEOUT_MS]);
    idle[0]!.run();
    await expect(rows("SELECT cursor FROM search_source_state WHERE source = 'idle'")).resolves.toEqual([]);
    await expect(call('/Execute', { ...ingest, transactionId, sql: 'SELECT 1' })).resolves.toMatchObject({ status: 404, type: 'NotFoundException' });
  });

  it('answers every statement after a failed one in a transaction as PostgreSQL does, until it ends', async () => {
    const transactionId = String((await call('/BeginTransaction', ingest)).body['transactionId']);
    await expect(call('/Execute', { ...ingest, transactionId, sql: 'SELECT * FROM no_such_table' })).resolves.toMatchObject({ status: 400, type: 'BadRequestException' });
    const next = await call('/Execute', { ...ingest, transactionId, sql: 'SELECT 1' });
    expect(next).toMatchObject({ status: 400, type: 'BadRequestException' });
    expect(String(next.body['message'])).toMatch(/^ERROR: current transaction is aborted/);
    await expect(call('/RollbackTransaction', { resourceArn, secretArn: ingestSecret, transactionId })).resolves.toMatchObject({ status: 200 });
    await expect(rows('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('refuses a statement in a transaction begun with another secret', async () => {
    const transactionId = String((await call('/BeginTransaction', ingest)).body['transactionId']);
    await expect(call('/Execute', { resourceArn, secretArn: querySecret, transactionId, sql: 'SELECT 1' })).resolves.toMatchObject({ status: 400, type: 'BadRequestException' });
    await call('/RollbackTransaction', { resourceArn, secretArn: ingestSecret, transactionId });
  });

  it('applies a batch outside a transaction whole or not at all', async () => {
    const sql = 'INSERT INTO search_source_state (source, cursor) VALUES (:source, :cursor)';
    const set = (source: string) => [
      { name: 'source', value: { stringValue: source } },
      { name: 'cursor', value: { isNull: true } },
    ];
    const out = await call('/BatchExecute', { ...ingest, sql, parameterSets: [set('batch-1'), set('batch-1')] });
    expect(out).toMatchObject({ status: 400, type: 'BadRequestException' });
    expect(String(out.body['message'])).toMatch(/^ERROR: duplicate key value violates unique constraint/);
    await expect(rows("SELECT source FROM search_source_state WHERE source = 'batch-1'")).resolves.toEqual([]);
  });

  it('refuses an answer larger than the Data API sends (1 MiB), as AWS does', async () => {
    const out = await call('/Execute', { ...ingest, sql: "SELECT repeat('x', 1000) AS filler FROM generate_series(1, 1100)", formatRecordsAs: 'JSON' });
    expect(out).toMatchObject({ status: 400, type: 'BadRequestException', body: { message: 'Database returned more than the allowed response size limit' } });
    await expect(call('/Execute', { ...ingest, sql: "SELECT repeat('x', 1000) AS filler FROM generate_series(1, 900)", formatRecordsAs: 'JSON' })).resolves.toMatchObject({ status: 200 });
  });

  it('refuses a request larger than the Data API takes (4 MiB), before running any of it', async () => {
    const sql = 'INSERT INTO search_source_state (source, cursor) VALUES (:source, :cursor)';
    const parameterSets = Array.from({ length: 5 }, (_, i) => [
      { name: 'source', value: { stringValue: `big-${i}` } },
      { name: 'cursor', value: { stringValue: 'x'.repeat(1024 * 1024) } },
    ]);
    const out = await call('/BatchExecute', { ...ingest, sql, parameterSets });
    expect(out).toMatchObject({ status: 400, type: 'BadRequestException' });
    expect(String(out.body['message'])).toContain('send fewer parameter sets per batch');
    await expect(rows("SELECT source FROM search_source_state WHERE source LIKE 'big-%'")).resolves.toEqual([]);
  });

  it('knows only its own secrets, whatever the ARN names', async () => {
    for (const secretArn of ['__proto__', 'constructor', 'toString']) {
      await expect(call('/Execute', { resourceArn, secretArn, sql: 'SELECT 1' })).resolves.toMatchObject({ status: 403, type: 'ForbiddenException' });
    }
  });

  it('names a parameter the statement uses but the request lacks', async () => {
    const out = await call('/Execute', { ...ingest, sql: 'SELECT :missing::text AS x' });
    expect(out).toMatchObject({ status: 400, type: 'BadRequestException', body: { message: 'SQL parameter :missing has no value' } });
  });

  it('answers an unknown operation and a body that is not JSON as the Data API would', async () => {
    await expect(call('/ExecuteSql', ingest)).resolves.toMatchObject({ status: 404, type: 'UnknownOperationException' });
    await expect(api.handle('POST', '/Execute', '{')).resolves.toMatchObject({ status: 400, headers: { 'x-amzn-ErrorType': 'SerializationException' } });
  });

  it('runs the direct engine as the owner after a Data API statement ran under a role', async () => {
    await call('/Execute', { resourceArn, secretArn: querySecret, sql: 'SELECT 1' });
    await expect(api.direct().query('SELECT current_user AS who')).resolves.toEqual([{ who: 'postgres' }]);
  });

  it("applies the direct engine's batch whole or not at all", async () => {
    const sql = 'INSERT INTO search_source_state (source, cursor) VALUES (:source, NULL)';
    await expect(api.direct().batch(sql, [{ source: 'direct-1' }, { source: 'direct-1' }])).rejects.toMatchObject({ code: '23505' });
    await expect(api.direct().query("SELECT count(*)::int AS n FROM search_source_state WHERE source = 'direct-1'")).resolves.toEqual([{ n: 0 }]);
    await api.direct().batch(sql, [{ source: 'direct-1' }, { source: 'direct-2' }]);
    await expect(api.direct().query("SELECT count(*)::int AS n FROM search_source_state WHERE source LIKE 'direct-%'")).resolves.toEqual([{ n: 2 }]);
  });

  it('closes the database and its thread: a later call is refused, not left waiting', async () => {
    const session = await database!;
    await api.close();
    await expect(session.query('SELECT 1')).rejects.toThrow("The search database's thread has");
  });
});
