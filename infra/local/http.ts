import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The headers every page a local listener serves to a browser carries, beside its own
 * Content-Security-Policy: no sniffing, no framing, no referrer, nothing cached, its own origin only.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export class BodyTooLarge extends Error {}

/** Reads a request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Whether a request is addressed to this loopback service: its `Host` must be `127.0.0.1`,
 * `localhost` or `[::1]` with the port it came in on. A web page that rebinds its own name to
 * 127.0.0.1 (DNS rebinding) reaches the port, but its requests carry its name: they are refused.
 */
export function hostAllowed(req: IncomingMessage): boolean {
  const host = req.headers.host?.toLowerCase();
  const port = req.socket.localPort;
  if (!host || !port) return false;
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  return names.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

/** What a request for another host gets: 421 Misdirected Request, in plain words. */
export function refuseHost(res: ServerResponse): void {
  const text = 'Misdirected request: this local service answers only requests addressed to 127.0.0.1, localhost or [::1] with its port (the Host header).\n';
  res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
  res.end(text);
}

/** The header that carries the runtime's per-run secret (`.local/runtime.json`) to its controls and mailbox data. */
export const LOCAL_SECRET_HEADER = 'x-ciss-local-secret';

/** Whether the request carries the per-run secret (compared in constant time). */
export function hasLocalSecret(req: IncomingMessage, secret: string): boolean {
  const sent = req.headers[LOCAL_SECRET_HEADER];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a request without the per-run secret gets: 403, saying where the secret is. */
export function refuseSecret(res: ServerResponse): void {
  const text = `Forbidden: send the runtime's per-run secret in the X-Ciss-Local-Secret header (npm start writes it to .local/runtime.json).\n`;
  res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** How long a proxied call to a local upstream may take before the caller gets a 504. */
export const UPSTREAM_TIMEOUT_MS = 30_000;

/** Rewrites an upstream's answer, read whole: its body and headers. */
export type ProxyTransform = (body: Buffer, headers: http.IncomingHttpHeaders) => { body: Buffer; headers: http.IncomingHttpHeaders };

/** How `proxy` and `forward` reach an upstream. */
export interface UpstreamOptions {
  /** @default UPSTREAM_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** The 504's body when the upstream (`host`) takes longer than `timeoutMs`; made only then. */
  readonly timeoutBody?: (host: string) => unknown;
  /** The 502's body when the upstream fails. */
  readonly errorBody?: (message: string) => unknown;
  /** Rewrites the upstream's answer (then read whole, not streamed); Content-Length is set after it. */
  readonly transform?: ProxyTransform;
  /** The agent to reach the upstream with (one that caps its connections queues the rest). @default the global agent */
  readonly agent?: http.Agent;
}

/** The 502's body for an upstream that failed: the caller's (`errorBody`), or one naming the upstream. */
const upstreamFailedBody = (options: UpstreamOptions, host: string, message: string): unknown => options.errorBody?.(message) ?? { message: `The local upstream ${host} failed: ${message}` };

/** The 504's body for an upstream that took longer than `timeoutMs`: the caller's, or one naming the upstream. */
const upstreamTimeoutBody = (options: UpstreamOptions, host: string): unknown => options.timeoutBody?.(host) ?? { message: `The local upstream ${host} did not answer in time` };

/**
 * Passes a request (its body already read) to `upstream` and its answer back. The upstream call
 * is aborted when the caller goes away, and answered 504 (`timeoutBody`) when the upstream takes
 * longer than `timeoutMs`: a stuck upstream costs neither a socket nor a waiting caller.
 */
export function proxy(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  options: UpstreamOptions = {},
): Promise<void> {
  const target = new URL(req.url ?? '/', upstream);
  return new Promise((resolve) => {
    const controller = new AbortController();
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      if (!res.headersSent) send(res, 504, upstreamTimeoutBody(options, target.host));
      controller.abort();
      done();
    }, options.timeoutMs ?? UPSTREAM_TIMEOUT_MS);
    // The caller gave up (or its socket broke): nothing is waiting for the upstream's answer.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
      done();
    });
    const call = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'content-length': String(body.length) }, signal: controller.signal, agent: options.agent },
      (out) => {
        const transform = options.transform;
        if (transform) {
          const chunks: Buffer[] = [];
          out.on('data', (chunk: Buffer) => chunks.push(chunk));
          out.on('end', () => {
            const answer = transform(Buffer.concat(chunks), out.headers);
            res.writeHead(out.statusCode ?? 502, { ...answer.headers, 'content-length': String(answer.body.length) });
            res.end(answer.body);
            done();
          });
        } else {
          res.writeHead(out.statusCode ?? 502, out.headers);
          out.pipe(res);
          out.on('end', done);
        }
        out.on('error', () => {
          res.destroy();
          done();
        });
      },
    );
    call.on('error', (error) => {
      if (!res.headersSent && !controller.signal.aborted) send(res, 502, upstreamFailedBody(options, target.host, error.message));
      done();
    });
    call.end(body);
  });
}

