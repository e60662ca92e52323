import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordAudit, AuditSubject, type AuditEvent } from '../../functions/shared/audit';
import { API_SCOPE, TokenRefused } from '../../functions/auth/claims';
import type { PeopleGrants, TokenFailure } from './apigateway';
import type { LocalIssuer, LogonSource } from './auth';
import type { Clock } from './clock';
import { PAGE_HEADERS, readBody, send } from './http';
import { errorPage, SIGN_IN_CSS, SIGN_IN_CSS_PATH, signInPage, type SignInPageRequest } from './oauth-pages';
import type { DemoUser } from './users';

/** The portal's app client of the local user pool (a public client: no secret, PKCE instead). */
export const PORTAL_CLIENT_ID = 'local-portal';

/** How long an authorization code may be redeemed (Cognito: 5 minutes). */
export const CODE_LIFETIME_MS = 5 * 60 * 1000;
/** Access and ID tokens of people (Cognito's default: 1 hour). */
export const PERSON_TOKEN_LIFETIME_S = 3600;
/** Refresh tokens of the portal client (kept to the 12 h CJIS session ceiling here). */
export const REFRESH_LIFETIME_MS = 12 * 3600 * 1000;

/**
 * Scopes the portal client may ask for, as its Cognito app client allows them: OpenID's and the
 * API's. Never a machine role's or an agency's scope (`ciss/agency-rms`, `ciss/ori.*`): those
 * make a token a machine client's.
 */
export const PORTAL_CLIENT_SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin', API_SCOPE] as const;

/** An app client that signs people in with the authorization-code grant (Cognito's hosted UI). */
export interface PublicClient {
  readonly clientId: string;
  /** The exact callback URLs a code may be sent to. */
  readonly callbackUrls: readonly string[];
  /** The exact URLs `/logout` may send the browser back to. */
  readonly logoutUrls: readonly string[];
  readonly allowedScopes: readonly string[];
}

export interface HostedSignInOptions {
  readonly issuer: LocalIssuer;
  /** Codes and refresh tokens expire on the runtime's clock. */
  readonly clock: Clock;
  readonly users: readonly DemoUser[];
  readonly clients: readonly PublicClient[];
  /** A refused token request (as Cognito's `Token_POST` in CloudTrail). */
  readonly onFailure?: (failure: TokenFailure) => void;
  /** Where a sign-out (revoked refresh token) is recorded. @default recordAudit (the audit table) */
  readonly audit?: (event: AuditEvent) => Promise<void>;
}

/** A code's hash → what it was issued for. Consumed codes stay (until they expire) to detect reuse. */
interface CodeGrant {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  consumed: boolean;
  /** The refresh token issued for it (its hash): revoked if the code is presented again. */
  refreshHash?: string;
}

interface RefreshGrant {
  readonly clientId: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly authTime: number;
  revoked: boolean;
}

/** Why a request was refused, in RFC 6749's words. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_response_type' | 'unsupported_token_type';

/** An authorization request that names a known client and one of its callback URLs. */
export type AuthorizeCheck =
  | { readonly kind: 'ok'; readonly request: SignInPageRequest }
  /** Not to be sent back to the client: the client or the redirect URI is not registered. */
  | { readonly kind: 'page'; readonly message: string }
  /** Sent back to the (registered) redirect URI as `error`, as RFC 6749 §4.1.2.1 says. */
  | { readonly kind: 'redirect'; readonly redirectUri: string; readonly error: OAuthError; readonly description: string; readonly state?: string };

/** A PKCE code verifier (RFC 7636 §4.1): 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 code challenge: base64url of a SHA-256 digest, 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE = 2048;

/** The S256 code challenge of a verifier: base64url(sha256(verifier)) (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

const hash = (value: string): string => createHash('sha256').update(value).digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks an authorization request (query of GET, or form of POST) as Cognito's `/oauth2/authorize`
 * does. A request naming an unknown client or a redirect URI that is not exactly one of the
 * client's is answered here and never redirected; any other fault goes back to the redirect URI.
 */
