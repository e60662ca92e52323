import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { customizeToken, type TokenCustomization, type TokenRequest as TriggerRequest } from '../../functions/auth/claims';
import { ROLES, type Role } from '../manifest';

export const LOCAL_ISSUER = 'https://issuer.ciss.local';
export const LOCAL_AUDIENCE = 'ciss-workflows-local';
const ALG = 'ES256';

/**
 * The longest a token of this issuer may live (`exp` - `iat`): people's tokens default to 8 h and
 * may ask for up to 12 h (`npm run token -- --expires`); Cognito's default is 1 h.
 */
export const MAX_TOKEN_LIFETIME_S = 12 * 3600;
/** How far in the future a token's `iat` may be (clock skew between issuer and gateway). */
export const MAX_CLOCK_SKEW_S = 60;

/** Why a token was refused, as the 401 says it: nothing more is revealed. */
export type TokenRefusal = 'missing' | 'expired' | 'malformed' | 'not-for-this-api';

/** A refused token: `reason` is for the caller, `detail` for the access log (never the token). */
export class TokenRejected extends Error {
  constructor(readonly reason: TokenRefusal, readonly detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'TokenRejected';
  }
}

/** Short names people type (`--role clerk`) for the manifest's roles. */
const ALIASES: Record<string, Role> = { clerk: 'court-clerk', admin: 'agency-admin', rms: 'agency-rms', staff: 'agency-staff', ops: 'operations' };

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
  /** The app client the person signed in through (the `client_id` claim). @default LOCAL_WEB_CLIENT */
  readonly clientId?: string;
  /** The OAuth scopes granted at sign-in, before the pre-token trigger adds its own. @default ['aws.cognito.signin.user.admin'] */
  readonly scopes?: readonly string[];
  /** A refresh-token grant: the pre-token trigger sees `TokenGeneration_RefreshTokens` (audited as a refresh). @default false */
  readonly refresh?: boolean;
}

/** What an ID token says of a person (Cognito's ID token: the user's attributes and groups). */
export interface IdTokenRequest {
  readonly username: string;
  readonly email: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  readonly ori?: string;
  readonly courts?: readonly string[];
  /** The app client: the ID token's audience. */
  readonly clientId: string;
  /** When the person signed in (epoch seconds): kept across refreshes. @default now */
  readonly authTime?: number;
  /** @default '1h' */
  readonly expiresIn?: string | number;
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** Where a token request came from, when the issuer saw it (the token endpoint does). */
export interface LogonSource {
  readonly ip?: string;
  readonly userAgent?: string;
}

/** Cognito's pre-token-generation step: shapes the token and (in the runtime) audits the logon, with its source when known. */
export type TokenCustomizer = (request: TriggerRequest, source?: LogonSource) => Promise<TokenCustomization>;

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
  /**
   * The roles a person holds by a lifecycle's grant (CISS Search's `search` after certification),
   * read when their token is minted, as Cognito reads a user's groups: a grant shows in the next
   * token, a suspension is gone from it. In the runtime, the grants in the main table (grants.ts).
   */
  grantedRoles: (email: string) => Promise<readonly Role[]> = () => Promise.resolve([]);

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
  async mint(request: TokenRequest, source?: LogonSource): Promise<string> {
    const username = request.username ?? `${request.roles[0] ?? 'user'}${request.ori ? `-${request.ori.toLowerCase()}` : ''}`;
    const userAttributes: Record<string, string> = {
      email: request.email ?? `${username}@example.ct.gov`,
      email_verified: 'true',
      ...(request.ori ? { 'custom:ori': request.ori } : {}),
      ...(request.courts?.length ? { 'custom:courts': request.courts.join(',') } : {}),
    };
    const clientId = request.clientId ?? LOCAL_WEB_CLIENT;
    const triggerSource = request.refresh ? 'TokenGeneration_RefreshTokens' : 'TokenGeneration_Authentication';
    const roles = await this.withGrants(request.roles, userAttributes['email'] ?? '');
    const custom = await this.customizer({ triggerSource, userName: username, clientId, userAttributes, groups: roles, scopes: [] }, source);
    const scopes = new Set([...(request.scopes ?? ['aws.cognito.signin.user.admin']), ...custom.scopesToAdd]);
    const claims: JWTPayload = {
      'cognito:groups': roles,
      username,
      client_id: clientId,
      token_use: request.tokenUse ?? 'access',
      ...(request.tokenUse === 'id' ? {} : { scope: [...scopes].join(' ') }),
      ...custom.claims,
    };
    return this.sign(claims, username, request.expiresIn ?? '8h', request.issuer, request.audience);
  }