/** A request as the edge handles it, whether it came over HTTP or in process: header names in lower case. */
export interface EdgeCall {
  readonly method: string;
  /** The path, with its query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** An answer read whole: status, header names in lower case, body. */
export interface WholeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Headers as one string each, names in lower case (what node's `IncomingHttpHeaders` and the SDK's `HttpRequest` both become). */
export function flatHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** A reply (JSON unless its body is a string) as a whole answer. */
export function wholeAnswer(reply: EdgeReply): WholeAnswer {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  return { status: reply.status, headers: { 'content-type': 'application/json', ...flatHeaders(reply.headers ?? {}) }, body: Buffer.from(text, 'utf8') };
}

/** Writes a whole answer (its Content-Length computed here). */
export function sendWhole(res: ServerResponse, answer: WholeAnswer): void {
  const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, 'keep-alive': _keepAlive, ...headers } = answer.headers;
  res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}

/**
 * Passes a call to `upstream` and reads its answer whole. The upstream call is aborted when
 * `signal` aborts (the caller went away: the promise then rejects with the signal's reason), and
 * answered 504 (`timeoutBody`) when the upstream takes longer than `timeoutMs`; an upstream that
 * fails is answered 502 (`errorBody`).
 */
export function forward(
  upstream: string,
  call: EdgeCall,
  options: UpstreamOptions & { readonly signal?: AbortSignal } = {},
): Promise<WholeAnswer> {
  const { hostname, port, host } = upstreamOf(upstream);
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    // Set before the request is cut (timeout, caller gone), so its 'error' is not taken for the
    // upstream's failure.
    let cut = false;
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(() => {
      cut = true;
      request.destroy();
      finish(() => resolve(wholeAnswer({ status: 504, body: upstreamTimeoutBody(options, host) })));
    }, options.timeoutMs ?? UPSTREAM_TIMEOUT_MS);
    const onAbort = (): void => {
      cut = true;
      request.destroy();
      finish(() => reject(signal?.reason ?? new Error('aborted')));
    };
    // The request is made with the upstream's parts (no URL parsed per call) and no AbortSignal
    // of its own (node adds a listener per request for one): a call cut here is destroyed.
    const request = http.request(
      { hostname, port, path: call.url, method: call.method, headers: { ...call.headers, host, 'content-length': String(call.body.length) }, agent: options.agent },
      (out) => {
        const chunks: Buffer[] = [];
        out.on('data', (chunk: Buffer) => chunks.push(chunk));
        out.on('end', () => {
          const raw = Buffer.concat(chunks);
          const answer = options.transform ? options.transform(raw, out.headers) : { body: raw, headers: out.headers };
          finish(() => resolve({ status: out.statusCode ?? 502, headers: flatHeaders(answer.headers), body: answer.body }));
        });
        out.on('error', (error) => finish(() => resolve(wholeAnswer({ status: 502, body: upstreamFailedBody(options, host, error.message) }))));
      },
    );
    request.on('error', (error) => {
      if (cut) return;
      finish(() => resolve(wholeAnswer({ status: 502, body: upstreamFailedBody(options, host, error.message) })));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(call.body);
  });
}

/** An upstream's host name, port and `Host`, parsed once per upstream (a runtime has a few). */
const upstreams = new Map<string, { readonly hostname: string; readonly port: string; readonly host: string }>();
function upstreamOf(upstream: string): { readonly hostname: string; readonly port: string; readonly host: string } {
  let parts = upstreams.get(upstream);
  if (!parts) {
    const url = new URL(upstream);
    if (url.protocol !== 'http:') throw new Error(`A local upstream is reached over http, not ${url.protocol} (${upstream})`);
    parts = { hostname: url.hostname, port: url.port || '80', host: url.host };
    upstreams.set(upstream, parts);
  }
  return parts;
}

/**
 * Puts the Host check in front of the server's request handlers (those it has now): a request
 * for another host is answered 421 and reaches none of them. For a server started by a library
 * (the mailbox), which `listen` below does not start.
 */
export function guardHost(server: Server): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req)) return refuseHost(res);
    for (const handler of handlers) handler.call(server, req, res);
  });
}

/**
 * Listens on loopback (port 0 picks one) and resolves with the port. Every request whose `Host`
 * is not this loopback service's own is refused (421) before any handler sees it: the guard
 * against DNS rebinding, for every local listener at once.
 */
export async function listen(server: Server, port: number): Promise<number> {
  guardHost(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** Closes a server now, keep-alive connections included. */
export async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** An answer with a response: status, body (JSON unless a string) and headers. */
export interface EdgeReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
}
