import { AsyncResource } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body instanceof Uint8Array ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : Buffer.alloc(0);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const url = `${request.path || '/'}${queryString(request.query)}`;
    const gone = new AbortController();
    const { abortSignal, requestTimeout } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    const abort = (): void => gone.abort(abortError());
    if (abortSignal?.addEventListener) abortSignal.addEventListener('abort', abort, { once: true });
    else if (abortSignal) abortSignal.onabort = abort;
    const timer = requestTimeout ? setTimeout(() => gone.abort(Object.assign(new Error(`Connection timed out after ${requestTimeout} ms`), { name: 'TimeoutError' })), requestTimeout) : undefined;
    const answered = this.scope.runInAsyncScope(() => this.edge.call({ method: request.method, url, headers, body }, gone.signal));
    return answered
      .then((answer): SdkHttpResponse => {
        if ('drop' in answer) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return { response: { statusCode: answer.status, headers: { ...answer.headers }, body: answer.body } };
      })
      .finally(() => clearTimeout(timer));
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

function patchNodeHttpHandler(): void {
  if (patched) return;
  // The class of the handler every client makes by default, from a client (it is not a
  // dependency of its own here), so it is the very class the application's clients use.
  const probe = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const prototype = Object.getPrototypeOf(probe.config.requestHandler) as { handle: Handle };
  probe.destroy();
  const original = prototype.handle;
  prototype.handle = function handle(this: unknown, request: SdkHttpRequest, options?: SdkHandlerOptions): Promise<SdkHttpResponse> {
    const edge = edges.size ? edges.get(`${request.hostname}:${request.port ?? ''}`) : undefined;
    if (edge && EdgeRequestHandler.accepts(request) && inInvocation()) return edge.handle(request, options);
    return original.call(this, request, options);
  };
  patched = true;
}
