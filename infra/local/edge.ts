import http, { type Server } from 'node:http';
import { carriesArns, localArns } from './dynamodb';
import { close, flatHeaders, forward, hasLocalSecret, LOCAL_SECRET_HEADER, listen, readBody, refuseSecret, send, sendWhole, UPSTREAM_TIMEOUT_MS, wholeAnswer, type EdgeCall, type ProxyTransform, type WholeAnswer } from './http';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';
import { DATA_API_OPERATIONS } from './search/data-api';
import { LocalSesApi, queryError, queryResult, sesV1InvalidAction, unknownRestOperation } from './ses-api';
import type { EdgeReply } from './http';
export type { EdgeCall, EdgeReply, WholeAnswer } from './http';

/** A service behind the edge that speaks an AWS JSON protocol. */
export interface JsonService {
  /** `caller`: who signed the request (EventBridge decides by it which event sources it may put). */
  handle(operation: string, body: Record<string, unknown>, caller?: { readonly accessKeyId?: string }): Promise<unknown>;
}

/** A service behind the edge that speaks AWS REST-JSON: it answers the request whole. */
export interface RestService {
  handle(method: string, path: string, body: string): Promise<EdgeReply>;
}

export interface EdgeRoutes {
  /** DynamoDB Local's endpoint: its requests are passed through untouched. */
  readonly dynamodb: string;
  /** The agent DynamoDB Local is reached with (dynamodb.ts: capped, the rest queue). @default the global agent */
  readonly dynamodbAgent?: http.Agent;
  /** The mailbox's endpoint (aws-ses-v2-local behind our listener): it sends, the edge answers the rest of SES. */
  readonly ses: string;
  /** The SES configuration set the application sends with, as GetEmailIdentity and ListConfigurationSets show it. */
  readonly sesConfigurationSet?: string;
  readonly stepFunctions: JsonService;
  readonly eventBridge: JsonService;
  readonly kms: JsonService;
  readonly secretsManager: JsonService;
  /** Cognito's user-pool API (JSON 1.1), the part agency provisioning calls (user-pool-api.ts); absent, its requests are unknown operations. */
  readonly cognitoIdp?: JsonService;
  /** The RDS Data API (REST-JSON) on the search database (infra/local/search/data-api.ts); absent, its requests are unknown operations. */
  readonly rdsData?: RestService;
  /** The per-run secret every `/_local/*` control but `/_local/health` asks for. */
  readonly localSecret: string;
  /** `/_local/*`: the runtime's own status and controls. */
  readonly control: (method: string, path: string, body: string) => Promise<{ status: number; body: unknown } | undefined>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** An AWS request as the edge routes it: which service, which operation. */
export interface EdgeRequest {
  readonly service: 'dynamodb' | 'ses' | 'states' | 'events' | 'kms' | 'secretsmanager' | 'rds-data';
  /** `PutItem`, `StartExecution`, …; for SES (REST), the method and path (`POST /v2/email/outbound-emails`). */
  readonly operation: string;
  /** The request body as text (faults may pick requests by what they carry). */
  readonly body?: string;
}

/**
 * What a tap answers instead of the service (an injected fault): an AWS error body, or, for a
 * dependency that hangs, nothing: the connection is dropped (`drop`). Either may come only after
 * `delayMs`, during which the request is held, as by a slow or stuck service.
 */
export type EdgeAnswer = EdgeReply | { readonly drop: true; readonly delayMs?: number };

/** The edge's answer to a call: a response read whole, or a connection to drop. */
export type EdgeAnswerWhole = WholeAnswer | { readonly drop: true };


/**
 * Sees every AWS request before it is served, in order: counts it (the bench), or answers it
 * instead of the service (fault injection: throttling, errors, hangs). The first answer wins.
 * Taps are synchronous: a hang is an answer with `delayMs`, which the edge waits out.
 */
export type EdgeTap = (request: EdgeRequest) => EdgeAnswer | undefined;

/**
 * The one endpoint `AWS_ENDPOINT_URL` points at, as LocalStack's: a request is routed by its
 * `X-Amz-Target`, else by the service in its SigV4 credential scope (`rds-data`: the search
 * database's Data API), else by its path.
 */
export class Edge {
  private server?: Server;
  /** Taps, called in order for every AWS request; add and remove at any time. */
  readonly taps: EdgeTap[] = [];

