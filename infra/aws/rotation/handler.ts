import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

/**
 * Secrets Manager rotation for the app's generated secrets: a new random string, no outside
 * system to tell. The four steps of the rotation protocol, each safe to repeat.
 *
 * The approval-link key is the HMAC key of links already in people's mailboxes: after a
 * rotation, links signed with the old value only verify if the verifier also accepts
 * AWSPREVIOUS (which Secrets Manager keeps for exactly one rotation). Rotating every 90 days
 * against links that live at most days keeps that window far wider than any link's life.
 */
interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

const client = new SecretsManagerClient({});
const LENGTH = Number(process.env['SECRET_LENGTH'] ?? '64');

export async function handler(event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const secret = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!secret.RotationEnabled) throw new Error(`Secret ${secretId} does not have rotation enabled`);
  const stages = secret.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of ${secretId}`);
  if (stages.includes('AWSCURRENT')) return; // already finished
  if (!stages.includes('AWSPENDING')) throw new Error(`Secret version ${token} is not AWSPENDING for ${secretId}`);

  switch (step) {
    case 'createSecret':
      return createSecret(secretId, token);
    case 'setSecret':
      // Nothing outside Secrets Manager holds this value.
      return;
    case 'testSecret':
      return testSecret(secretId, token);
    case 'finishSecret':
      return finishSecret(secretId, token, secret.VersionIdsToStages ?? {});
    default:
      throw new Error(`Unknown rotation step ${String(step)}`);
  }
}

async function createSecret(secretId: string, token: string): Promise<void> {
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return; // created by an earlier attempt
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { RandomPassword: value } = await client.send(new GetRandomPasswordCommand({ PasswordLength: LENGTH, ExcludePunctuation: true }));
  if (!value) throw new Error('GetRandomPassword returned no value');
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }));
}

async function testSecret(secretId: string, token: string): Promise<void> {
  const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
  if ((pending.SecretString ?? '').length < LENGTH) throw new Error(`Pending value of ${secretId} is shorter than ${LENGTH} characters`);
}

async function finishSecret(secretId: string, token: string, versions: Record<string, string[]>): Promise<void> {
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (current === token) return;
  // Moves AWSCURRENT to the new version; Secrets Manager labels the old one AWSPREVIOUS.
  await client.send(
    new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }),
  );
}
