import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routes, type RouteSpec } from '../manifest';
import type { LocalIssuer } from './auth';
import type { Clock } from './clock';
import { BodyTooLarge, close, listen, readBody, send } from './http';
import { LOCAL_ACCOUNT, type LocalLambda } from './lambda';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Something served on the gateway's origin beside the manifest's routes (the local console). */
export type Mounted = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

function compile(spec: RouteSpec): CompiledRoute {
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

/**
 * API Gateway (REST, Lambda proxy), local: the manifest's routes, the Cognito authorizer's job
 * done by the local issuer (401 without a valid token), and v1 proxy events for the handlers.
 */
export class LocalApiGateway {
  private server?: Server;
  private readonly compiled = (routes as readonly RouteSpec[]).map(compile);
  private readonly mounts: { readonly prefix: string; readonly serve: Mounted }[] = [];

  constructor(private readonly lambda: LocalLambda, private readonly issuer: LocalIssuer, private readonly clock: Clock, private readonly stage = 'local') {}

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
    const token = (authorization ?? '').replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    try {
      return await this.issuer.verify(token);
    } catch {
      return undefined;
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
    const mounted = this.mounts.find((m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.serve(req, res, url);
    const match = this.compiled.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find(({ r, m }) => m && r.spec.method === method);
    if (!match?.m) return send(res, 403, { message: 'Missing Authentication Token' });

    // Signed-link routes carry their own proof (the link's HMAC), checked by the handler.
    let claims: Record<string, unknown> | undefined;
    if (match.r.spec.auth === 'token') {
      claims = await this.authenticate(req.headers.authorization);
      if (!claims) return send(res, 401, { message: 'Unauthorized' });
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
    const pathParameters = Object.fromEntries(match.r.params.map((p, i) => [p, decodeURIComponent(match.m?.[i + 1] ?? '')]));
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
      body: body.length ? body.toString('utf8') : null,
      isBase64Encoded: false,
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
    if (result.error) return send(res, 502, { message: 'Internal server error' }, { 'x-amzn-RequestId': requestId });
    const response = result.payload as APIGatewayProxyResult;
    const outHeaders: Record<string, string> = { 'x-amzn-RequestId': requestId };
    for (const [k, v] of Object.entries(response.headers ?? {})) outHeaders[k] = String(v);
    const text = response.isBase64Encoded ? Buffer.from(response.body, 'base64') : Buffer.from(response.body ?? '', 'utf8');
    res.writeHead(response.statusCode, { ...outHeaders, 'Content-Length': text.length });
    res.end(text);
  }
}
