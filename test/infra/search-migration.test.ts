import type { PGlite } from '@electric-sql/pglite';
import { openSearchDatabase } from '#infra/local/search/engine';
import { searchSchemaStatements } from '#infra/search-schema';
import { migrate, scramVerifier, userStatements, type MigrationPorts, type MigrationProperties } from '#infra/aws/search-migration/handler';
import { SEARCH_DB_USERS, schemaGrantsUsers, searchDbGrantStatements } from '#infra/aws/search-migration/users';
import { rotate, type RotationPorts } from '#infra/aws/search-migration/rotation';

/**
 * The deploy-time migration of the search database, run on PGlite (the same PostgreSQL the
 * local runtime uses) in place of the Data API: what it does to roles, passwords and grants.
 */
const statements = searchSchemaStatements();
const passwords: Record<string, string> = { 'arn:query': 'q-Pw0rd-generated-by-secrets-manager', 'arn:ingest': 'i-Pw0rd-generated-by-secrets-manager', 'arn:purge': 'p-Pw0rd-generated-by-secrets-manager' };
const props: MigrationProperties = {
  ClusterArn: 'arn:aws:rds:us-east-1:000000000000:cluster:ciss-workflows-test-search',
  AdminSecretArn: 'arn:admin',
  Database: 'postgres',
  Statements: statements,
  Users: [
    { Name: SEARCH_DB_USERS.query, SecretArn: 'arn:query' },
    { Name: SEARCH_DB_USERS.ingest, SecretArn: 'arn:ingest' },
    { Name: SEARCH_DB_USERS.purge, SecretArn: 'arn:purge' },
  ],
  Grants: searchDbGrantStatements('postgres', statements),
  SchemaHash: 'test',
};

let db: PGlite;
const executed: string[] = [];
const ports: MigrationPorts = {
  async execute(sql) {
    executed.push(sql);
    await db.exec(sql);
  },
  async password(arn) {
    const password = passwords[arn];
    if (password === undefined) throw new Error(`no secret ${arn}`);
    return password;
  },
};

/** Runs `sql` as `role`, and says whether PostgreSQL allowed it. */
async function allowedAs(role: string, sql: string): Promise<boolean> {
  await db.exec(`SET ROLE ${role}`);
  try {
    await db.exec(sql);
    return true;
  } catch (error) {
    if (error instanceof Error && /permission denied/.test(error.message)) return false;
    throw error;
  } finally {
    await db.exec('RESET ROLE');
  }
}

beforeAll(async () => {
  db = await openSearchDatabase();
  await migrate(props, ports);
  // Twice: a deploy that changes nothing else re-runs every step.
  await migrate(props, ports);
});

afterAll(async () => {
  await db.close();
});

