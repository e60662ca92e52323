import type { PortalConfig } from '../config';

/**
 * Sign-in for a public client: OAuth 2.0 authorization code with PKCE (S256), against Cognito's
 * hosted pages in AWS and the local issuer at home (the same endpoints). Tokens are held in this
 * page's memory only: never localStorage, never sessionStorage, never a URL. Only the PKCE
 * verifier and the state (useless without the code) wait in sessionStorage across the redirect.
 *
 * The person's roles, agency and courts are read from the access token for display: the API
 * decides what they may do, and the portal adds no authority of its own.
 */

/** Who is signed in, as the access token says. */
export interface Person {
  readonly username: string;
  readonly roles: readonly string[];
  readonly ori?: string;
  readonly courts: readonly string[];
  readonly email?: string;
}

interface TokenAnswer {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
}

interface Pending {
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

const PENDING_KEY = 'ciss-portal-sign-in';
const SIGNED_OUT_KEY = 'ciss-portal-signed-out';
/** Refresh this long before the access token expires. */
const REFRESH_EARLY_MS = 60_000;

export class SignInFailed extends Error {
  override readonly name = 'SignInFailed';
}

export class NotSignedIn extends Error {
  override readonly name = 'NotSignedIn';
}

const base64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (bytes: number): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)));
const challengeOf = async (verifier: string): Promise<string> => base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** The claims of a JWT, unverified: for display only (the API verifies). */
function personOf(token: string): Person {
  const payload = token.split('.')[1] ?? '';
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string) : undefined);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  return {
    username: text('username') ?? text('sub') ?? 'unknown',
    roles: groups,
    ...(text('custom:ori') ? { ori: text('custom:ori') } : {}),
    courts: (text('custom:courts') ?? '').split(',').filter(Boolean),
    ...(text('email') ? { email: text('email') } : {}),
  };
}

export type SessionState = 'signed-out' | 'signed-in' | 'locked';

export class Session {
  private access?: string;
  private refresh?: string;
  private expiresAt = 0;
  private lastActivity = Date.now();
  person?: Person;
  state: SessionState = 'signed-out';
  /** Called whenever `state` changes. */
  onChange: () => void = () => undefined;

  constructor(readonly config: PortalConfig) {}

  /** Sends the browser to the sign-in page; it comes back to `returnTo` (a `#/…` route). */
  async signIn(returnTo: string): Promise<void> {
    const pending: Pending = { verifier: randomString(48), state: randomString(24), returnTo };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      state: pending.state,
      code_challenge: await challengeOf(pending.verifier),
      code_challenge_method: 'S256',
    });
    location.assign(`${this.config.authBase}/oauth2/authorize?${query.toString()}`);
  }

  /**
   * On the callback (`/portal/?code=…&state=…`), trades the code for tokens and returns the route
   * the person was going to; undefined when this page load is not a callback.
   */
  async completeSignIn(): Promise<string | undefined> {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    const error = params.get('error');
    if (!code && !error) return undefined;
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
    // The code leaves the address bar and the history at once.
    history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? '#/'}`);
    if (error) throw new SignInFailed(`Sign-in did not complete: ${params.get('error_description') ?? error}.`);
    if (!pending || pending.state !== params.get('state')) throw new SignInFailed('The sign-in answer does not belong to a sign-in this page started. Sign in again.');
    this.adopt(await this.tokenRequest({ grant_type: 'authorization_code', client_id: this.config.clientId, code: code ?? '', redirect_uri: this.config.redirectUri, code_verifier: pending.verifier }));
    return pending.returnTo;
  }

  /** Whether the last page load ended a sign-out (the sign-out URL brings the person back here). */
  consumeSignedOut(): boolean {
    const was = sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    return was;
  }

  /** A current access token, refreshed when it is about to expire. */
  async token(): Promise<string> {
    if (this.state !== 'signed-in' || !this.access) throw new NotSignedIn('Not signed in');
    if (Date.now() > this.expiresAt - REFRESH_EARLY_MS && this.refresh) {
      this.adopt(await this.tokenRequest({ grant_type: 'refresh_token', client_id: this.config.clientId, refresh_token: this.refresh }));
    }
    return this.access;
  }

  /** Activity (a key or a click) keeps the session open. */
  touch(): void {
    if (this.state === 'signed-in') this.lastActivity = Date.now();
  }

  /** Locks the session once it has been idle `idleMinutes` (CJIS AC-11): the tokens go, and the refresh token is revoked. */
  async lockIfIdle(): Promise<void> {
    if (this.state !== 'signed-in' || Date.now() - this.lastActivity < this.config.idleMinutes * 60_000) return;
    await this.forget();
    this.setState('locked');
  }

  /** Revokes the refresh token, forgets the tokens and ends the hosted session (the sign-out URL). */
  async signOut(): Promise<void> {
    await this.forget();
    sessionStorage.setItem(SIGNED_OUT_KEY, '1');
    const query = new URLSearchParams({ client_id: this.config.clientId, logout_uri: this.config.logoutUri });
    location.assign(`${this.config.authBase}/logout?${query.toString()}`);
  }

  private async forget(): Promise<void> {
    const refresh = this.refresh;
    this.access = undefined;
    this.refresh = undefined;
    this.person = undefined;
    if (!refresh) return;
    // Best effort: the person is signed out here whatever the answer.
    await fetch(`${this.config.authBase}/oauth2/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: refresh, client_id: this.config.clientId }) }).catch(() => undefined);
  }

  private adopt(answer: TokenAnswer): void {
    this.access = answer.access_token;
    this.refresh = answer.refresh_token ?? this.refresh;
    this.expiresAt = Date.now() + answer.expires_in * 1000;
    this.person = personOf(answer.access_token);
    this.lastActivity = Date.now();
    this.setState('signed-in');
  }

  private setState(state: SessionState): void {
    this.state = state;
    this.onChange();
  }

  private async tokenRequest(form: Record<string, string>): Promise<TokenAnswer> {
    const res = await fetch(`${this.config.authBase}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const body = (await res.json().catch(() => ({}))) as Partial<TokenAnswer> & { error?: string };
    if (!res.ok || !body.access_token || typeof body.expires_in !== 'number') throw new SignInFailed(`The sign-in service refused the request (${body.error ?? res.status}). Sign in again.`);
    return body as TokenAnswer;
  }
}
