import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { API_SCOPE } from '../../functions/auth/claims';
import { routes, type ManifestRoute } from '../manifest';
import { TokenRefused } from '../../functions/auth/claims';
import { TokenRejected, type LocalIssuer, type TokenRefusal } from './auth';
import type { LocalClients } from './clients';
import type { Clock } from './clock';
import { BodyTooLarge, close, listen, readBody, send } from './http';
import { LOCAL_ACCOUNT, type LocalLambda } from './lambda';
import { PerSourceLimiter } from './rate-limit';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Something served on the gateway's origin beside the manifest's routes (the local console). */
export type Mounted = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

interface CompiledRoute {
  readonly spec: ManifestRoute;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

function compile(spec: ManifestRoute): CompiledRoute {
  const params: string[] = [];
  const source = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${source}$`), params };
}

/** Claims as the Cognito authorizer hands them to a REST proxy integration: strings. */
function restClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) out[key] = Array.isArray(value) ? value.join(',') : String(value);
  return out;
}

/** A refused client-credentials request: what Cognito would log of it. */
export interface TokenFailure {
  readonly clientId: string;
  readonly error: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
}

/**
 * The grants of people (authorization code with PKCE, refresh token) and the rest of Cognito's
 * hosted UI: infra/local/oauth.ts (`HostedSignIn`).
 */
export interface PeopleGrants {
  /** The paths `serve` answers: `/oauth2/authorize`, `/oauth2/revoke`, `/logout` and what the sign-in page needs. */
  readonly paths: readonly string[];
  serve: Mounted;
  /** `POST /oauth2/token` with grant_type authorization_code or refresh_token. */
  grant(form: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  /** A CORS preflight of the token endpoint. */
  preflight(req: http.IncomingMessage, res: http.ServerResponse): void;
}

/** Cognito's token endpoint (OAuth 2.0 client credentials), served locally beside the API. */
export interface TokenEndpoint {
  readonly clients: LocalClients;
  onFailure?(failure: TokenFailure): void;
  /** People's sign-in (the portal's app client); without it, only client credentials. */
  people?: PeopleGrants;
}

const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * What a 401 says of the token, and nothing more (issue 12). In AWS the Cognito authorizer says
 * "The incoming token has expired" or "Unauthorized" (see the README's API section).
 */
const REFUSAL_MESSAGES: Readonly<Record<TokenRefusal, string>> = {
  missing: 'No token: send an access token as "Authorization: Bearer <token>"',
  expired: 'The token has expired: sign in again for a new one',
  malformed: 'The token is malformed: it is not a JSON Web Token',
  'not-for-this-api': 'The token is not valid for this API',
};

/**
 * One line of the access log, in the fields of API Gateway's access log (infra/aws/api.ts), for
 * a request the gateway refused before any handler ran. Never the token or a body.
 */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly ip: string;
  readonly userAgent: string | null;
  readonly requestTime: string;
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly status: number;
  readonly protocol: string;
  readonly responseLength: number;
  readonly errorMessage: string;
  readonly errorResponseType: 'UNAUTHORIZED';
  /** Which of missing, expired, malformed or not-for-this-api, and the check that failed. */
  readonly tokenRefusal: TokenRefusal;
  readonly tokenRefusalDetail: string;
}

/**
 * API Gateway (REST, Lambda proxy), local: the manifest's routes, the Cognito authorizer's job
 * done by the local issuer (401 without a valid token), and v1 proxy events for the handlers.
 */
export class LocalApiGateway {
  private server?: Server;
  private readonly compiled = (routes as readonly ManifestRoute[]).map(compile);
  /** `POST /oauth2/token`: in AWS the user pool domain's; locally on the API's port. */
  tokenEndpoint?: TokenEndpoint;
  private readonly mounts: { readonly prefix: string; readonly serve: Mounted }[] = [];
  /** Where refused requests are recorded: a JSON line on stdout, as API Gateway writes its access log. */
  accessLog: (entry: AccessLogEntry) => void = (entry) => void process.stdout.write(`${JSON.stringify({ log: 'apigateway-access', ...entry })}\n`);
  private readonly limiter: PerSourceLimiter;

  constructor(private readonly lambda: LocalLambda, private readonly issuer: LocalIssuer, private readonly clock: Clock, private readonly stage = 'local') {
    this.limiter = new PerSourceLimiter(() => clock.now());
  }

  /** What this gateway serves: `METHOD /path -> function`, for the parity test and operators. */
  routeTable(): string[] {
    return this.compiled.map((r) => `${r.spec.method} ${r.spec.path} -> ${r.spec.function}`);
  }

  /**
   * Serves `prefix` and everything under it with `serve`, before the manifest's routes. Local
   * only: nothing is mounted in AWS.
   */
  mount(prefix: string, serve: Mounted): void {
    this.mounts.push({ prefix: prefix.replace(/\/+$/, ''), serve });
  }

  /**
   * The Cognito authorizer's check: the claims of a valid `Bearer` token from the local issuer,
   * or undefined (the caller gets a 401). Whatever is mounted here authenticates with this too.
   */
  async authenticate(authorization: string | undefined): Promise<Record<string, unknown> | undefined> {
    const checked = await this.checkToken(authorization);
    return 'claims' in checked ? checked.claims : undefined;
  }

  /** The claims of a valid `Bearer` access token for this API, or why the token was refused. */
  async checkToken(authorization: string | undefined): Promise<{ claims: Record<string, unknown> } | { refused: TokenRejected }> {
    const header = (authorization ?? '').trim();
    if (!header) return { refused: new TokenRejected('missing', 'no Authorization header') };
    const bearer = /^Bearer(?:\s+(.*))?$/i.exec(header);
    if (!bearer) return { refused: new TokenRejected('malformed', 'not a Bearer credential') };
    const token = (bearer[1] ?? '').trim();
    if (!token) return { refused: new TokenRejected('missing', 'an empty Bearer credential') };
    try {
      const claims = await this.issuer.verify(token);
      // Every token route names the API scope, so, as API Gateway does then, only an access
      // token that holds it passes (an ID token, or another API's token, is refused).
      if (claims['token_use'] !== 'access') return { refused: new TokenRejected('not-for-this-api', 'not an access token') };
      if (!String(claims['scope'] ?? '').split(/\s+/).includes(API_SCOPE)) return { refused: new TokenRejected('not-for-this-api', `no ${API_SCOPE} scope`) };
      return { claims };
    } catch (error) {
      if (error instanceof TokenRejected) return { refused: error };
      throw error;
    }
  }

  async start(port: number): Promise<number> {
    this.server = http.createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        console.error(`[apigateway] ${(error as Error).message}`);
        if (!res.headersSent) send(res, 500, { message: 'Internal server error' });
      });
    });
    return listen(this.server, port);
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth2/token' && this.tokenEndpoint) return this.token(req, res, this.tokenEndpoint);
    const people = this.tokenEndpoint?.people;
    if (people?.paths.includes(url.pathname)) return people.serve(req, res, url);
    const mounted = this.mounts.find((m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.serve(req, res, url);
    const match = this.compiled.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find(({ r, m }) => m && r.spec.method === method);
    if (!match?.m) return send(res, 403, { message: 'Missing Authentication Token' });
    // WAF's per-source rate rule, which in AWS acts before API Gateway sees the request.
    const limit = match.r.spec.perSourceLimit;
    if (limit && !this.limiter.allow(`${method} ${match.r.spec.path}`, req.socket.remoteAddress ?? '127.0.0.1', limit)) {
      return send(res, 429, { message: 'Too many requests from this address; try again in a few minutes' }, { 'Retry-After': String(limit.windowSeconds) });
    }

    // A malformed percent-escape is the caller's mistake: 400, as decodeURIComponent's URIError
    // would otherwise surface as a 500.
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(match.r.params.map((p, i) => [p, decodeURIComponent(match.m?.[i + 1] ?? '')]));
    } catch (error) {
      if (!(error instanceof URIError)) throw error;
      return send(res, 400, { message: 'The path has a malformed percent-escape (% must be followed by two hex digits of UTF-8)' });
    }

    // Signed-link routes carry their own proof (the link's HMAC), checked by the handler.
    let claims: Record<string, unknown> | undefined;
    if (match.r.spec.auth === 'token') {
      const checked = await this.checkToken(req.headers.authorization);
      if ('refused' in checked) return this.refuse(req, res, match.r.spec, checked.refused);
      claims = checked.claims;
    }

    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return send(res, 413, { message: 'Request Too Long' });
      throw error;
    }

    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      const values = Array.isArray(v) ? v : [v];
      headers[k] = values.join(',');
      multiValueHeaders[k] = values;
    }
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
      (multiQuery[k] ??= []).push(v);
    }
    const requestId = randomUUID();
    const event: APIGatewayProxyEvent = {
      resource: match.r.spec.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
      pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
      stageVariables: null,
      // Text goes over as text; bytes that are not UTF-8 go over as base64, as API Gateway hands
      // over a binary body, so the function sees them rather than U+FFFD put in their place.
      body: body.length ? (isUtf8(body) ? body.toString('utf8') : body.toString('base64')) : null,
      isBase64Encoded: body.length > 0 && !isUtf8(body),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: 'local',
        stage: this.stage,
        requestId,
        requestTimeEpoch: this.clock.now(),
        path: `/${this.stage}${url.pathname}`,
        resourcePath: match.r.spec.path,
        httpMethod: method,
        resourceId: match.r.spec.path,
        protocol: 'HTTP/1.1',
        authorizer: claims ? { claims: restClaims(claims) } : null,
        identity: {
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? null,
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          user: null,
          userArn: null,
        },
      },
    };
    const result = await this.lambda.invoke(match.r.spec.function, event);
    return this.reply(res, result, requestId);
  }

  /**
   * A 401 that says which of missing, expired, malformed or not-for-this-API the token was (RFC
   * 6750's `WWW-Authenticate` too), and one access-log line for it.
   */
  private refuse(req: http.IncomingMessage, res: http.ServerResponse, route: ManifestRoute, refused: TokenRejected): void {
    const requestId = randomUUID();
    const message = REFUSAL_MESSAGES[refused.reason];
    const body = { message, reason: refused.reason };
    const challenge = refused.reason === 'missing' ? 'Bearer realm="ciss-workflows"' : 'Bearer realm="ciss-workflows", error="invalid_token"';
    send(res, 401, body, { 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': 'UnauthorizedException', 'WWW-Authenticate': challenge });
    this.accessLog({
      requestId,
      ip: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: req.headers['user-agent'] ?? null,
      requestTime: new Date(this.clock.now()).toISOString(),
      httpMethod: route.method,
      resourcePath: route.path,
      status: 401,
      protocol: `HTTP/${req.httpVersion}`,
      responseLength: Buffer.byteLength(JSON.stringify(body)),
      errorMessage: message,
      errorResponseType: 'UNAUTHORIZED',
      tokenRefusal: refused.reason,
      tokenRefusalDetail: refused.detail,
    });
  }

  private reply(res: http.ServerResponse, result: Awaited<ReturnType<LocalLambda['invoke']>>, requestId: string): void {
    if (result.error) return send(res, 502, { message: 'Internal server error' }, { 'x-amzn-RequestId': requestId });
    const response = result.payload as APIGatewayProxyResult;
    const outHeaders: Record<string, string> = { 'x-amzn-RequestId': requestId };
    for (const [k, v] of Object.entries(response.headers ?? {})) outHeaders[k] = String(v);
    const text = response.isBase64Encoded ? Buffer.from(response.body, 'base64') : Buffer.from(response.body ?? '', 'utf8');
    res.writeHead(response.statusCode, { ...outHeaders, 'Content-Length': text.length });
    res.end(text);
  }

  /**
   * The client-credentials grant as Cognito answers it (RFC 6749 §4.4): the client authenticates
   * with HTTP Basic (or `client_id`/`client_secret` in the form), may narrow its scopes, and gets
   * a one-hour access token shaped by the pre-token trigger. Errors are RFC 6749's.
   */
  private async token(req: http.IncomingMessage, res: http.ServerResponse, endpoint: TokenEndpoint): Promise<void> {
    const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (req.method === 'OPTIONS' && endpoint.people) return endpoint.people.preflight(req, res);
    if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request', error_description: 'use POST' }, noStore);
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
    } catch {
      return send(res, 413, { error: 'invalid_request', error_description: 'the request is too large' }, noStore);
    }
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic; a malformed one matches no client.
    const decode = (v: string): string => {
      try {
        return decodeURIComponent(v.replace(/\+/g, ' '));
      } catch {
        return '';
      }
    };
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':', 2).map(decode) : [];
    const grantType = form.get('grant_type');
    if (endpoint.people && (grantType === 'authorization_code' || grantType === 'refresh_token')) return endpoint.people.grant(form, req, res);
    const clientId = basicId ?? form.get('client_id') ?? '';
    const secret = basicSecret ?? form.get('client_secret') ?? '';
    const fail = (status: number, error: string, description: string): void => {
      endpoint.onFailure?.({ clientId, error, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] });
      send(res, status, { error, error_description: description }, noStore);
    };
    if (grantType !== 'client_credentials') return fail(400, 'unsupported_grant_type', endpoint.people ? 'grant_type must be client_credentials, authorization_code or refresh_token' : 'grant_type must be client_credentials');
    const client = endpoint.clients.authenticate(clientId, secret);
    if (!client) return fail(401, 'invalid_client', 'unknown client or wrong secret');
    const asked = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const scopes = asked.length ? asked : [...client.scopes];
    const foreign = scopes.filter((s) => !client.scopes.includes(s));
    if (foreign.length) return fail(400, 'invalid_scope', `this client may not ask for ${foreign.join(' ')}`);
    try {
      const accessToken = await this.issuer.mintForClient(client.clientId, scopes, TOKEN_LIFETIME_SECONDS + 's', { ip: req.socket.remoteAddress, userAgent: req.headers['user-agent'] });
      send(res, 200, { access_token: accessToken, expires_in: TOKEN_LIFETIME_SECONDS, token_type: 'Bearer' }, noStore);
    } catch (error) {
      if (!(error instanceof TokenRefused)) throw error;
      send(res, 400, { error: 'invalid_request', error_description: error.message }, noStore);
    }
  }
}
