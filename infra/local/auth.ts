import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { customizeToken, type TokenCustomization, type TokenRequest as TriggerRequest } from '../../functions/auth/claims';
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
  /** The GA courts a court clerk acts for (the `custom:courts` attribute), e.g. ['GA23']. */
  readonly courts?: readonly string[];
  readonly username?: string;
  readonly email?: string;
  /** @default '8h' */
  readonly expiresIn?: string | number;
  /** Only for tests of the authorizer: a token this issuer signs but for another issuer or audience. */
  readonly issuer?: string;
  readonly audience?: string;
  /** Only for tests of the authorizer: an ID token (no scopes), which the API refuses. @default 'access' */
  readonly tokenUse?: 'access' | 'id';
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** Cognito's pre-token-generation step: shapes the token and (in the runtime) audits the logon. */
export type TokenCustomizer = (request: TriggerRequest) => Promise<TokenCustomization>;

/** The app client people sign in through (Cognito's `client_id` claim of their access tokens). */
export const LOCAL_WEB_CLIENT = 'local-web-client';

/**
 * The local stand-in for Cognito: it signs access tokens shaped as Cognito's (`token_use`
 * access, `scope`, `client_id`, `cognito:groups`, `username`) after the same pre-token
 * customization (functions/auth/claims.ts: the API scope, `custom:ori`, `custom:courts`, e-mail), which the local
 * API Gateway verifies, so handlers see the claims the Cognito authorizer gives them in AWS.
 * Unlike Cognito's access tokens, local ones also carry an audience, which the gateway checks.
 * With a key file, tokens stay valid across restarts.
 */
export class LocalIssuer {
  /** In the runtime, the pre-token Lambda itself (which audits each logon); offline, the pure rules. */
  customizer: TokenCustomizer = (request) => Promise.resolve(customizeToken(request));

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

  /** A person's access token, as Cognito issues it after sign-in. */
  async mint(request: TokenRequest): Promise<string> {
    const username = request.username ?? `${request.roles[0] ?? 'user'}${request.ori ? `-${request.ori.toLowerCase()}` : ''}`;
    const userAttributes: Record<string, string> = {
      email: request.email ?? `${username}@example.ct.gov`,
      email_verified: 'true',
      ...(request.ori ? { 'custom:ori': request.ori } : {}),
      ...(request.courts?.length ? { 'custom:courts': request.courts.join(',') } : {}),
    };
    const custom = await this.customizer({ triggerSource: 'TokenGeneration_Authentication', userName: username, clientId: LOCAL_WEB_CLIENT, userAttributes, groups: request.roles, scopes: [] });
    const claims: JWTPayload = {
      'cognito:groups': [...request.roles],
      username,
      client_id: LOCAL_WEB_CLIENT,
      token_use: request.tokenUse ?? 'access',
      ...(request.tokenUse === 'id' ? {} : { scope: ['aws.cognito.signin.user.admin', ...custom.scopesToAdd].join(' ') }),
      ...custom.claims,
    };
    return this.sign(claims, username, request.expiresIn ?? '8h', request.issuer, request.audience);
  }

  /** A machine client's access token (OAuth client credentials), for the scopes it was granted. */
  async mintForClient(clientId: string, scopes: readonly string[], expiresIn: string | number = '1h'): Promise<string> {
    const custom = await this.customizer({ triggerSource: 'TokenGeneration_ClientCredentials', userName: clientId, clientId, userAttributes: {}, groups: [], scopes });
    const claims: JWTPayload = { client_id: clientId, token_use: 'access', scope: [...scopes, ...custom.scopesToAdd].join(' '), ...custom.claims };
    return this.sign(claims, clientId, expiresIn);
  }

  private sign(claims: JWTPayload, subject: string, expiresIn: string | number, issuer = LOCAL_ISSUER, audience = LOCAL_AUDIENCE): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: 'local' }).setSubject(subject).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime(expiresIn).sign(this.privateKey);
  }

  /** Verified claims, or an error when the token is bad, expired or not ours. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: [ALG] });
    return payload;
  }
}