export function checkAuthorize(params: URLSearchParams, clients: readonly PublicClient[]): AuthorizeCheck {
  const clientId = params.get('client_id');
  if (!clientId) return { kind: 'page', message: 'client_id is missing: the request must name the app client.' };
  const client = clients.find((c) => c.clientId === clientId);
  if (!client) return { kind: 'page', message: `client_id "${clientId}" is not an app client of this user pool.` };
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) return { kind: 'page', message: 'redirect_uri is missing: it must be one of the app client’s callback URLs.' };
  if (!client.callbackUrls.includes(redirectUri)) return { kind: 'page', message: `redirect_uri "${redirectUri}" is not a callback URL of app client ${clientId}: it must match one exactly.` };

  const state = params.get('state') ?? undefined;
  const refuse = (error: OAuthError, description: string): AuthorizeCheck => ({ kind: 'redirect', redirectUri, error, description, state });
  if (state !== undefined && state.length > MAX_STATE) return refuse('invalid_request', `state must be at most ${MAX_STATE} characters`);
  if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'response_type must be code');
  const method = params.get('code_challenge_method');
  if (method !== 'S256') return refuse('invalid_request', 'code_challenge_method must be S256 (PKCE; plain is not accepted)');
  const codeChallenge = params.get('code_challenge') ?? '';
  if (!CHALLENGE.test(codeChallenge)) return refuse('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters)');
  const asked = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const foreign = asked.filter((s) => !client.allowedScopes.includes(s));
  if (foreign.length) return refuse('invalid_scope', `this client may not ask for ${foreign.join(' ')}`);
  // Cognito grants every scope the client allows when none is asked for.
  const scopes = asked.length ? [...new Set(asked)] : [...client.allowedScopes];
  return { kind: 'ok', request: { clientId, redirectUri, state, codeChallenge, scopes } };
}

/** `uri` with `params` added to its query (a callback URL may carry a query of its own). */
function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * The sign-in page may not be framed, runs no script, and posts only to its own origin. Unlike
 * the other pages, it sends its origin with the form (`Referrer-Policy: same-origin`), so that a
 * form posted from another site is told apart.
 */