describe('the search database migration', () => {
  it('creates the three users as plain login roles', async () => {
    const { rows } = await db.query<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      `SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname LIKE 'search\\_%' ORDER BY rolname`,
    );
    expect(rows).toEqual([
      { rolname: 'search_ingest', rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
      { rolname: 'search_purge', rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
      { rolname: 'search_query', rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
    ]);
  });

  it("stores each user's password as the SCRAM verifier PostgreSQL itself computes for it", async () => {
    // PostgreSQL hashes a clear password with its own salt; the verifier made here with that salt
    // and count must be the same string, so the one sent at deploy is what a login checks.
    await db.exec(`SET password_encryption = 'scram-sha-256'`);
    await db.exec(`CREATE ROLE scram_probe LOGIN PASSWORD 'pencil'`);
    const { rows } = await db.query<{ rolpassword: string }>(`SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'`);
    const stored = rows[0]?.rolpassword ?? '';
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];

    expect(scramVerifier('pencil', Buffer.from(salt ?? '', 'base64'), Number(iterations))).toBe(stored);
  });

  it('sends no password, only verifiers, and stores them as sent', async () => {
    const sent = executed.join('\n');
    for (const password of Object.values(passwords)) expect(sent).not.toContain(password);
    const { rows } = await db.query<{ rolpassword: string }>(`SELECT rolpassword FROM pg_authid WHERE rolname = 'search_query'`);
    expect(rows[0]?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(sent).toContain(rows[0]?.rolpassword);
  });

  it('lets the query user read the index and log its searches, and change nothing else', async () => {
    for (const table of ['search_record', 'search_name', 'search_identifier', 'search_source_state', 'search_query']) {
      expect({ table, read: await allowedAs('search_query', `SELECT 1 FROM ${table} LIMIT 1`) }).toEqual({ table, read: true });
    }
    expect(await allowedAs('search_query', `INSERT INTO search_query (query_id, actor, at, purpose, text, results) VALUES ('q1', 'u1', now(), 'C', 'smith', 0)`)).toBe(true);
    expect(await allowedAs('search_query', `DELETE FROM search_record`)).toBe(false);
    expect(await allowedAs('search_query', `INSERT INTO search_tombstone (source, record_id, version, reason) VALUES ('s', 'r', 1, 'erase')`)).toBe(false);
    expect(await allowedAs('search_query', `CREATE TABLE intruder (id int)`)).toBe(false);
  });

  it('lets the ingest user write the index, and never read the words people searched for', async () => {
    expect(await allowedAs('search_ingest', `INSERT INTO search_tombstone (source, record_id, version, reason) VALUES ('s', 'r', 1, 'erase')`)).toBe(true);
    expect(await allowedAs('search_ingest', `DELETE FROM search_record WHERE source = 's'`)).toBe(true);
    expect(await allowedAs('search_ingest', `SELECT text FROM search_query`)).toBe(false);
    expect(await allowedAs('search_ingest', `CREATE TABLE intruder (id int)`)).toBe(false);
  });

  it("lets the purge user delete from the query log by its dates, and nothing else: not read the words, not add to the log, not touch the index", async () => {
    expect(await allowedAs('search_purge', `DELETE FROM search_query WHERE at < now() - interval '366 days'`)).toBe(true);
    expect(await allowedAs('search_purge', `WITH gone AS (DELETE FROM search_query WHERE at < now() RETURNING 1) SELECT count(*) FROM gone`)).toBe(true);
    expect(await allowedAs('search_purge', `SELECT text FROM search_query`)).toBe(false);
    expect(await allowedAs('search_purge', `DELETE FROM search_query WHERE text = 'smith'`)).toBe(false);
    expect(await allowedAs('search_purge', `INSERT INTO search_query (query_id, actor, at, purpose, text, results) VALUES ('q2', 'u1', now(), 'C', 'smith', 0)`)).toBe(false);
    expect(await allowedAs('search_purge', `DELETE FROM search_record`)).toBe(false);
    expect(await allowedAs('search_purge', `SELECT 1 FROM search_record LIMIT 1`)).toBe(false);
    expect(await allowedAs('search_purge', `CREATE TABLE intruder (id int)`)).toBe(false);
  });

  it("adds only the database-level grants once the schema grants the users their tables itself", () => {
    const own = ['CREATE TABLE IF NOT EXISTS search_record (id text)', 'GRANT SELECT ON search_record TO search_query'];

    expect(schemaGrantsUsers(own)).toBe(true);
    expect(searchDbGrantStatements('ciss_search', own).filter((g) => / ON (?!DATABASE|SCHEMA)/.test(g))).toEqual([]);
    expect(searchDbGrantStatements('ciss_search', own.slice(0, 1))).toContain('GRANT SELECT ON search_record TO search_query');
  });

  it('refuses a user name that is not a plain identifier, before anything runs', () => {
    expect(() => userStatements("x'; DROP TABLE search_record; --", scramVerifier('p'))).toThrow(/identifier/);
    expect(() => userStatements('search_query', "plain-text' OR '1")).toThrow(/SCRAM-SHA-256 verifier/);
  });

  it('names the user, never the statement (which holds the verifier), when setting a user up fails', async () => {
    const failing: MigrationPorts = {
      execute: (sql) => (sql.startsWith('ALTER ROLE') ? Promise.reject(new Error(`syntax error in ${sql}`)) : Promise.resolve()),
      password: ports.password,
    };

    const failure = migrate(props, failing);

    await expect(failure).rejects.toThrow('Setting up user search_query failed (Error)');
    await expect(failure).rejects.not.toThrow(/SCRAM/);
  });
});

describe("the search database users' password rotation", () => {
  /** One secret in memory, with Secrets Manager's version stages; statements run on the PGlite above. */
  function fakeSecret(initial: Record<string, unknown>) {
    const values = new Map<string, string>([['v1', JSON.stringify(initial)]]);
    const versions: Record<string, string[]> = { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] };
    const sent: string[] = [];
    const ports: RotationPorts = {
      describe: () => Promise.resolve({ rotationEnabled: true, versions }),
      value: (_, stage, versionId) => {
        const id = versionId ?? Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];
        return Promise.resolve(id === undefined ? undefined : values.get(id));
      },
      randomPassword: () => Promise.resolve(`new-${values.size}-Pw0rd-from-secrets-manager`),
      putPending: (_, token, value) => {
        values.set(token, value);
        return Promise.resolve();
      },
      moveCurrent: (_, token, from) => {
        versions[token] = ['AWSCURRENT'];
        if (from) versions[from] = ['AWSPREVIOUS'];
        return Promise.resolve();
      },
      executeAsAdmin: async (sql) => {
        sent.push(sql);
        await db.exec(sql);
      },
    };
    return { values, versions, sent, ports };
  }
  const steps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

  it("sets the user's new password as its verifier, keeps the other fields, and makes it current", async () => {
    const secret = fakeSecret({ username: 'search_query', password: 'old-password', dbname: 'ciss_search', host: 'h' });

    for (const step of steps) await rotate({ SecretId: 'arn:query', ClientRequestToken: 'v2', Step: step }, secret.ports);
    // Secrets Manager may repeat a step: nothing changes.
    await rotate({ SecretId: 'arn:query', ClientRequestToken: 'v2', Step: 'createSecret' }, secret.ports);

    const pending = JSON.parse(secret.values.get('v2') ?? '{}') as Record<string, string>;
    expect(pending).toMatchObject({ username: 'search_query', dbname: 'ciss_search', host: 'h', password: 'new-1-Pw0rd-from-secrets-manager' });
    expect(secret.versions).toEqual({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
    const { rows } = await db.query<{ rolpassword: string }>(`SELECT rolpassword FROM pg_authid WHERE rolname = 'search_query'`);
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(rows[0]?.rolpassword ?? '') ?? [];
    expect(scramVerifier(pending['password'] ?? '', Buffer.from(salt ?? '', 'base64'), Number(iterations))).toBe(rows[0]?.rolpassword);
    expect(secret.sent.join('\n')).not.toContain(pending['password']);
  });

  it('refuses to set the password of a user whose name is not a plain identifier', async () => {
    const secret = fakeSecret({ username: 'x; DROP TABLE search_record', password: 'p' });
    await rotate({ SecretId: 'arn:bad', ClientRequestToken: 'v2', Step: 'createSecret' }, secret.ports);

    await expect(rotate({ SecretId: 'arn:bad', ClientRequestToken: 'v2', Step: 'setSecret' }, secret.ports)).rejects.toThrow(/identifier/);
    expect(secret.sent).toEqual([]);
  });
});
