import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

/**
 * Secrets Manager's four-step rotation protocol, once: the checks every step makes first, the
 * idempotent creation of the pending version, and the move of AWSCURRENT. What differs between
 * secrets (what the new value is, who else must be told of it, how to test it) is a
 * `SecretRotation`; `rotation/handler.ts` (random strings) and `search-migration/rotation.ts`
 * (the search database's users) each give one.
 */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

/** What the steps need of Secrets Manager, so a test runs them without it. */
export interface SecretsPorts {
  describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }>;
  /** The value of a version by stage; undefined when that version does not exist. */
  value(secretId: string, stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  randomPassword(): Promise<string>;
  putPending(secretId: string, token: string, value: string): Promise<void>;
  moveCurrent(secretId: string, token: string, from: string | undefined): Promise<void>;
}

/** What one kind of secret does at each step it cares about. */
export interface SecretRotation {
  /** The new value, from the current one (undefined when reading it is not needed) and a fresh random password. */
  create(current: () => Promise<string | undefined>, password: string): Promise<string>;
  /** Tells whatever holds the secret of the pending value (nothing, for a value only this app reads). */
  set(pending: string): Promise<void>;
  /** Fails when the pending value is not fit to become current. */
  test(pending: string): void;
}

export async function rotate(event: RotationEvent, ports: SecretsPorts, secret: SecretRotation): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const { rotationEnabled, versions } = await ports.describe(secretId);
  if (!rotationEnabled) throw new Error(`Secret ${secretId} does not have rotation enabled`);
  const stages = versions[token];
  if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of ${secretId}`);
  if (stages.includes('AWSCURRENT')) return; // already finished
  if (!stages.includes('AWSPENDING')) throw new Error(`Secret version ${token} is not AWSPENDING for ${secretId}`);
  const pending = async (): Promise<string> => {
    const value = await ports.value(secretId, 'AWSPENDING', token);
    if (value === undefined) throw new Error(`Secret ${secretId} has no pending value ${token}`);
    return value;
  };

  switch (step) {
    case 'createSecret': {
      if ((await ports.value(secretId, 'AWSPENDING', token)) !== undefined) return; // made by an earlier attempt
      const value = await secret.create(() => ports.value(secretId, 'AWSCURRENT'), await ports.randomPassword());
      await ports.putPending(secretId, token, value);
      return;
    }
    case 'setSecret':
      return secret.set(await pending());
    case 'testSecret':
      return secret.test(await pending());
    case 'finishSecret': {
      const current = Object.entries(versions).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      // Moves AWSCURRENT to the new version; Secrets Manager labels the old one AWSPREVIOUS.
      if (current !== token) await ports.moveCurrent(secretId, token, current);
      return;
    }
    default:
      throw new Error(`Unknown rotation step ${String(step)}`);
  }
}

/** The ports on Secrets Manager itself; `password` says how random passwords are made. */
export function secretsManagerPorts(client: SecretsManagerClient, password: GetRandomPasswordCommandInput): SecretsPorts {
  return {
    async describe(secretId) {
      const secret = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: secret.RotationEnabled === true, versions: secret.VersionIdsToStages ?? {} };
    },
    async value(secretId, stage, versionId) {
      try {
        return (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }))).SecretString;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async randomPassword() {
      const { RandomPassword: value } = await client.send(new GetRandomPasswordCommand(password));
      if (!value) throw new Error('GetRandomPassword returned no value');
      return value;
    },
    async putPending(secretId, token, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }));
    },
    async moveCurrent(secretId, token, from) {
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: from }));
    },
  };
}