  /**
   * @param upstreamTimeoutMs how long a call passed to DynamoDB Local or the mailbox may take
   *   before the caller gets a 504 (the upstream call is then aborted). @default 30 s
   */
  constructor(
    private readonly routes: EdgeRoutes,
    private readonly upstreamTimeoutMs = UPSTREAM_TIMEOUT_MS,
  ) {
    this.sesApi = new LocalSesApi({ configurationSet: routes.sesConfigurationSet, sentAt: () => this.mailSentAt() });
  }

  private readonly sesApi: LocalSesApi;

  async start(port: number): Promise<number> {
    this.server = http.createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { __type: 'InternalFailure', message: (error as Error).message });
      });
    });
    this.server.keepAliveTimeout = 5000;
    return listen(this.server, port);
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const url = req.url ?? '/';

    if (url.startsWith('/_local/')) {
      // Health tells only that the runtime runs and what its clock says; the controls change it
      // and read its faults, so they need the per-run secret (.local/runtime.json).
      if (url !== '/_local/health' && !hasLocalSecret(req, this.routes.localSecret)) return refuseSecret(res);
      // Controls change the runtime (its clock, its faults). Asking for JSON makes a browser
      // preflight a cross-site POST, which nothing answers: a web page cannot drive them.
      if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, { message: 'Send the control as JSON: Content-Type: application/json' });
      }
      const out = await this.routes.control(req.method ?? 'GET', url, body.toString('utf8'));
      return out ? send(res, out.status, out.body) : send(res, 404, { message: 'Not found' });
    }
    // The caller gave up (or its socket broke): a held answer or an upstream call stops waiting.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let answer: EdgeAnswerWhole;
    try {
      answer = await this.call({ method: req.method ?? 'GET', url, headers: flatHeaders(req.headers), body }, gone.signal);
    } catch (error) {
      if (gone.signal.aborted) return;
      throw error;
    }
    if (res.destroyed || res.writableEnded) return;
    if ('drop' in answer) {
      // What a connection to a service that never answered looks like to the SDK: reset, no
      // response (`socket hang up`, ECONNRESET), which its retry strategy treats as transient.
      req.socket.destroy();
      return;
    }
    sendWhole(res, answer);
  }

  /**
   * An AWS request, as the edge serves it over HTTP (`/_local/*` controls aside): taps first,
   * then the service it is for, answered whole. The runtime's own SDK clients call it in process
   * (edge-handler.ts): no socket, the same taps, faults and answers. `signal` is the caller going
   * away: a held answer or an upstream call then ends, rejecting with its reason.
   */
  async call(request: EdgeCall, signal?: AbortSignal): Promise<EdgeAnswerWhole> {
    const { method, url, headers, body } = request;
    const target = headers['x-amz-target'] ?? '';
    const authorization = headers['authorization'] ?? '';
    const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization)?.[1];
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
    if (url.startsWith('/_local/')) return wholeAnswer({ status: 404, body: { message: 'The runtime\'s controls are served over HTTP only' } });

    const classified = classify(target, scope, method, url);
    if (classified && this.taps.length) {
      const tapped: EdgeRequest = { ...classified, body: body.toString('utf8') };
      for (const tap of this.taps) {
        const answer = tap(tapped);
        if (answer) return this.answer(answer, signal);
      }
    }
    if (target.startsWith('DynamoDB_') || scope === 'dynamodb') return this.dynamodb(target, request, signal);
    if (target.startsWith('AWSStepFunctions.')) return this.json(this.routes.stepFunctions, target, body, '1.0', 'com.amazonaws.swf.service.v2.model');
    if (target.startsWith('AWSEvents.')) return this.json(this.routes.eventBridge, target, body, '1.1', 'com.amazonaws.eventbridge', { ...(accessKeyId ? { accessKeyId } : {}) });
    if (target.startsWith('TrentService.')) return this.json(this.routes.kms, target, body, '1.1', 'com.amazonaws.kms');
    if (target.startsWith('secretsmanager.')) return this.json(this.routes.secretsManager, target, body, '1.1', 'com.amazonaws.secretsmanager');
    if (target.startsWith('AWSCognitoIdentityProviderService.') && this.routes.cognitoIdp) return this.json(this.routes.cognitoIdp, target, body, '1.1', 'com.amazonaws.cognitoidentityprovider');
    if (scope === 'rds-data' && this.routes.rdsData) return wholeAnswer(await this.routes.rdsData.handle(method, url, body.toString('utf8')));
    if (scope === 'email' || scope === 'ses' || url.startsWith('/v2/email')) {
      // The edge answers SES's read side (identities, quota, account) and every action the
      // mailbox lacks (which it would leave hanging); the mailbox sends.
      const answer = await this.sesApi.handle(method, url, body.toString('utf8'));
      if (answer) return wholeAnswer(answer);
      return this.forward(this.routes.ses, request, signal);
    }
    return wholeAnswer(unknownOperation(method, headers['content-type'] ?? '', target, scope, url, body.toString('utf8')));
  }

  /** When each mail the mailbox holds was sent (epoch ms), for SES's quota and statistics. */
  private async mailSentAt(): Promise<number[]> {
    const out = await fetch(new URL('/store', this.routes.ses), { headers: { [LOCAL_SECRET_HEADER]: this.routes.localSecret }, signal: AbortSignal.timeout(this.upstreamTimeoutMs) });
    if (!out.ok) throw new Error(`the mailbox answered ${out.status}`);
    const { emails } = (await out.json()) as { emails?: { at?: number }[] };
    return (emails ?? []).map((e) => Number(e.at ?? 0) * 1000);
  }

  /**
   * DynamoDB Local, as it is, but for its ARNs: it makes them in region `ddblocal`. Answers that
   * can carry ARNs are given the runtime's region; requests that name one get DynamoDB Local's
   * back (DynamoDB Local checks no signature).
   */
  private dynamodb(target: string, request: EdgeCall, signal?: AbortSignal): Promise<WholeAnswer> {
    const operation = target.slice(target.indexOf('.') + 1);
    if (!carriesArns(operation)) return this.forward(this.routes.dynamodb, request, signal, undefined, this.routes.dynamodbAgent);
    // An answer to rewrite must come as it is, not compressed.
    const { 'accept-encoding': _encoding, ...headers } = request.headers;
    return this.forward(this.routes.dynamodb, { ...request, headers, body: localArns.toLocal(request.body, LOCAL_REGION) }, signal, (out, outHeaders) => localArns.toRegion(out, outHeaders, LOCAL_REGION), this.routes.dynamodbAgent);
  }

  /** Answers for a tap: after its delay (unless the caller gave up first: then it rejects), an error or a dropped connection. */
  private async answer(answer: EdgeAnswer, signal?: AbortSignal): Promise<EdgeAnswerWhole> {
    if (answer.delayMs) {
      const delayMs = answer.delayMs;
      await new Promise<void>((resolve, reject) => {
        const gone = (): void => {
          clearTimeout(timer);
          reject(signal?.reason ?? new Error('aborted'));
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', gone);
          resolve();
        }, delayMs);
        // A client that times out first closes its socket: nothing is left to answer.
        if (signal?.aborted) return gone();
        signal?.addEventListener('abort', gone, { once: true });
      });
    }
    if ('drop' in answer) return { drop: true };
    return wholeAnswer(answer);
  }

  private async json(service: JsonService, target: string, body: Buffer, version: string, namespace: string, caller: { readonly accessKeyId?: string } = {}): Promise<WholeAnswer> {
    const operation = target.slice(target.indexOf('.') + 1);
    const contentType = `application/x-amz-json-${version}`;
    let parsed: Record<string, unknown>;
    try {
      parsed = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return wholeAnswer({ status: 400, body: { __type: `${namespace}#SerializationException`, message: 'Body is not JSON' }, headers: { 'Content-Type': contentType } });
    }
    try {
      const out = await service.handle(operation, parsed, caller);
      return wholeAnswer({ status: 200, body: out ?? {}, headers: { 'Content-Type': contentType } });
    } catch (error) {
      const err = error as Error & { type?: string };
      const type = err.type ?? (err.name && err.name !== 'Error' ? err.name : 'InternalFailure');
      const status = type === 'InternalFailure' ? 500 : 400;
      return wholeAnswer({ status, body: { __type: `${namespace}#${type}`, message: err.message }, headers: { 'Content-Type': contentType } });
    }
  }

  private forward(to: string, request: EdgeCall, signal?: AbortSignal, transform?: ProxyTransform, agent?: http.Agent): Promise<WholeAnswer> {
    return forward(to, request, {
      transform,
      agent,
      signal,
      timeoutMs: this.upstreamTimeoutMs,
      timeoutBody: (host) => ({ __type: 'RequestTimeout', message: `The local upstream ${host} did not answer within ${this.upstreamTimeoutMs} ms` }),
      errorBody: (message) => ({ __type: 'ServiceUnavailable', message: `upstream ${to}: ${message}` }),
    });
  }
}

