import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CLIENT_CONFIG, lazyClient } from '#shared/clients/lazy';

/** Made on first use (see clients/lazy.ts): most invocations of a function that imports this seal or read nothing. */
const kms = lazyClient(() => new KMSClient(CLIENT_CONFIG));
const secretsManager = lazyClient(() => new SecretsManagerClient(CLIENT_CONFIG));

/** A secret read once per container and kept for a few minutes (rotation takes effect soon after). */
const SECRET_TTL_MS = 5 * 60 * 1000;
const secretCache = new Map<string, { value: Buffer; until: number }>();

export async function secretBytes(secretId: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS' = 'AWSCURRENT'): Promise<Buffer> {
  const cacheKey = `${secretId}#${stage}`;
  const cached = secretCache.get(cacheKey);
  if (cached && cached.until > Date.now()) return cached.value;
  const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  if (!out.SecretString) throw new Error(`Secret ${secretId} has no string value`);
  const value = Buffer.from(out.SecretString, 'utf8');
  secretCache.set(cacheKey, { value, until: Date.now() + SECRET_TTL_MS });
  return value;
}

/** The previous version of a rotated secret, if there is one (none before the first rotation). */
export async function previousSecretBytes(secretId: string): Promise<Buffer | undefined> {
  try {
    return await secretBytes(secretId, 'AWSPREVIOUS');
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Seals a secret (a Step Functions task token) with the application's KMS key, bound to a
 * context (the task id): a copy of the table alone cannot complete a task, nor can a sealed
 * token be moved onto another task.
 */
export async function seal(keyId: string, plaintext: string, context: Record<string, string>): Promise<string> {
  const out = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(plaintext, 'utf8'), EncryptionContext: context }));
  if (!out.CiphertextBlob) throw new Error('KMS returned no ciphertext');
  return Buffer.from(out.CiphertextBlob).toString('base64');
}

export async function open(sealed: string, context: Record<string, string>): Promise<string> {
  const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed, 'base64'), EncryptionContext: context }));
  if (!out.Plaintext) throw new Error('KMS returned no plaintext');
  return Buffer.from(out.Plaintext).toString('utf8');
}
