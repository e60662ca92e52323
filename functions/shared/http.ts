import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { ROLES, type Role } from './roles';
import { routeName, type RouteSpec } from './routes';
import { rolesFromScopes } from '../auth/claims';
import { AuditSubject, recordAudit, sourceOf } from './audit';
import { COURTS_CLAIM, lacksCourt, NO_COURT_MESSAGE, parseCourts } from './courts';
import { AppError, Forbidden, Unauthorized, ValidationFailed, type FieldProblem } from './errors';
import { withMessage, wordsForIssue } from './messages';
import { accountRefusal } from './adapters/account-check';
import { correlate, correlationKeysOfPath, logger } from './observability';

/** Who is calling, from the authorizer's claims (Cognito in AWS, the local issuer locally). */
export interface Caller {
  readonly sub: string;
  readonly username: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  /** The caller's agency (ORI) for agency roles. */
  readonly ori?: string;
  /** The GA courts a court clerk acts for (`custom:courts`), e.g. ['GA23', 'GA7']; [] when none. */
  readonly courts: readonly string[];
}

/** A token route's event, once the caller is known and allowed: what a use case reads. */
export type ApiEvent = APIGatewayProxyEvent & { caller: Caller; route: RouteSpec };

/**
 * The event a route's use case gets: the route, the path parameters as its schema parsed them,
 * and for token routes the caller (authenticated and allowed by role before the use case runs) and
 * `admitted()`, which settles once the person's account check passed (before the use case, unless
 * the route checks it alongside: accessControl).
 */
export type RouteEvent<R extends RouteSpec, P = Readonly<Record<string, string | undefined>>> = APIGatewayProxyEvent & { route: R; params: P } & (R['auth'] extends 'token' ? { caller: Caller; admitted: () => Promise<void> } : unknown);

const securityHeaders = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
} as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...securityHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Cognito gives `cognito:groups` to a REST API authorizer as a string ("[a b]" or "a,b");
 * the local issuer gives an array. Both become a list of known roles.
 */
