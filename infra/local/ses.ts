import { readFile } from 'node:fs/promises';
import http, { type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sesModule from 'aws-ses-v2-local';
import { close, guardHost, hasLocalSecret, listen, PAGE_HEADERS, proxy, readBody, refuseSecret, send } from './http';
import { freePort } from './net';
import { sesV1InvalidAction } from './ses-api';

export interface LocalSes {
  /** Where the application, the edge and people reach the mailbox: our guarded listener. */
  readonly endpoint: string;
  readonly port: number;
  /** aws-ses-v2-local itself, on an internal loopback port (only our listener calls it). */
  readonly upstream: string;
  stop(): Promise<void>;
}

/** The SES v1 (Query API) actions aws-ses-v2-local answers; it leaves every other one hanging. */
const SES_V1_ACTIONS: ReadonlySet<string> = new Set(['SendEmail', 'SendRawEmail']);

/**
 * The action of an SES v1 request (the Query API: `POST /` with a form body `Action=…`) that
 * the mailbox does not implement, or undefined when the request is not one.
 */
export function unsupportedSesV1Action(method: string, url: string, body: string): string | undefined {
  if (method !== 'POST' || (url.split('?')[0] ?? url) !== '/') return undefined;
  const action = new URLSearchParams(body).get('Action') ?? '';
  return SES_V1_ACTIONS.has(action) ? undefined : action || '(none)';
}

/**
 * Our mailbox page: static files that hold no data, under a CSP that allows scripts and
 * requests from this origin only. The page asks `/store` with the secret from its #fragment and
 * shows mail as text (the upstream viewer rendered mail HTML in a same-origin iframe).
 */
const VIEWER: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/viewer.js': { file: 'viewer.js', type: 'text/javascript; charset=utf-8' },
  '/viewer.css': { file: 'viewer.css', type: 'text/css; charset=utf-8' },
};
const VIEWER_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  ...PAGE_HEADERS,
};

async function serveViewer(res: ServerResponse, page: { file: string; type: string }): Promise<void> {
  const body = await readFile(fileURLToPath(new URL(`./mailbox/${page.file}`, import.meta.url)));
  res.writeHead(200, { ...VIEWER_HEADERS, 'Content-Type': page.type, 'Content-Length': body.length });
  res.end(body);
}

/** The calls of the SES API itself, which the application makes with AWS credentials and no secret. */
function isSesApiCall(method: string, url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return (method === 'POST' && path === '/') || path === '/v2/email' || path.startsWith('/v2/email/');
}

/**
 * SES v1/v2 by `aws-ses-v2-local`, behind a listener of ours. The upstream listens on loopback on
 * an internal port; ours, on `port`, refuses requests for another Host (as every local listener
 * does), answers the SES v1 actions the upstream would leave hanging with AWS's error, serves our
 * mailbox page at `/` in place of the upstream's viewer (which rendered mail HTML unsandboxed),
 * and asks for the per-run secret for everything else that is not an SES call: the mail as JSON
 * (`/store`), `/clear-store`, `/get-emlContent`. (The upstream's v1 SendTemplatedEmail hangs:
 * the application sends rendered mail instead.)
 */
export async function startLocalSes(port: number | undefined, options: { localSecret: string; upstreamTimeoutMs?: number }): Promise<LocalSes> {
  const internalPort = await freePort();
  // A CommonJS package with `exports.default`: seen from ESM, the function is one level down.
  const start = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as typeof sesModule;
  const upstream: Server = await start({ host: '127.0.0.1', port: internalPort });
  // Only our listener talks to it, but a page that rebinds a name could find its port: it too
  // answers requests addressed to loopback only.
  guardHost(upstream);
  const upstreamUrl = `http://127.0.0.1:${internalPort}`;

  const front = http.createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? url;
      const page = VIEWER[path];
      if (page && (method === 'GET' || method === 'HEAD')) return serveViewer(res, page);
      const body = await readBody(req, 26 * 1024 * 1024);
      if (!isSesApiCall(method, url) && url !== '/health-check' && !hasLocalSecret(req, options.localSecret)) return refuseSecret(res);
      const action = unsupportedSesV1Action(method, url, body.toString('utf8'));
      if (action) {
        const refusal = sesV1InvalidAction(action);
        return send(res, refusal.status, refusal.body, refusal.headers);
      }
      await proxy(upstreamUrl, req, res, body, { timeoutMs: options.upstreamTimeoutMs });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `mailbox: ${(error as Error).message}` });
    });
  });
  const chosen = await listen(front, port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${chosen}`,
    port: chosen,
    upstream: upstreamUrl,
    stop: async () => {
      await close(front);
      await close(upstream);
    },
  };
}
