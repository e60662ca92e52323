import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotate as rotateSecret, secretsManagerPorts, type RotationEvent, type SecretRotation, type SecretsPorts } from '../rotation/protocol';
import { checkRoleName, scramVerifier, userStatements } from './handler';

/**
 * Secrets Manager rotation for the search database's users (admin, query, ingest), through the
 * Data API: no connection to the database, so the VPC keeps no route out. The four steps of the
 * rotation protocol, each safe to repeat:
 * 1. createSecret: a new random password, beside the other fields, as AWSPENDING;
 * 2. setSecret: the user's password becomes it, as the admin through the Data API (the admin's
 *    own rotation runs as the admin still holding the current password), sent as a SCRAM
 *    verifier, never as the password;
 * 3. testSecret: the pending value is a user this function may set (its name checked again);
 * 4. finishSecret: AWSCURRENT moves to the new version.
 * Between steps 2 and 4 the Data API may refuse the old password for a moment; callers retry.
 */
/** What the steps need of AWS, so a test runs them without it: Secrets Manager, and the admin's statements. */
export interface RotationPorts extends SecretsPorts {
  /** Runs one statement as the admin user. */
  executeAsAdmin(sql: string): Promise<void>;
}

/** Characters RDS's own generated passwords leave out (CDK's DEFAULT_PASSWORD_EXCLUDE_CHARS). */
export const PASSWORD_EXCLUDE = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
  readonly [field: string]: unknown;
}

function credentials(value: string | undefined, what: string): DatabaseCredentials {
  const parsed: unknown = value === undefined ? undefined : JSON.parse(value);
  const fields = parsed as Partial<DatabaseCredentials> | undefined;
  if (typeof fields?.username !== 'string' || typeof fields.password !== 'string') throw new Error(`${what} holds no username and password`);
  return fields as DatabaseCredentials;
}

/** A database user's credentials: the same fields with a new password, set by ALTER ROLE. */
const databaseUser = (ports: RotationPorts): SecretRotation => ({
  async create(current, password) {
    return JSON.stringify({ ...credentials(await current(), 'The current value'), password });
  },
  async set(value) {
    const pending = credentials(value, 'The pending value');
    // ALTER ROLE only: the user exists (the migration made it). Its failure never quotes the verifier.
    const [, alter] = userStatements(pending.username, scramVerifier(pending.password));
    try {
      await ports.executeAsAdmin(alter ?? '');
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error -- the cause may quote the password's verifier
      throw new Error(`Setting the new password of ${pending.username} failed (${error instanceof Error ? error.name : 'Error'})`);
    }
  },
  test(value) {
    checkRoleName(credentials(value, 'The pending value').username);
  },
});

export async function rotate(event: RotationEvent, ports: RotationPorts): Promise<void> {
  await rotateSecret(event, ports, databaseUser(ports));
}

const rdsData = new RDSDataClient({});

const awsPorts: RotationPorts = {
  ...secretsManagerPorts(new SecretsManagerClient({}), { PasswordLength: 30, ExcludeCharacters: PASSWORD_EXCLUDE }),
  async executeAsAdmin(sql) {
    const env = (name: string): string => {
      const value = process.env[name];
      if (!value) throw new Error(`Environment variable ${name} is not set`);
      return value;
    };
    await rdsData.send(new ExecuteStatementCommand({ resourceArn: env('CLUSTER_ARN'), secretArn: env('ADMIN_SECRET_ARN'), database: env('DATABASE'), sql }));
  },
};

export async function handler(event: RotationEvent): Promise<void> {
  await rotate(event, awsPorts);
}