export function parseRoles(value: unknown): Role[] {
  const raw = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
  return raw.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

/**
 * The caller from an access token's claims: a person (`username`, roles from `cognito:groups`)
 * or a machine client (`client:<client_id>`, roles from its scopes); the agency from
 * `custom:ori`, which the pre-token trigger puts in both (functions/auth/claims.ts).
 */
export function callerFromClaims(claims: Record<string, unknown> | undefined | null): Caller {
  const sub = claims?.['sub'];
  if (typeof sub !== 'string' || sub === '') throw new Unauthorized('Authentication required');
  const ori = claims?.['custom:ori'];
  const email = claims?.['email'];
  const clientId = claims?.['client_id'];
  const person = claims?.['cognito:username'] ?? claims?.['username'];
  const username = person ?? (typeof clientId === 'string' && clientId !== '' ? `client:${clientId}` : sub);
  const roles = [...new Set([...parseRoles(claims?.['cognito:groups']), ...rolesFromScopes(claims?.['scope'])])];
  return {
    sub,
    username: String(username),
    email: typeof email === 'string' ? email : undefined,
    roles,
    ori: typeof ori === 'string' && ori !== '' ? ori : undefined,
    courts: parseCourts(claims?.[COURTS_CLAIM]),
  };
}

/** zod issues as the field/rule pairs a caller can act on (the rules in words: `parseWith` gives zod our error map). */
export function problemsOf(error: z.core.$ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', rule: issue.message }));
}

export function parseWith<T>(schema: z.core.$ZodType<T>, value: unknown): T {
  const parsed = z.safeParse(schema, value, { error: wordsForIssue });
  if (!parsed.success) throw new ValidationFailed(problemsOf(parsed.error));
  return parsed.data;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** The longest field path a problem quotes: a body can nest deeper than anyone reads. */
const MAX_PATH = 200;

/**
 * The first string in a parsed JSON value (a value, or a field name) that is not well-formed
 * Unicode: a lone surrogate, which JSON's `\uD800` escapes can carry and which no system
 * downstream (DynamoDB, SES, CMS) stores or prints faithfully. Its dotted path, or undefined.
 */
export function illFormedStringAt(value: unknown): string | undefined {
  // Iterative, with a link to the parent instead of a copied path: a 256 KB body can nest
  // 100 000 arrays deep, which JSON.parse takes and a recursive walk would overflow on (a 500).
  interface Node {
    readonly value: unknown;
    readonly key?: string;
    readonly parent?: Node;
  }
  const pathOf = (node: Node | undefined): string => {
    const keys: string[] = [];
    for (let n = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
    const path = keys.reverse().join('.') || '(body)';
    return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH - 1)}…` : path;
  };
  const stack: Node[] = [{ value }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const v = node.value;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return pathOf(node);
    } else if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v);
      // Pushed in reverse, so the first field is looked at first.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as readonly [string, unknown];
        if (!key.isWellFormed()) return pathOf(node);
        stack.push({ value: item, key, parent: node });
      }
    }
  }
  return undefined;
}

/**
 * The body, parsed and checked against the schema, for every route that takes JSON.
 * 1. bytes (a base64 body) must be UTF-8: decoded strictly, never patched with U+FFFD
 * 2. the text must be JSON
 * 3. every string, and every field name, must be well-formed Unicode (no lone surrogate),
 *    refused with the field's path
 * 4. the schema, with every problem in words
 */
export function parseJsonBody<T>(event: APIGatewayProxyEvent, schema: z.core.$ZodType<T>): T {
  let text: string | null | undefined = event.body;
  if (event.isBase64Encoded && event.body) {
    try {
      text = utf8.decode(Buffer.from(event.body, 'base64'));
    } catch {
      throw new ValidationFailed([{ field: '(body)', rule: 'must be UTF-8 text; it holds bytes that are not UTF-8' }]);
    }
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ValidationFailed([{ field: '(body)', rule: 'must be valid JSON' }]);
  }
  const illFormed = illFormedStringAt(body);
  if (illFormed) throw new ValidationFailed([{ field: illFormed, rule: 'must be valid Unicode text: it holds a lone surrogate (half of a character, e.g. \\uD800 alone)' }]);
  return parseWith(schema, body);
}

/** Maps an error to the response: 4xx say what went wrong, 5xx only a correlation id. */
export function errorResponse(error: unknown, correlationId: string): APIGatewayProxyResult {
  if (error instanceof ValidationFailed) {
    return json(400, { error: error.name, message: 'The request is not valid', problems: error.problems.map(withMessage) });
  }
  if (error instanceof AppError && error.statusCode < 500) {
    return json(error.statusCode, { error: error.name, message: error.message });
  }
  logger.error('request failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
  return json(500, { error: 'InternalError', message: 'Something went wrong on our side. Quote the correlation id when reporting it.', correlationId });
}

/**
 * A caller refused a route by role is a failed access attempt (CJIS AU-2), recorded where the
 * function keeps an audit trail (every route but `/health`). The refusal stands if recording fails.
 */
async function auditRefusal(event: APIGatewayProxyEvent, caller: Caller, route: RouteSpec, reason?: string): Promise<void> {
  if (!process.env['AUDIT_TABLE_NAME']) return;
  const path = routeName(route);
  await recordAudit({
    type: 'RouteDenied',
    outcome: 'denied',
    actor: caller.username,
    component: 'api',
    subject: AuditSubject.of('route', path),
    source: sourceOf(event),
    details: { roles: caller.roles.join(' '), ori: caller.ori ?? null, resource: event.path, ...(reason ? { reason } : {}) },
  }).catch((error: unknown) => logger.error('could not audit a refused call', { route: path, error: (error as Error).message }));
}

type Middleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;
type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/** The id a 5xx quotes: the gateway's request id, or the invocation's. */
const correlationIdOf = (request: Request): string => request.event.requestContext?.requestId ?? request.context.awsRequestId;

/** Log lines carry the ids the path names (packet, access request, task) and the correlation id. */
export function correlation(): Middleware {
  return {
    before: (request) => {
      correlate(correlationKeysOfPath(request.event.pathParameters));
      logger.appendKeys({ correlationId: correlationIdOf(request) });
    },
  };
}

/** A route's answer to an error; the request is there for a route that answers a form with a page and JSON with JSON. */
export type ErrorAnswer = (error: unknown, correlationId: string, event: APIGatewayProxyEvent) => APIGatewayProxyResult;

/** Maps whatever a route throws to its answer (`errorResponse` for the JSON API; pages give their own). */
export function errorMapping(toResponse: ErrorAnswer = errorResponse): Middleware {
  return {
    onError: (request) => {
      request.response = toResponse(request.error, correlationIdOf(request), request.event);
    },
  };
}

/**
 * Token routes: the caller from the authorizer's claims (401 without them), allowed by the
 * route's roles, and for `courtScoped` routes a court clerk must name a court (403 otherwise).
 * Each refusal is audited (`RouteDenied`) before it is answered.
 *
 * `accountCheck: 'alongside'` (a read-only use case that is slow of itself: GET /search) starts
 * the account check and lets the use case run meanwhile; the use case awaits `event.admitted()`
 * before it writes anything, and the answer waits for it too (a refusal replaces it: the same
 * 401, audited the same way). A refusal by role or court still waits for the account check first,
 * so a removed person gets the 401 as before.
 */
export function accessControl(route: RouteSpec, accountCheck: 'before' | 'alongside' = 'before'): Middleware {
  const admittedOf = (request: Request): (() => Promise<void>) | undefined => (request.event as Partial<{ admitted: () => Promise<void> }>).admitted;
  return {
    before: async (request) => {
      const event = request.event;
      const claims = event.requestContext?.authorizer?.['claims'] as Record<string, unknown> | undefined;
      const caller = callerFromClaims(claims);
      // A person's token issued before their account ended (issue 17): refused at once.
      const person = claims?.['username'] !== undefined || claims?.['cognito:username'] !== undefined;
      const check = person ? accountRefusal(caller.sub, Number(claims?.['iat']) || undefined) : Promise.resolve(undefined);
      let admission: Promise<void> | undefined;
      const admitted = (): Promise<void> =>
        (admission ??= check.then(async (ended) => {
          if (!ended) return;
          await auditRefusal(event, caller, route, `account ${ended}`);
          throw new Unauthorized(`revoked: this token was issued before the account was ${ended === 'revoked' ? 'removed' : ended}; sign in again`);
        }));
      if (accountCheck === 'before') await admitted();
      else admitted().catch(() => undefined); // awaited by the use case and in after/onError; not an unhandled rejection meanwhile
      if (!caller.roles.some((r) => route.roles.includes(r))) {
        await admitted();
        await auditRefusal(event, caller, route);
        throw new Forbidden(`Your role may not call ${routeName(route)}`);
      }
      if (route.courtScoped && lacksCourt(caller, route.roles)) {
        await admitted();
        await auditRefusal(event, caller, route, 'no court claim');
        throw new Forbidden(NO_COURT_MESSAGE);
      }
      Object.assign(event, { caller, admitted });
    },
    ...(accountCheck === 'alongside'
      ? {
          // The answer, or the use case's error, goes out only once the account check passed.
          after: async (request: Request) => {
            await admittedOf(request)?.();
          },
          onError: async (request: Request) => {
            try {
              await admittedOf(request)?.();
            } catch (refused) {
              request.error = refused as Error;
            }
          },
        }
      : {}),
  };
}

/** The path parameters, through the route's schema (400 naming each one that fails). */
export function pathParameters(schema?: z.core.$ZodType): Middleware {
  return {
    before: (request) => {
      const raw = request.event.pathParameters ?? {};
      Object.assign(request.event, { params: schema ? parseWith(schema, raw) : raw });
    },
  };
}

/**
 * `schema`, with `fallback` for whatever it refuses: a path parameter that reads as absent when
 * malformed (the use case then answers 404, as for a missing thing). zod's `catch` does the same,
 * but keeps the whole of zod's util module (13 KB minified) in a bundle.
 */
export function orElse<T, F>(schema: z.core.$ZodType<T>, fallback: F) {
  return z.pipe(
    z.unknown(),
    z.transform((input): T | F => {
      const parsed = z.safeParse(schema, input);
      return parsed.success ? parsed.data : fallback;
    }),
  );
}

export interface RouteOptions<P> {
  /** The path parameters' schema. A malformed id that should read as a missing thing (404) uses `orElse`. */
  readonly params?: z.core.$ZodType<P>;
  /** The answer for an error (pages answer with HTML). @default errorResponse */
  readonly errors?: ErrorAnswer;
  /** When a person's account is checked: before the use case, or alongside it (accessControl). @default 'before' */
  readonly accountCheck?: 'before' | 'alongside';
}

/** A route's Lambda handler: the middy handler, tagged with the route it serves. */
export type RouteHandler<R extends RouteSpec> = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> & { readonly route: R };

/**
 * The one way a route's entry is made: every route gets the same middlewares, in this order.
 * 1. the Lambda context on the logger (reset after each invocation), and correlation keys
 * 2. error mapping: 4xx say what went wrong, 5xx only a correlation id
 * 3. token routes: authentication, authorization by role (and court), refusals audited
 * 4. the path parameters through zod
 * then the use case.
 */
export function routeHandler<R extends RouteSpec, P = Readonly<Record<string, string | undefined>>>(
  route: R,
  useCase: (event: RouteEvent<R, P>, context: Context) => Promise<APIGatewayProxyResult>,
  options: RouteOptions<P> = {},
): RouteHandler<R> {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlation())
    .use(errorMapping(options.errors));
  if (route.auth === 'token') handler.use(accessControl(route, options.accountCheck));
  handler.use(pathParameters(options.params)).handler((event, context) => useCase(Object.assign(event, { route }) as RouteEvent<R, P>, context));
  return Object.assign(handler, { route });
}
