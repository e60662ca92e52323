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
  /** When the key was made (epoch seconds), as KMS's DescribeKey tells. */
  readonly createdAt?: number;
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
      createdAt: stored.createdAt ?? Math.floor(Date.now() / 1000),
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
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html
      if (operation === 'ListKeys') return { Keys: [{ KeyId: this.keyId, KeyArn: this.keyArn }], Truncated: false };
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html: NotFoundException for a key that does not exist.
      if (operation === 'DescribeKey') {
        this.checkKey(String(body['KeyId'] ?? ''));
        return {
          KeyMetadata: {
            AWSAccountId: LOCAL_ACCOUNT,
            KeyId: this.keyId,
            Arn: this.keyArn,
            CreationDate: this.material.createdAt ?? 0,
            Enabled: true,
            Description: `${this.prefix}: local data key`,
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeyState: 'Enabled',
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            MultiRegion: false,
          },
        };
      }
      // What AWS's JSON protocols answer for an operation the service does not have. (KMS's own
      // UnsupportedOperationException means a parameter or resource unsupported by a known operation.)
      throw new ServiceError('UnknownOperationException', `The embedded runtime does not implement KMS ${operation}`);
    },
  };

  /** `secretsmanager.*`. */
  readonly secretsManager = {
    handle: async (operation: string, body: Record<string, unknown>): Promise<unknown> => {
      if (operation === 'ListSecrets') return this.listSecrets(body);
      if (operation === 'DescribeSecret') return this.describeSecret(this.secretOf(String(body['SecretId'] ?? '')));
      if (operation !== 'GetSecretValue') throw new ServiceError('UnknownOperationException', `The embedded runtime does not implement Secrets Manager ${operation}`);
      // Local secrets never rotate: there is no previous version, as in AWS before a rotation.
      if (body['VersionStage'] === 'AWSPREVIOUS') throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS");
      const name = this.secretOf(String(body['SecretId'] ?? ''));
      const value = this.material.secrets[name];
      if (value === undefined) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return { ARN: this.secretArn(name), Name: this.secretName(name), SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'] };
    },
  };

  /** The manifest secret a SecretId (name or ARN) names, or ResourceNotFoundException. */
  private secretOf(id: string): SecretName {
    const name = (Object.keys(secrets) as SecretName[]).find((n) => id === this.secretName(n) || id === this.secretArn(n));
    if (!name) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return name;
  }

  /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html */
  private describeSecret(name: SecretName): Record<string, unknown> {
    return {
      ARN: this.secretArn(name),
      Name: this.secretName(name),
      Description: secrets[name].description,
      KmsKeyId: this.keyArn,
      VersionIdsToStages: { local: ['AWSCURRENT'] },
      Tags: [],
    };
  }

  /**
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html: every
   * secret, narrowed by `Filters` (`name` and `all` match a prefix of the name, as AWS's do).
   */
  private listSecrets(body: Record<string, unknown>): unknown {
    const filters = Array.isArray(body['Filters']) ? (body['Filters'] as { Key?: unknown; Values?: unknown }[]) : [];
    for (const filter of filters) {
      if (filter.Key !== 'name' && filter.Key !== 'all' && filter.Key !== 'description' && filter.Key !== 'tag-key' && filter.Key !== 'tag-value' && filter.Key !== 'primary-region' && filter.Key !== 'owning-service') {
        throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(filter.Key)}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]`);
      }
    }
    const matches = (name: SecretName): boolean =>
      filters.every((f) => {
        const values = Array.isArray(f.Values) ? f.Values.map(String) : [];
        const fields = f.Key === 'name' ? [this.secretName(name)] : f.Key === 'description' ? [secrets[name].description] : f.Key === 'all' ? [this.secretName(name), secrets[name].description] : [];
        return values.some((v) => fields.some((field) => field.toLowerCase().startsWith(v.toLowerCase())));
      });
    const list = (Object.keys(secrets) as SecretName[]).filter(matches).map((name) => {
      const { VersionIdsToStages, ...rest } = this.describeSecret(name);
      return { ...rest, SecretVersionsToStages: VersionIdsToStages };
    });
    return { SecretList: list };
  }

  private checkKey(keyId: string): void {
    if (keyId !== this.keyArn && keyId !== this.keyId) throw new ServiceError('NotFoundException', `Key '${keyId}' does not exist`);
  }
}

function canonicalContext(context: unknown): string {
  if (!context || typeof context !== 'object') return '';
  return JSON.stringify(Object.entries(context as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}
