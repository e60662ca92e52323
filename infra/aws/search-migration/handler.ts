import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The search database's migration, a CloudFormation custom resource: on create and on every
 * change of its properties (the schema's statements, the users, the grants and their hash) it
 * applies, through the Data API as the cluster's admin user:
 * 1. each application user: created if missing, its password set from its own secret (first, so
 *    that the schema may name the users);
 * 2. the schema's statements (functions/search/schema.sql; each idempotent), in order;
 * 3. the grants, on what the schema made.
 * Delete does nothing: the database and its data are retained with the cluster.
 *
 * Passwords never leave this function as text: PostgreSQL is sent a SCRAM-SHA-256 verifier
 * computed here (the form it stores, and the only one the Data API accepts on PostgreSQL 14 and
 * later), so neither the statement nor any server log can hold the password. Nothing here logs
 * a secret or a statement's parameters.
 */
export interface MigrationProperties {
  readonly ClusterArn: string;
  readonly AdminSecretArn: string;
  readonly Database: string;
  readonly Statements: readonly string[];
  readonly Users: readonly { readonly Name: string; readonly SecretArn: string }[];
  readonly Grants: readonly string[];
  readonly SchemaHash: string;
}

interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: MigrationProperties & { readonly ServiceToken: string };
}

/** The ports of the migration, so that a test runs it without AWS. */
export interface MigrationPorts {
  execute(sql: string): Promise<void>;
  password(secretArn: string): Promise<string>;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, RFC 7677; PostgreSQL's
 * `scram_build_secret`): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64.
 * PostgreSQL takes a value of this form in `PASSWORD '…'` as the verifier, not as a password.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Refuses a user name that could not be written into a statement as it is. */
export function checkRoleName(name: string): void {
  if (!ROLE_NAME.test(name)) throw new Error(`User name "${name}" must be a lower-case PostgreSQL identifier`);
}

/** The statements that make `name` a login role whose password is `verifier`. */
export function userStatements(name: string, verifier: string): string[] {
  checkRoleName(name);
  if (!VERIFIER.test(verifier)) throw new Error(`The password of ${name} must be set as a SCRAM-SHA-256 verifier`);
  return [
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} LOGIN; END IF; END $$`,
    // Attributes left at CREATE ROLE's defaults (no superuser, no CREATEDB, no CREATEROLE):
    // naming SUPERUSER at all takes a superuser, which Aurora's admin user is not.
    `ALTER ROLE ${name} WITH LOGIN PASSWORD '${verifier}'`,
  ];
}

/** Steps 1 to 3, in order; the first failure stops it (every step is safe to run again). */
export async function migrate(props: MigrationProperties, ports: MigrationPorts): Promise<void> {
  for (const user of props.Users) {
    const verifier = scramVerifier(await ports.password(user.SecretArn));
    // The statement carries the verifier: a failure names the user, never the statement.
    for (const statement of userStatements(user.Name, verifier)) await named(`Setting up user ${user.Name}`, () => ports.execute(statement), false);
  }
  for (const [index, statement] of props.Statements.entries()) {
    await named(`Schema statement ${index + 1} of ${props.Statements.length}`, () => ports.execute(statement));
  }
  for (const [index, statement] of props.Grants.entries()) {
    await named(`Grant statement ${index + 1} of ${props.Grants.length}`, () => ports.execute(statement));
  }
}

async function named(what: string, run: () => Promise<void>, withMessage = true): Promise<void> {
  try {
    await run();
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = withMessage && error instanceof Error ? `: ${error.message}` : '';
    if (withMessage) throw new Error(`${what} failed (${name})${message}`, { cause: error });
    // The statement carried a verifier: its error, which may quote it, stays out of the chain.
    // eslint-disable-next-line preserve-caught-error -- the cause may quote the password's verifier
    throw new Error(`${what} failed (${name})`);
  }
}

/** Errors of a cluster that is starting, resuming or failing over: worth waiting for. */
const TRANSIENT = new Set(['DatabaseResumingException', 'DatabaseUnavailableException', 'ServiceUnavailableError', 'InternalServerErrorException']);
const ATTEMPTS = 12;

const rdsData = new RDSDataClient({});
const secrets = new SecretsManagerClient({});

function awsPorts(props: MigrationProperties): MigrationPorts {
  return {
    async execute(sql) {
      for (let attempt = 1; ; attempt++) {
        try {
          // continueAfterTimeout: an index built on a full table outlasts the Data API's 45 s.
          await rdsData.send(
            new ExecuteStatementCommand({ resourceArn: props.ClusterArn, secretArn: props.AdminSecretArn, database: props.Database, sql, continueAfterTimeout: true }),
          );
          return;
        } catch (error) {
          if (!(error instanceof Error) || !TRANSIENT.has(error.name) || attempt >= ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5_000 * attempt));
        }
      }
    },
    async password(secretArn) {
      const { SecretString: value } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      const password: unknown = value === undefined ? undefined : (JSON.parse(value) as { password?: unknown }).password;
      if (typeof password !== 'string' || password === '') throw new Error(`Secret ${secretArn} holds no password`);
      return password;
    },
  };
}

export async function handler(event: CustomResourceEvent): Promise<void> {
  const props = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId ?? `${props.ClusterArn}/${props.Database}/schema`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = `Schema ${props.SchemaHash} applied`;
  try {
    if (event.RequestType === 'Delete') reason = 'Nothing to undo: the database is retained';
    else await migrate(props, awsPorts(props));
  } catch (error) {
    status = 'FAILED';
    reason = error instanceof Error ? error.message : 'Migration failed';
    console.error(JSON.stringify({ level: 'ERROR', message: 'Search database migration failed', reason, requestId: event.RequestId }));
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 2000),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { SchemaHash: props.SchemaHash },
  });
  // The presigned S3 URL takes a PUT with no content type.
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response was refused: ${response.status}`);
}
