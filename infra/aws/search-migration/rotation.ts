import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
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
interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

/** What the steps need of AWS, so a test runs them without it. */
export interface RotationPorts {
  describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }>;
  /** The value of a version by stage; undefined when that version does not exist. */
  value(secretId: string, stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  randomPassword(): Promise<string>;
  putPending(secretId: string, token: string, value: string): Promise<void>;
  moveCurrent(secretId: string, token: string, from: string | undefined): Promise<void>;
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

export async function rotate(event: RotationEvent, ports: RotationPorts): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const { rotationEnabled, versions } = await ports.describe(secretId);
  if (!rotationEnabled) throw new Error(`Secret ${secretId} does not have rotation enabled`);
  const stages = versions[token];
  if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of ${secretId}`);
  if (stages.includes('AWSCURRENT')) return; // already finished
  if (!stages.includes('AWSPENDING')) throw new Error(`Secret version ${token} is not AWSPENDING for ${secretId}`);

  switch (step) {
    case 'createSecret': {
      if ((await ports.value(secretId, 'AWSPENDING', token)) !== undefined) return; // made by an earlier attempt
      const current = credentials(await ports.value(secretId, 'AWSCURRENT'), `The current value of ${secretId}`);
      await ports.putPending(secretId, token, JSON.stringify({ ...current, password: await ports.randomPassword() }));
      return;
    }
    case 'setSecret': {
      const pending = credentials(await ports.value(secretId, 'AWSPENDING', token), `The pending value of ${secretId}`);
      // ALTER ROLE only: the user exists (the migration made it). Its failure never quotes the verifier.
      const [, alter] = userStatements(pending.username, scramVerifier(pending.password));
      try {
        await ports.executeAsAdmin(alter ?? '');
      } catch (error) {
        // eslint-disable-next-line preserve-caught-error -- the cause may quote the password's verifier
        throw new Error(`Setting the new password of ${pending.username} failed (${error instanceof Error ? error.name : 'Error'})`);
      }
      return;
    }
    case 'testSecret': {
      const pending = credentials(await ports.value(secretId, 'AWSPENDING', token), `The pending value of ${secretId}`);
      checkRoleName(pending.username);
      return;
    }
    case 'finishSecret': {
      const current = Object.entries(versions).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (current !== token) await ports.moveCurrent(secretId, token, current);
      return;
    }
  }
}

const secrets = new SecretsManagerClient({});
const rdsData = new RDSDataClient({});

const awsPorts: RotationPorts = {
  async describe(secretId) {
    const secret = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { rotationEnabled: secret.RotationEnabled === true, versions: secret.VersionIdsToStages ?? {} };
  },
  async value(secretId, stage, versionId) {
    try {
      return (await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }))).SecretString;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  },
  async randomPassword() {
    const { RandomPassword: password } = await secrets.send(new GetRandomPasswordCommand({ PasswordLength: 30, ExcludeCharacters: PASSWORD_EXCLUDE }));
    if (!password) throw new Error('GetRandomPassword returned no value');
    return password;
  },
  async putPending(secretId, token, value) {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }));
  },
  async moveCurrent(secretId, token, from) {
    await secrets.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: from }));
  },
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
