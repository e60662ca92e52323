import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { secrets, type SecretName } from '../manifest';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';

/** A service error with the AWS exception name the SDK turns into its class. */
class ServiceError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

interface KeyMaterial {
  readonly kmsKey: string;
  readonly secrets: Record<string, string>;
}

/**
 * KMS and Secrets Manager, local, for what the application uses of them: Encrypt/Decrypt with
 * its one key (AES-256-GCM, the encryption context bound as associated data, as KMS binds it)
 * and GetSecretValue for the manifest's secrets. Key material is generated at first start and
 * kept (mode 600) in `.local/keys.json` for `npm start`, in memory for tests.
 */
export class LocalKeys {
  readonly keyId: string;
  readonly keyArn: string;
  private readonly key: Buffer;

  private constructor(private readonly material: KeyMaterial, private readonly prefix: string) {
    this.key = Buffer.from(material.kmsKey, 'base64');
    this.keyId = `${prefix}-app-key`;
    this.keyArn = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${this.keyId}`;
  }

  static load(prefix: string, dataDir?: string): LocalKeys {
    const file = dataDir ? path.join(dataDir, 'keys.json') : undefined;
    const stored: Partial<KeyMaterial> = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KeyMaterial) : {};
    const material: KeyMaterial = {
      kmsKey: stored.kmsKey ?? randomBytes(32).toString('base64'),
      secrets: { ...stored.secrets },
    };
    for (const name of Object.keys(secrets)) material.secrets[name] ??= randomBytes(48).toString('base64url');
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(material), { mode: 0o600 });
    }
    return new LocalKeys(material, prefix);
  }

  /** A secret's value, for the simulators that must agree with the application on it. */
  secretValue(name: SecretName): string {
    const value = this.material.secrets[name];
    if (value === undefined) throw new Error(`No local secret ${name}`);
    return value;
  }

  secretName(name: SecretName): string {
    return `${this.prefix}-${name}`;
  }

  secretArn(name: SecretName): string {
    return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${this.secretName(name)}`;
  }

  /** `TrentService.*` (KMS). */
  readonly kms = {
    handle: async (operation: string, body: Record<string, unknown>): Promise<unknown> => {
      const context = canonicalContext(body['EncryptionContext']);
      if (operation === 'Encrypt') {
        this.checkKey(String(body['KeyId'] ?? ''));
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', this.key, iv);
        cipher.setAAD(Buffer.from(context));
        const sealed = Buffer.concat([cipher.update(Buffer.from(String(body['Plaintext'] ?? ''), 'base64')), cipher.final()]);
        return { CiphertextBlob: Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), sealed]).toString('base64'), KeyId: this.keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      if (operation === 'Decrypt') {
        const blob = Buffer.from(String(body['CiphertextBlob'] ?? ''), 'base64');
        try {
          if (blob[0] !== 1) throw new Error('version');
          const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(1, 13));
          decipher.setAAD(Buffer.from(context));
          decipher.setAuthTag(blob.subarray(13, 29));
          const plain = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
          return { Plaintext: plain.toString('base64'), KeyId: this.keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
        } catch {
          throw new ServiceError('InvalidCiphertextException', 'The ciphertext or its encryption context is not valid for this key');
        }
      }
      throw new ServiceError('UnsupportedOperationException', `The embedded runtime does not implement KMS ${operation}`);
    },
  };

  /** `secretsmanager.*`. */
  readonly secretsManager = {
    handle: async (operation: string, body: Record<string, unknown>): Promise<unknown> => {
      if (operation !== 'GetSecretValue') throw new ServiceError('UnsupportedOperationException', `The embedded runtime does not implement Secrets Manager ${operation}`);
      // Local secrets never rotate: there is no previous version, as in AWS before a rotation.
      if (body['VersionStage'] === 'AWSPREVIOUS') throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS");
      const id = String(body['SecretId'] ?? '');
      const name = (Object.keys(secrets) as SecretName[]).find((n) => id === this.secretName(n) || id === this.secretArn(n));
      const value = name ? this.material.secrets[name] : undefined;
      if (!name || value === undefined) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return { ARN: this.secretArn(name), Name: this.secretName(name), SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'] };
    },
  };

  private checkKey(keyId: string): void {
    if (keyId !== this.keyArn && keyId !== this.keyId) throw new ServiceError('NotFoundException', `Key '${keyId}' does not exist`);
  }
}

function canonicalContext(context: unknown): string {
  if (!context || typeof context !== 'object') return '';
  return JSON.stringify(Object.entries(context as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}
