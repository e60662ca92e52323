import { AsyncResource } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { amzDate, unsignedAuthorization } from './dynamodb-json';
import type { Edge } from './edge';
import { inInvocation } from './lambda';

/** The parts of the SDK's `HttpRequest` (smithy) the edge reads. */
export interface SdkHttpRequest {
  readonly method: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly (string | null)[] | null>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** The SDK's abort signal: a DOM `AbortSignal`, or smithy's own (`aborted` and `onabort`). */
interface SdkAbortSignal {
  readonly aborted: boolean;
  onabort?: unknown;
  addEventListener?: (type: 'abort', listener: () => void, options?: { once?: boolean }) => void;
  removeEventListener?: (type: 'abort', listener: () => void) => void;
}

interface SdkHandlerOptions {
  readonly abortSignal?: SdkAbortSignal;
  /** Milliseconds the request may take (NodeHttpHandler's socket timeout); 0 or absent: none. */
  readonly requestTimeout?: number;
}

/** What the SDK's handler answers: an `HttpResponse` (smithy checks its shape, not its class). */
export interface SdkHttpResponse {
  readonly response: { readonly statusCode: number; readonly headers: Record<string, string>; readonly body: Uint8Array };
}

/**
 * Each request the edge answers in process, from its hand-over to its answer (start, asyncEnd):
 * the runtime's work for a handler (routing, taps, the local KMS, SES and EventBridge, the hop
 * to DynamoDB Local), which the bench's timeline (bench/timeline.ts) tells apart from the
 * handler's own. Nothing is published while nothing listens.
 */
export const edgeCalls = tracingChannel<object, object>('ciss:edge:call');

/**
 * An AWS SDK request handler that hands the SDK's request straight to the edge's handling, in
 * this process: no socket, no HTTP parsing for the hop from a client to the edge. The SDK still
 * serializes and signs the request, and the edge still taps it (the bench's counts, fault
 * injection), routes it and answers it as over HTTP; DynamoDB Local is still reached over HTTP.
 * A tap's dropped connection is the error node gives for one (`socket hang up`, ECONNRESET),
 * which the SDK treats as transient, as it does over HTTP.
 *
 * The edge's work runs in the async context the handler was made in (the runtime's start), as a
 * request the edge's server takes does: not in the calling Lambda invocation's.
 */
export class EdgeRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly scope = new AsyncResource('EdgeRequestHandler');

  constructor(private readonly edge: Edge) {}

  /** Whether a request can be handed over whole: its body is text or bytes (a stream goes over HTTP). */
  static accepts(request: SdkHttpRequest): boolean {
    return request.body === undefined || typeof request.body === 'string' || request.body instanceof Uint8Array;
  }

  handle(request: SdkHttpRequest, options: SdkHandlerOptions = {}): Promise<SdkHttpResponse> {
    return edgeCalls.hasSubscribers ? edgeCalls.tracePromise(() => this.exchange(request, options), {}) : this.exchange(request, options);
  }

