import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { ROLES, type Role } from '../manifest';

export const LOCAL_ISSUER = 'https://issuer.ciss.local';
export const LOCAL_AUDIENCE = 'ciss-workflows-local';
const ALG = 'ES256';

/** Short names people type (`--role clerk`) for the manifest's roles. */
const ALIASES: Record<string, Role> = { clerk: 'court-clerk', admin: 'agency-admin', rms: 'agency-rms', ops: 'operations' };

export function roleFrom(name: string): Role {
  const role = ALIASES[name] ?? name;
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(`Unknown role "${name}". Roles: ${ROLES.join(', ')} (or ${Object.keys(ALIASES).join(', ')})`);
  return role as Role;
}

export interface TokenRequest {
  readonly roles: readonly Role[];
  readonly ori?: string;
  readonly username?: string;
  readonly email?: string;
  /** @default '8h' */
  readonly expiresIn?: string | number;
  /** Only for tests of the authorizer: a token this issuer signs but for another issuer or audience. */
  readonly issuer?: string;
  readonly audience?: string;
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * The local stand-in for Cognito: it signs ID-token-shaped JWTs (`cognito:groups`,
 * `custom:ori`) that the local API Gateway verifies, so handlers see the claims the Cognito
 * authorizer gives them in AWS. With a key file, tokens stay valid across restarts.
 */
export class LocalIssuer {
  private constructor(private readonly privateKey: Key, private readonly publicKey: Key) {}

  static async create(keyFile?: string): Promise<LocalIssuer> {
    if (keyFile && existsSync(keyFile)) {
      const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
      const { d: _d, ...publicJwk } = jwk;
      return new LocalIssuer((await importJWK(jwk, ALG)) as Key, (await importJWK(publicJwk, ALG)) as Key);
    }
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    if (keyFile) {
      mkdirSync(path.dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
    }
    return new LocalIssuer(privateKey, publicKey);
  }

  async mint(request: TokenRequest): Promise<string> {
    const username = request.username ?? `${request.roles[0] ?? 'user'}${request.ori ? `-${request.ori.toLowerCase()}` : ''}`;
    const claims: JWTPayload = {
      'cognito:groups': [...request.roles],
      'cognito:username': username,
      email: request.email ?? `${username}@example.ct.gov`,
      token_use: 'id',
      ...(request.ori ? { 'custom:ori': request.ori } : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: 'local' })
      .setSubject(username)
      .setIssuer(request.issuer ?? LOCAL_ISSUER)
      .setAudience(request.audience ?? LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(request.expiresIn ?? '8h')
      .sign(this.privateKey);
  }

  /** Verified claims, or an error when the token is bad, expired or not ours. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: [ALG] });
    return payload;
  }
}
