import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { API_SCOPE, oriScope, roleScope } from '../../functions/auth/claims';

/** A machine client (an agency's RMS) as a Cognito app client with the client-credentials grant. */
export interface LocalClient {
  readonly clientId: string;
  readonly name: string;
  /** The scopes it may ask for: the API, its role, its one agency. */
  readonly scopes: readonly string[];
}

interface StoredClient extends LocalClient {
  readonly secret: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The app clients of the local user pool. In AWS each RMS is an app client the CDK stack makes
 * (`rmsClients`), allowed `ciss/api`, `ciss/agency-rms` and `ciss/ori.<its ORI>`; locally the
 * same, kept (with secrets, like the issuer key) under `.local/` so they survive a restart.
 */
export class LocalClients {
  private constructor(private readonly clients: StoredClient[], private readonly file?: string) {}

  static load(dataDir?: string): LocalClients {
    const file = dataDir ? path.join(dataDir, 'clients.json') : undefined;
    const clients = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredClient[]) : [];
    return new LocalClients(clients, file);
  }

  /** The RMS client of an agency, made on first use; answers its id and secret. */
  rmsClient(ori: string, name = `rms-${ori.toLowerCase()}`): { clientId: string; clientSecret: string } {
    let client = this.clients.find((c) => c.name === name);
    if (!client) {
      client = { clientId: randomBytes(13).toString('hex'), name, scopes: [API_SCOPE, roleScope('agency-rms'), oriScope(ori)], secret: randomBytes(32).toString('base64url') };
      this.clients.push(client);
      this.save();
    }
    return { clientId: client.clientId, clientSecret: client.secret };
  }

  /** The CISS Search training provider's client (the exam-provider role, no agency), made on first use. */
  examProviderClient(name = 'exam-provider'): { clientId: string; clientSecret: string } {
    let client = this.clients.find((c) => c.name === name);
    if (!client) {
      client = { clientId: randomBytes(13).toString('hex'), name, scopes: [API_SCOPE, roleScope('exam-provider')], secret: randomBytes(32).toString('base64url') };
      this.clients.push(client);
      this.save();
    }
    return { clientId: client.clientId, clientSecret: client.secret };
  }

  /**
   * A new machine client with these scopes, as Cognito's CreateUserPoolClient makes one (an
   * agency provisioned through the API: user-pool-api.ts). Always a new id and secret.
   */
  addClient(name: string, scopes: readonly string[]): { clientId: string; clientSecret: string } {
    const client: StoredClient = { clientId: randomBytes(13).toString('hex'), name, scopes: [...scopes], secret: randomBytes(32).toString('base64url') };
    this.clients.push(client);
    this.save();
    return { clientId: client.clientId, clientSecret: client.secret };
  }

  /** The client, when the secret is its own (compared in constant time). */
  authenticate(clientId: string, secret: string): LocalClient | undefined {
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client || !timingSafeEqual(digest(client.secret), digest(secret))) return undefined;
    return { clientId: client.clientId, name: client.name, scopes: client.scopes };
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.clients, null, 2), { mode: 0o600 });
  }
}