  private exchange(request: SdkHttpRequest, options: SdkHandlerOptions): Promise<SdkHttpResponse> {
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body instanceof Uint8Array ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : Buffer.alloc(0);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const url = `${request.path || '/'}${queryString(request.query)}`;
    const { abortSignal, requestTimeout } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    // A signal for the edge only when the caller can give up (an abort signal, a timeout): most
    // SDK calls pass neither, and each controller costs a listener in the call's upstream hop.
    const gone = abortSignal || requestTimeout ? new AbortController() : undefined;
    const abort = (): void => gone?.abort(abortError());
    if (abortSignal?.addEventListener) abortSignal.addEventListener('abort', abort, { once: true });
    else if (abortSignal) abortSignal.onabort = abort;
    const timer = requestTimeout ? setTimeout(() => gone?.abort(Object.assign(new Error(`Connection timed out after ${requestTimeout} ms`), { name: 'TimeoutError' })), requestTimeout) : undefined;
    const answered = this.scope.runInAsyncScope(() => this.edge.call({ method: request.method, url, headers, body }, gone?.signal));
    return answered
      .then((answer): SdkHttpResponse => {
        if ('drop' in answer) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return { response: { statusCode: answer.status, headers: { ...answer.headers }, body: answer.body } };
      })
      .finally(() => {
        clearTimeout(timer);
        // A signal that outlives the request (one per invocation) must not abort it afterwards.
        if (abortSignal?.removeEventListener) abortSignal.removeEventListener('abort', abort);
        else if (abortSignal && abortSignal.onabort === abort) abortSignal.onabort = null;
      });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** The query of a smithy `HttpRequest` as a URL's (`?a=1&b=2`), or nothing. */
function queryString(query: SdkHttpRequest['query']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    const name = encodeURIComponent(key);
    if (value === null) parts.push(name);
    else if (typeof value === 'string') parts.push(`${name}=${encodeURIComponent(value)}`);
    else for (const v of value) parts.push(v === null ? name : `${name}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

type Handle = (this: unknown, request: SdkHttpRequest, options?: SdkHandlerOptions) => Promise<SdkHttpResponse>;

/** The edges whose requests a handler's SDK clients hand over in process, by `host:port`. */
const edges = new Map<string, EdgeRequestHandler>();
let patched = false;

/**
 * The application's SDK clients are its own (functions/shared/clients: `new DynamoDBClient({})`,
 * pointed at the edge by `AWS_ENDPOINT_URL`), so the runtime cannot give them a request handler.
 * Instead, the SDK's node HTTP handler is taught here to hand a request to the edge in process
 * when it is addressed to a runtime's edge and made inside a local Lambda invocation; every other
 * request (a test's or a script's client, another host, a streamed body) goes over HTTP as before.
 * `AWS_ENDPOINT_URL` stays the switch for clients outside the runtime. Answers the undo.
 */
export function handOverInProcess(edgeUrl: string, handler: EdgeRequestHandler): () => void {
  patchNodeHttpHandler();
  const key = new URL(edgeUrl).host;
  edges.set(key, handler);
  return () => {
    if (edges.get(key) === handler) edges.delete(key);
  };
}

/** Where a request made now would be handed over in process: a runtime's edge, from inside a local Lambda invocation. */
function handedOver(request: SdkHttpRequest): EdgeRequestHandler | undefined {
  const edge = edges.size ? edges.get(`${request.hostname}:${request.port ?? ''}`) : undefined;
  return edge && EdgeRequestHandler.accepts(request) && inInvocation() ? edge : undefined;
}

function patchNodeHttpHandler(): void {
  if (patched) return;
  // The class of the handler every client makes by default, from a client (it is not a
  // dependency of its own here), so it is the very class the application's clients use.
  const probe = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const prototype = Object.getPrototypeOf(probe.config.requestHandler) as { handle: Handle };
  const signerPrototype = sigV4SignerPrototype(probe);
  probe.destroy();
  const original = prototype.handle;
  prototype.handle = function handle(this: unknown, request: SdkHttpRequest, options?: SdkHandlerOptions): Promise<SdkHttpResponse> {
    const edge = handedOver(request);
    if (edge) return edge.handle(request, options);
    return original.call(this, request, options);
  };
  const sign = signerPrototype.sign;
  signerPrototype.sign = function (this: unknown, request: SdkHttpRequest & { headers: Record<string, string> }, identity: SigningIdentity, properties: SigningProperties): Promise<unknown> {
    if (handedOver(request)) return Promise.resolve(unsigned(request, identity, properties));
    return sign.call(this, request, identity, properties);
  };
  patched = true;
}

/** What the SDK's SigV4 signer is given: the caller's credentials, and where the request is signed for. */
interface SigningIdentity {
  readonly accessKeyId: string;
  readonly sessionToken?: string;
}
interface SigningProperties {
  /** From the endpoint's auth scheme, when it names one; else the client's `region` and `name`. */
  signingRegion?: string;
  signingName?: string;
  region?: string;
  name?: string;
  _skipClockSkewSampling?: boolean;
  _disableClockSkewCorrection?: boolean;
}
type Sign = (this: unknown, request: SdkHttpRequest & { headers: Record<string, string> }, identity: SigningIdentity, properties: SigningProperties) => Promise<unknown>;

/** The prototype of the SigV4 signer every AWS client signs with (`AwsSdkSigV4Signer`), from a client's auth schemes. */
function sigV4SignerPrototype(client: DynamoDBClient): { sign: Sign } {
  const scheme = client.config.httpAuthSchemes.find((s) => s.schemeId === 'aws.auth#sigv4');
  if (!scheme) throw new Error('the AWS SDK\'s DynamoDB client has no SigV4 auth scheme');
  return Object.getPrototypeOf(scheme.signer) as { sign: Sign };
}

/**
 * A request handed over in process is not signed: nothing here checks a signature (the edge
 * routes by the credential scope's service and reads its access key; DynamoDB Local keys its
 * database by the scope's region and access key and checks no signature), and the SDK's signer
 * (a signer made per request from the client's whole config, then four hashes) was a quarter of
 * the SDK's own cost per request in the runtime's one process. The request gets what the edge
 * reads, as the runtime's own DynamoDB client sends it (dynamodb-json.ts): `x-amz-date`, the
 * session token when there is one, and an `Authorization` header with the credential scope the
 * signer would write and a signature of zeros. A request that goes over HTTP (another host, a
 * streamed body, outside an invocation) is signed as before.
 */
function unsigned<R extends { headers: Record<string, string> }>(request: R, identity: SigningIdentity, properties: SigningProperties): R {
  const date = amzDate();
  const region = properties.signingRegion ?? properties.region ?? 'us-east-1';
  const service = properties.signingName ?? properties.name ?? '';
  // The signer's clock-skew bookkeeping: none for a request answered in this process.
  properties._skipClockSkewSampling = true;
  properties._disableClockSkewCorrection = true;
  request.headers['x-amz-date'] = date;
  if (identity.sessionToken) request.headers['x-amz-security-token'] = identity.sessionToken;
  request.headers['authorization'] = unsignedAuthorization({ accessKeyId: identity.accessKeyId, date, region, service }, 'host;x-amz-date');
  return request;
}