  /**
   * A person's ID token, as Cognito issues it beside the access token when the `openid` scope is
   * granted: `token_use` id, the app client as audience, `cognito:username`, e-mail, groups and
   * the custom attributes. The API refuses it (not an access token); the portal may read it. No
   * pre-token trigger runs for it here: the access token's grant already audited the logon.
   */
  async mintIdToken(request: IdTokenRequest): Promise<string> {
    const claims: JWTPayload = {
      token_use: 'id',
      'cognito:username': request.username,
      'cognito:groups': await this.withGrants(request.roles, request.email),
      email: request.email,
      email_verified: true,
      ...(request.name ? { name: request.name } : {}),
      ...(request.ori ? { 'custom:ori': request.ori } : {}),
      ...(request.courts?.length ? { 'custom:courts': request.courts.join(',') } : {}),
      auth_time: request.authTime ?? Math.floor(Date.now() / 1000),
    };
    return this.sign(claims, request.username, request.expiresIn ?? '1h', LOCAL_ISSUER, request.clientId);
  }

  /** A person's roles and those their grants give, once each. */
  private async withGrants(roles: readonly Role[], email: string): Promise<Role[]> {
    return [...new Set([...roles, ...(email ? await this.grantedRoles(email) : [])])];
  }

  /** A machine client's access token (OAuth client credentials), for the scopes it was granted. */
  async mintForClient(clientId: string, scopes: readonly string[], expiresIn: string | number = '1h', source?: LogonSource): Promise<string> {
    const custom = await this.customizer({ triggerSource: 'TokenGeneration_ClientCredentials', userName: clientId, clientId, userAttributes: {}, groups: [], scopes }, source);
    const claims: JWTPayload = { client_id: clientId, token_use: 'access', scope: [...scopes, ...custom.scopesToAdd].join(' '), ...custom.claims };
    return this.sign(claims, clientId, expiresIn);
  }

  private async sign(claims: JWTPayload, subject: string, expiresIn: string | number, issuer = LOCAL_ISSUER, audience = LOCAL_AUDIENCE): Promise<string> {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: 'local' }).setSubject(subject).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime(expiresIn).sign(this.privateKey);
    const { exp = 0, iat = 0 } = decodeJwt(token);
    if (exp - iat > MAX_TOKEN_LIFETIME_S) throw new Error(`expiresIn must be at most ${MAX_TOKEN_LIFETIME_S / 3600}h (the gateway refuses a longer-lived token), got "${expiresIn}"`);
    return token;
  }

  /**
   * Verified claims of an access token of this issuer, or `TokenRejected` saying why: malformed
   * (not a JWT), expired, or not for this API (signature, algorithm, issuer, audience, a missing
   * `exp`, `iat` or `token_use`, an ID token, an `iat` in the future or a lifetime over 12 h).
   */
  async verify(token: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp', 'iat', 'token_use'] }));
    } catch (error) {
      throw refusalOf(error);
    }
    const now = Math.floor(Date.now() / 1000);
    const { exp = 0, iat = 0 } = payload;
    if (iat > now + MAX_CLOCK_SKEW_S) throw new TokenRejected('not-for-this-api', 'iat is in the future');
    if (exp - iat > MAX_TOKEN_LIFETIME_S) throw new TokenRejected('not-for-this-api', `lifetime over ${MAX_TOKEN_LIFETIME_S} s`);
    if (payload['token_use'] !== 'access') throw new TokenRejected('not-for-this-api', 'not an access token');
    return payload;
  }
}

/** jose's error, as the gateway says it: the claim or check that failed, never a value. */
function refusalOf(error: unknown): TokenRejected {
  if (error instanceof errors.JWTExpired) return new TokenRejected('expired', 'exp is past');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new TokenRejected('malformed', 'not a compact JWS with a JSON claims set');
  if (error instanceof errors.JWTClaimValidationFailed) return new TokenRejected('not-for-this-api', `claim ${error.claim} ${error.reason}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRejected('not-for-this-api', 'signature');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return new TokenRejected('not-for-this-api', 'algorithm');
  return new TokenRejected('malformed', (error as Error).name);
}
