import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { z } from 'zod';
import { recordAudit, type AuditEvent } from '#shared/audit';
import { callerFromClaims } from '#shared/http';
import { auditSubject } from '../../../functions/ops/domain/workflows';
import { LOCAL_SECRET_HEADER, PAGE_HEADERS, send } from '../http';
import type { ConsoleMail, MailPage } from './types';

/**
 * The operations console, local only: static pages and one script served under `/console/` on
 * the local API Gateway's origin, so the browser calls `/ops/...` same-origin (no CORS), plus
 * one endpoint of its own, `/console/api/mails`, that shows the SES mailbox's e-mails about a
 * subject. In AWS there is no console: operators use the ops API and the `ciss` CLI.
 *
 * The pages carry no data; every piece of data comes from an endpoint that needs an operations
 * token, checked as the API's authorizer and handlers check it.
 */

export const CONSOLE_PREFIX = '/console';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Scripts only from this origin (no inline script, no eval), styles only from the stylesheet,
 * requests only to this origin, never framed. The graph is SVG made with DOM calls.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  // No-store among them: the bundle is rebuilt at every start and the data changes by the second.
  ...PAGE_HEADERS,
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};


const MailQuery = z.object({
  subjectType: z.enum(['packet', 'request', 'run', 'task']),
  subject: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{5,199}$/, 'must be an id: 6 to 200 letters, digits and . _ : -'),
});

/**
 * What an e-mail may not show even to an operator: a temporary password (it logs the employee in)
 * and a link signature (it decides the task). The mailbox is the people's own e-mail; the console
 * only shows that mail was sent, to whom and what it said.
 */
export function maskMailText(text: string): string {
  return text.replace(/(Temporary password:\s*)\S+/gi, '$1[redacted]').replace(/([?&;]sig=)[^&\s"'<>]+/g, '$1[redacted]');
}

/** A mail is about the subject when the id appears in it as a whole word, not inside another. */
export function mentions(text: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
}


const StoredMail = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()).default([]) }).partial().default({}),
  subject: z.string().default(''),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }).default({}),
  /** Seconds since the epoch (aws-ses-v2-local's clock: real time). */
  at: z.number(),
});
const Store = z.object({ emails: z.array(StoredMail) });

export interface ConsoleOptions {
  /** The SES mailbox (aws-ses-v2-local); its `GET /store` holds every e-mail sent. */
  readonly mailbox: string;
  /** The runtime's per-run secret, which the mailbox asks for its data. */
  readonly localSecret?: string;
  /** The gateway's token check: claims of a valid token, or undefined. */
  readonly authenticate: (authorization: string | undefined) => Promise<Record<string, unknown> | undefined>;
  /** Where reads are recorded. @default recordAudit (the audit table) */
  readonly audit?: (event: AuditEvent) => Promise<void>;
}

export class OpsConsole {
  private bundle?: Promise<string>;

  constructor(private readonly options: ConsoleOptions) {}

  /** The browser script, built once on first use (esbuild, about 100 ms) so runtimes that never show the console pay nothing. */
  script(): Promise<string> {
    this.bundle ??= build({
      entryPoints: [here('./app/main.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }).then((out) => out.outputFiles[0]?.text ?? '');
    return this.bundle;
  }

  readonly serve = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    // The page's links are relative: `/console` must become `/console/`.
    if (url.pathname === CONSOLE_PREFIX) {
      res.writeHead(308, { ...CONSOLE_HEADERS, Location: `${CONSOLE_PREFIX}/` });
      return void res.end();
    }
    const path = url.pathname.slice(CONSOLE_PREFIX.length);
    if (method !== 'GET' && method !== 'HEAD') return this.json(res, 405, { message: `${method} is not allowed here` }, { Allow: 'GET, HEAD' });
    switch (path) {
      case '/':
        return this.file(res, 'text/html; charset=utf-8', await readFile(here('./static/index.html'), 'utf8'));
      case '/app.css':
        return this.file(res, 'text/css; charset=utf-8', await readFile(here('./static/app.css'), 'utf8'));
      case '/app.js':
        return this.file(res, 'text/javascript; charset=utf-8', await this.script());
      case '/api/mails':
        return this.mails(req, res, url);
      default:
        return this.json(res, 404, { message: 'Not found' });
    }
  };

  /**
   * `GET /console/api/mails?subjectType=&subject=`: the e-mails that mention the subject id (as
   * a whole word), newest first, with temporary passwords and link signatures masked, for an
   * operations token only; each read is audited as the API's reads are.
   */
  private async mails(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const claims = await this.options.authenticate(req.headers.authorization);
    if (!claims) return this.json(res, 401, { message: 'Unauthorized' });
    const caller = callerFromClaims(claims);
    if (!caller.roles.includes('operations')) return this.json(res, 403, { error: 'Forbidden', message: 'Only the operations role may read the mailbox' });
    const parsed = MailQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(query)', rule: i.message }));
      return this.json(res, 400, { error: 'ValidationFailed', message: 'The request is not valid', problems });
    }
    const { subject, subjectType } = parsed.data;
    const store = Store.parse(await (await fetch(`${this.options.mailbox}/store`, { headers: this.options.localSecret ? { [LOCAL_SECRET_HEADER]: this.options.localSecret } : {} })).json());
    const items: ConsoleMail[] = store.emails
      .filter((m) => [m.subject, m.body.text ?? '', m.body.html ?? ''].some((part) => mentions(part, subject)))
      .sort((a, b) => b.at - a.at)
      .map((m) => ({
        messageId: m.messageId,
        from: m.from,
        to: m.destination.to ?? [],
        subject: m.subject,
        sentAt: new Date(m.at * 1000).toISOString(),
        text: maskMailText(m.body.text ?? ''),
      }));
    await (this.options.audit ?? recordAudit)({
      type: 'ConsoleMailRead',
      outcome: 'success',
      actor: caller.username,
      component: 'ops-console',
      subject: auditSubject({ type: subjectType, id: subject }, subject),
      source: { ip: req.socket.remoteAddress, userAgent: req.headers['user-agent'] },
      details: { count: items.length },
    });
    const page: MailPage = { items };
    return this.json(res, 200, page);
  }

  private file(res: ServerResponse, contentType: string, body: string): void {
    res.writeHead(200, { ...CONSOLE_HEADERS, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    send(res, status, body, { ...CONSOLE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers });
  }
}