const PAGE_CSP = ["default-src 'none'", "style-src 'self'", "img-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');
const HTML_HEADERS = { ...PAGE_HEADERS, 'Referrer-Policy': 'same-origin', 'Content-Security-Policy': PAGE_CSP, 'Content-Type': 'text/html; charset=utf-8' };
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * The local stand-in for Cognito's hosted UI and OAuth 2.0 endpoints for people: the
 * authorization-code grant with PKCE (S256 only), refresh tokens, revocation and logout, on the
 * local API's origin, with the same paths, parameters and error codes as a Cognito domain. The
 * sign-in page lists the people of the local user pool (users.ts) instead of asking for a
 * password and TOTP code. Access tokens come from the local issuer's `mint`, so Cognito's
 * pre-token trigger shapes them and audits the logon, as in AWS.
 *
 * Codes and refresh tokens are kept in memory, by their SHA-256 only: a restart signs everyone
 * out. Nothing here logs a code, a verifier or a token.
 */
export class HostedSignIn implements PeopleGrants {
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly audit: (event: AuditEvent) => Promise<void>;

  constructor(private readonly options: HostedSignInOptions) {
    this.audit = options.audit ?? recordAudit;
  }

  /** The paths of Cognito's domain, beside the token endpoint, that `serve` answers. */
  readonly paths: readonly string[] = ['/oauth2/authorize', '/oauth2/revoke', SIGN_IN_CSS_PATH, '/logout'];

  /** `GET|POST /oauth2/authorize`, `POST /oauth2/revoke`, `GET /logout` and the page's stylesheet. */
  readonly serve = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    if (url.pathname === SIGN_IN_CSS_PATH && method === 'GET') return this.text(res, 200, SIGN_IN_CSS, 'text/css; charset=utf-8');
    if (url.pathname === '/oauth2/authorize' && method === 'GET') return this.authorizePage(res, url.searchParams);
    if (url.pathname === '/oauth2/authorize' && method === 'POST') return this.authorizeChoice(req, res);
    if (url.pathname === '/oauth2/revoke' && method === 'OPTIONS') return this.preflight(req, res);
    if (url.pathname === '/oauth2/revoke' && method === 'POST') return this.revoke(req, res);
    if (url.pathname === '/logout' && method === 'GET') return this.logout(res, url.searchParams);
    return send(res, 405, { error: 'invalid_request', error_description: `${method} is not accepted on ${url.pathname}` }, { Allow: url.pathname === '/oauth2/revoke' ? 'POST, OPTIONS' : url.pathname === '/oauth2/authorize' ? 'GET, POST' : 'GET' });
  };

  /** CORS headers for a registered client's origin (as Cognito answers its token and revoke endpoints), else none. */
  cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !this.options.clients.some((c) => c.callbackUrls.some((u) => new URL(u).origin === origin))) return { Vary: 'Origin' };
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  /** The answer to a CORS preflight of the token or revoke endpoint. */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    const cors = this.cors(req);
    const allowed = 'Access-Control-Allow-Origin' in cors ? { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' } : cors;
    res.writeHead(204, allowed);
    res.end();
  }

  /**
   * `POST /oauth2/token` for people: `authorization_code` (with the PKCE verifier) and
   * `refresh_token`. The gateway hands the form over; client credentials stay its own.
   */
  async grant(form: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { ...NO_STORE, ...this.cors(req) };
    const clientId = form.get('client_id') ?? '';
    const source: LogonSource = { ip: req.socket.remoteAddress, userAgent: req.headers['user-agent'] };
    const fail = (error: OAuthError, description: string): void => {
      this.options.onFailure?.({ clientId, error, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] });
      send(res, 400, { error, error_description: description }, headers);
    };
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client) return fail('invalid_client', clientId ? `client_id "${clientId}" is not an app client of this user pool` : 'client_id is missing');
    try {
      const grantType = form.get('grant_type');
      const answer = grantType === 'authorization_code' ? await this.redeemCode(client, form, source) : grantType === 'refresh_token' ? await this.refresh(client, form, source) : { error: 'unsupported_grant_type' as const, description: 'grant_type must be authorization_code or refresh_token' };
      if ('error' in answer) return fail(answer.error, answer.description);
      send(res, 200, answer, headers);
    } catch (error) {
      if (!(error instanceof TokenRefused)) throw error;
      fail('invalid_request', error.message);
    }
  }

  private authorizePage(res: ServerResponse, params: URLSearchParams): void {
    const checked = checkAuthorize(params, this.options.clients);
    if (checked.kind === 'page') return this.text(res, 400, errorPage(checked.message), HTML_HEADERS['Content-Type']);
    if (checked.kind === 'redirect') return this.redirect(res, withQuery(checked.redirectUri, { error: checked.error, error_description: checked.description, state: checked.state }));
    return this.text(res, 200, signInPage(checked.request, this.options.users), HTML_HEADERS['Content-Type']);
  }

  /**
   * The person chose who to sign in as: the original request is checked again, then the browser
   * goes back to the redirect URI with a code bound to the client, the redirect URI and the PKCE
   * challenge, redeemable once within five minutes.
   */
  private async authorizeChoice(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (origin !== undefined && origin !== `http://${host}`) return this.text(res, 403, errorPage('The sign-in form was posted from another site. Open the portal again and sign in from there.'), HTML_HEADERS['Content-Type']);
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
    } catch {
      return this.text(res, 413, errorPage('The sign-in form is too large.'), HTML_HEADERS['Content-Type']);
    }
    const checked = checkAuthorize(form, this.options.clients);
    if (checked.kind === 'page') return this.text(res, 400, errorPage(checked.message), HTML_HEADERS['Content-Type']);
    if (checked.kind === 'redirect') return this.redirect(res, withQuery(checked.redirectUri, { error: checked.error, error_description: checked.description, state: checked.state }));
    const username = form.get('username') ?? '';
    const user = this.options.users.find((u) => u.username === username);
    if (!user) return this.text(res, 400, errorPage(`username: "${username}" is not a person of the local user pool; choose one of the buttons.`), HTML_HEADERS['Content-Type']);
    const { request } = checked;
    this.sweep();
    const code = randomBytes(32).toString('base64url');
    this.codes.set(hash(code), { clientId: request.clientId, redirectUri: request.redirectUri, codeChallenge: request.codeChallenge, username: user.username, scopes: request.scopes, expiresAt: this.options.clock.now() + CODE_LIFETIME_MS, consumed: false });
    return this.redirect(res, withQuery(request.redirectUri, { code, state: request.state }));
  }

  private async redeemCode(client: PublicClient, form: URLSearchParams, source: LogonSource): Promise<TokenAnswer | Refusal> {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    const verifier = form.get('code_verifier');
    if (!code) return { error: 'invalid_request', description: 'code is missing' };
    if (!redirectUri) return { error: 'invalid_request', description: 'redirect_uri is missing: it must be the one of the authorization request' };
    if (!verifier) return { error: 'invalid_request', description: 'code_verifier is missing (PKCE)' };
    if (!VERIFIER.test(verifier)) return { error: 'invalid_request', description: 'code_verifier must be 43 to 128 letters, digits and - . _ ~ (RFC 7636)' };
    const grant = this.codes.get(hash(code));
    if (!grant || grant.expiresAt <= this.options.clock.now()) return { error: 'invalid_grant', description: 'the code is unknown or expired' };
    if (grant.consumed) {
      // RFC 6749 §4.1.2: a code presented twice may have been stolen; what it gave is withdrawn.
      const issued = grant.refreshHash && this.refreshTokens.get(grant.refreshHash);
      if (issued) issued.revoked = true;
      return { error: 'invalid_grant', description: 'the code has already been used' };
    }
    grant.consumed = true;
    if (grant.clientId !== client.clientId) return { error: 'invalid_grant', description: 'the code was issued to another client' };
    if (grant.redirectUri !== redirectUri) return { error: 'invalid_grant', description: 'redirect_uri differs from the one of the authorization request' };
    if (!sameText(s256(verifier), grant.codeChallenge)) return { error: 'invalid_grant', description: 'code_verifier does not match the code_challenge (S256)' };
    const user = this.options.users.find((u) => u.username === grant.username);
    if (!user) return { error: 'invalid_grant', description: 'the user is no longer in the user pool' };
    const authTime = Math.floor(this.options.clock.now() / 1000);
    const tokens = await this.tokensFor(user, client.clientId, grant.scopes, authTime, false, source);
    const refreshToken = randomBytes(48).toString('base64url');
    grant.refreshHash = hash(refreshToken);
    this.refreshTokens.set(grant.refreshHash, { clientId: client.clientId, username: user.username, scopes: grant.scopes, expiresAt: this.options.clock.now() + REFRESH_LIFETIME_MS, authTime, revoked: false });
    return { ...tokens, refresh_token: refreshToken };
  }

  private async refresh(client: PublicClient, form: URLSearchParams, source: LogonSource): Promise<TokenAnswer | Refusal> {
    const token = form.get('refresh_token');
    if (!token) return { error: 'invalid_request', description: 'refresh_token is missing' };
    const grant = this.refreshTokens.get(hash(token));
    if (!grant || grant.clientId !== client.clientId) return { error: 'invalid_grant', description: 'the refresh token is not valid for this client' };
    if (grant.revoked) return { error: 'invalid_grant', description: 'the refresh token has been revoked' };
    if (grant.expiresAt <= this.options.clock.now()) return { error: 'invalid_grant', description: 'the refresh token has expired: sign in again' };
    const user = this.options.users.find((u) => u.username === grant.username);
    if (!user) return { error: 'invalid_grant', description: 'the user is no longer in the user pool' };
    return this.tokensFor(user, client.clientId, grant.scopes, grant.authTime, true, source);
  }

  /** An access token from the issuer (pre-token trigger and logon audit included), and an ID token when `openid` was granted. */
  private async tokensFor(user: DemoUser, clientId: string, scopes: readonly string[], authTime: number, refresh: boolean, source: LogonSource): Promise<TokenAnswer> {
    const expiresIn = `${PERSON_TOKEN_LIFETIME_S}s`;
    const accessToken = await this.options.issuer.mint({ roles: user.roles, ori: user.ori, courts: user.courts, username: user.username, email: user.email, clientId, scopes, refresh, expiresIn }, source);
    const idToken = scopes.includes('openid')
      ? await this.options.issuer.mintIdToken({ username: user.username, email: user.email, name: user.name, roles: user.roles, ori: user.ori, courts: user.courts, clientId, authTime, expiresIn })
      : undefined;
    return { access_token: accessToken, ...(idToken ? { id_token: idToken } : {}), token_type: 'Bearer', expires_in: PERSON_TOKEN_LIFETIME_S };
  }

  /**
   * `POST /oauth2/revoke`: the refresh token is refused from now on (sign-out). As RFC 7009 says,
   * a token the server does not know is answered 200; an access token cannot be revoked here
   * (`unsupported_token_type`, as Cognito answers). The sign-out is audited by user name.
   */
  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { ...NO_STORE, ...this.cors(req) };
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
    } catch {
      return send(res, 413, { error: 'invalid_request', error_description: 'the request is too large' }, headers);
    }
    const clientId = form.get('client_id') ?? '';
    const token = form.get('token');
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client) return send(res, 400, { error: 'invalid_client', error_description: clientId ? `client_id "${clientId}" is not an app client of this user pool` : 'client_id is missing' }, headers);
    if (!token) return send(res, 400, { error: 'invalid_request', error_description: 'token is missing' }, headers);
    if (token.split('.').length === 3) return send(res, 400, { error: 'unsupported_token_type', error_description: 'only a refresh token can be revoked' }, headers);
    const grant = this.refreshTokens.get(hash(token));
    if (grant && grant.clientId !== client.clientId) return send(res, 400, { error: 'invalid_request', error_description: 'the token was issued to another client' }, headers);
    if (grant && !grant.revoked) {
      grant.revoked = true;
      await this.audit({
        type: 'Logoff',
        outcome: 'success',
        actor: grant.username,
        component: 'cognito',
        subject: AuditSubject.of('identity', grant.username),
        source: { ip: req.socket.remoteAddress, userAgent: req.headers['user-agent'] },
        details: { event: 'RevokeToken', clientId: client.clientId },
      });
    }
    res.writeHead(200, { ...headers, 'Content-Length': 0 });
    res.end();
  }

  /** `GET /logout`: back to the client's sign-out URL when it is exactly a registered one, else a 400 page. */
  private logout(res: ServerResponse, params: URLSearchParams): void {
    const clientId = params.get('client_id') ?? '';
    const logoutUri = params.get('logout_uri') ?? '';
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client) return this.text(res, 400, errorPage(clientId ? `client_id "${clientId}" is not an app client of this user pool.` : 'client_id is missing.'), HTML_HEADERS['Content-Type']);
    if (!client.logoutUrls.includes(logoutUri)) return this.text(res, 400, errorPage(`logout_uri "${logoutUri}" is not a sign-out URL of app client ${clientId}: it must match one exactly.`), HTML_HEADERS['Content-Type']);
    this.redirect(res, logoutUri);
  }

  /** Drops codes past their lifetime and refresh tokens past theirs (memory stays bounded by the sign-ins of 12 hours). */
  private sweep(): void {
    const now = this.options.clock.now();
    for (const [key, grant] of this.codes) if (grant.expiresAt <= now) this.codes.delete(key);
    for (const [key, grant] of this.refreshTokens) if (grant.expiresAt <= now) this.refreshTokens.delete(key);
  }

  private redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { ...NO_STORE, Location: location, 'Content-Length': 0, 'Referrer-Policy': 'no-referrer' });
    res.end();
  }

  private text(res: ServerResponse, status: number, body: string, contentType: string): void {
    const headers = contentType.startsWith('text/html') ? HTML_HEADERS : { ...PAGE_HEADERS, 'Content-Type': contentType };
    res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

interface TokenAnswer {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

interface Refusal {
  readonly error: OAuthError;
  readonly description: string;
}
