/**
 * What the portal is told about where it runs (`config.json`, served beside the page): the same
 * code signs in through Cognito's hosted pages in AWS and the local issuer's at home. It holds no
 * secret: the portal is a public OAuth client (authorization code with PKCE).
 */
export interface PortalConfig {
  /** The API's base URL: '' when it is served on the portal's own origin (both back-ends do). */
  readonly apiBase: string;
  /** The OAuth server: the user pool's domain in AWS, the local API's origin at home. */
  readonly authBase: string;
  /** The portal's own app client. */
  readonly clientId: string;
  /** Exactly the callback URL the app client registers: `<origin>/portal/`. */
  readonly redirectUri: string;
  /** Exactly the sign-out URL the app client registers. */
  readonly logoutUri: string;
  readonly scopes: readonly string[];
  /** Minutes without activity after which the session locks (CJIS AC-11: 30). */
  readonly idleMinutes: number;
}

/** Where the portal lives on its origin, in both back-ends. */
export const PORTAL_PATH = '/portal/';

/** The scopes the portal asks for: who the person is, and the API. */
export const PORTAL_SCOPES = ['openid', 'email', 'ciss/api'] as const;

/** The portal's address on `origin` (`https://d111.cloudfront.net` → `https://d111.cloudfront.net/portal/`): where people open it, its sign-in callback and its sign-out URL. */
export const portalHome = (origin: string): string => `${origin.replace(/\/+$/, '')}${PORTAL_PATH}`;

/** The configuration for a portal served at `origin` (e.g. `http://127.0.0.1:4567`, `https://d111.cloudfront.net`). */
export function portalConfig(origin: string, auth: { readonly authBase: string; readonly clientId: string }): PortalConfig {
  const home = portalHome(origin);
  return { apiBase: '', authBase: auth.authBase.replace(/\/+$/, ''), clientId: auth.clientId, redirectUri: home, logoutUri: home, scopes: PORTAL_SCOPES, idleMinutes: 30 };
}

/**
 * The portal's Content-Security-Policy, the same in both back-ends (CloudFront's response-headers
 * policy, the local gateway): its own script and stylesheet only, nothing inline, requests to its
 * own origin (the API) and the OAuth server, never framed.
 */
export function portalCsp(authBase: string): string {
  const auth = new URL(authBase).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${auth}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
