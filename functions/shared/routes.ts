/**
 * What an API route is: application vocabulary, so it lives here and the manifest (infra/)
 * imports it, never the other way round. Each area writes its routes in its own leaf module
 * (`functions/<area>/routes.ts`), one named constant per route, and each route's Lambda entry
 * imports only its own constant: a bundle carries its own route and no other.
 *
 * A route's `id` is also the name of the one function that serves it. The manifest lists the
 * function specs keyed by route id (`satisfies Record<RouteId, …>`), so a route without a
 * function, or a function for no route, does not compile; `test/unit/route-entries.test.ts`
 * checks that each entry serves the route it is listed for.
 */
import type { Role } from './roles';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A per-source-IP rate limit; WAF evaluates over 60, 120, 300 or 600 seconds and needs at least 10 requests. */
export interface PerSourceLimit {
  readonly requests: number;
  readonly windowSeconds: 60 | 120 | 300 | 600;
}

export interface RouteSpec {
  /** The route's name, `<area>-<what it does>`: also the name of the function behind it. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path, with `{param}` placeholders. */
  readonly path: string;
  /**
   * How the caller proves who they are: a JWT (Cognito in AWS); for the pages that e-mailed
   * approval links open, the link's own signature; for first-time login, the credentials in the
   * request itself. The last two are checked by the handler, with no token at the gateway.
   */
  readonly auth: 'token' | 'signed-link' | 'credentials';
  /** Roles allowed to call the route (token routes); empty for the others. */
  readonly roles: readonly Role[];
  /** When true, agency roles see only their own ORI's data (enforced by the use case). */
  readonly oriScoped: boolean;
  /**
   * When true, a court clerk whose token names no court is refused (403, audited) before the use
   * case runs, unless another of their roles opens the route on its own.
   * @default false
   */
  readonly courtScoped?: boolean;
  /**
   * Requests one source IP may make to this route in any window before the gateway answers 429:
   * WAF's rate-based rule in AWS, the local gateway the same. For routes anyone can call.
   * @default no limit beyond the API-wide one
   */
  readonly perSourceLimit?: PerSourceLimit;
}

/** `METHOD /path`, as logs, audit records and error messages name a route. */
export const routeName = (route: Pick<RouteSpec, 'method' | 'path'>): string => `${route.method} ${route.path}`;
