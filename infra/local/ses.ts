import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';
import { close, hasLocalSecret, listen, proxy, readBody, refuseSecret, send } from './http';
import { freePort } from './net';

export interface LocalSes {
  /** Where the application, the edge and people reach the mailbox: our guarded listener. */
  readonly endpoint: string;
  readonly port: number;
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

/** AWS's answer to a Query API action it does not know: 400, an XML ErrorResponse with Code InvalidAction. */
export function sesV1InvalidAction(action: string): { status: number; body: string; headers: Record<string, string> } {
  const safe = action.replace(/[^A-Za-z0-9()]/g, '').slice(0, 64);
  const body = [
    '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">',
    '  <Error>',
    '    <Type>Sender</Type>',
    '    <Code>InvalidAction</Code>',
    `    <Message>The embedded runtime does not implement the SES v1 action ${safe}; it serves SendEmail and SendRawEmail (and SES v2).</Message>`,
    '  </Error>',
    `  <RequestId>${randomUUID()}</RequestId>`,
    '</ErrorResponse>',
    '',
  ].join('\n');
  return { status: 400, body, headers: { 'Content-Type': 'text/xml' } };
}

/** The calls of the SES API itself, which the application makes with AWS credentials and no secret. */
function isSesApiCall(method: string, url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return (method === 'POST' && path === '/') || path === '/v2/email' || path.startsWith('/v2/email/');
}

/**
 * SES v1/v2 by `aws-ses-v2-local`, behind a listener of ours. The upstream listens on loopback on
 * an internal port; ours, on `port`, refuses requests for another Host (as every local listener
 * does), answers the SES v1 actions the upstream would leave hanging with AWS's error, and asks
 * for the per-run secret for everything that is not an SES call: the mail as JSON (`/store`),
 * `/clear-store`, `/get-emlContent` and the upstream's web viewer (which renders mail HTML
 * unsandboxed: people read mail in the operations console instead). (The upstream's v1
 * SendTemplatedEmail hangs: the application sends rendered mail instead.)
 */
export async function startLocalSes(port: number | undefined, options: { localSecret: string; upstreamTimeoutMs?: number }): Promise<LocalSes> {
  const internalPort = await freePort();
  // A CommonJS package with `exports.default`: seen from ESM, the function is one level down.
  const start = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as typeof sesModule;
  const upstream: Server = await start({ host: '127.0.0.1', port: internalPort });
  const upstreamUrl = `http://127.0.0.1:${internalPort}`;

  const front = http.createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
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
    stop: async () => {
      await close(front);
      await close(upstream);
    },
  };
}