/** Which service and operation an AWS request is for, by the same rules the edge routes it. */
function classify(target: string, scope: string | undefined, method: string, url: string): EdgeRequest | undefined {
  const operation = target.slice(target.indexOf('.') + 1);
  if (target.startsWith('DynamoDB_') || scope === 'dynamodb') return { service: 'dynamodb', operation };
  if (target.startsWith('AWSStepFunctions.')) return { service: 'states', operation };
  if (target.startsWith('AWSEvents.')) return { service: 'events', operation };
  if (target.startsWith('TrentService.')) return { service: 'kms', operation };
  if (target.startsWith('secretsmanager.')) return { service: 'secretsmanager', operation };
  if (scope === 'rds-data') {
    const path = url.split('?')[0] ?? url;
    return { service: 'rds-data', operation: (Object.hasOwn(DATA_API_OPERATIONS, path) ? DATA_API_OPERATIONS[path] : undefined) ?? `${method} ${path}` };
  }
  if (scope === 'email' || scope === 'ses' || url.startsWith('/v2/email')) return { service: 'ses', operation: `${method} ${url.split('?')[0] ?? url}` };
  return undefined;
}

/**
 * The answer to a request for an operation (or a service) the runtime does not serve, given at
 * once and in the shape of the request's protocol, as AWS answers an operation it does not have:
 * - JSON 1.0/1.1 (`X-Amz-Target`): 400 `UnknownOperationException` in `__type`;
 * - Query (a form with `Action=`): 400 XML `ErrorResponse` with Code `InvalidAction`, the Query
 *   protocol's name for it (STS's GetCallerIdentity, which cdk and scripts call first, is answered);
 * - REST-JSON (anything else): 404 with `x-amzn-ErrorType: UnknownOperationException`.
 */
export function unknownOperation(method: string, contentType: string, target: string, scope: string | undefined, url: string, body: string): EdgeReply {
  if (target) {
    const version = /x-amz-json-1\.1/.test(contentType) ? '1.1' : '1.0';
    return {
      status: 400,
      body: { __type: 'com.amazon.coral.service#UnknownOperationException', message: `The embedded runtime does not serve the operation ${target.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 120)}` },
      headers: { 'Content-Type': `application/x-amz-json-${version}` },
    };
  }
  if (method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body).get('Action') ?? '';
    if (scope === 'sts' && action === 'GetCallerIdentity') {
      // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
      return queryResult(action, { UserId: LOCAL_ACCOUNT, Account: LOCAL_ACCOUNT, Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:root` }, 'https://sts.amazonaws.com/doc/2011-06-15/');
    }
    return action ? sesV1InvalidAction(action, '') : queryError('MissingAction', 'The request must contain the parameter Action.', '');
  }
  return unknownRestOperation(method, url.split('?')[0] ?? url);
}
