import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { recordAudit, type AuditEvent } from '#shared/audit';
import { callerFromClaims } from '#shared/http';
import { auditSubject } from '../../../functions/ops/domain/workflows';
import { LOCAL_SECRET_HEADER, PAGE_HEADERS, send } from '../http';
import { PORTAL_PATH } from '../../../portal/config';
import type { ConsoleMail, MailPage } from '../../../portal/mails';

/**
 * The local mailbox, as the portal's operations section shows it: `GET /portal/api/mails`, on the
 * local API Gateway's origin beside the portal (so the browser calls it same-origin, with the
 * signed-in operator's token), gives the SES mailbox's e-mails about a subject. There is no
 * mailbox in AWS: there `/portal/*` is the portal's bucket, which has no such object, and the
 * portal hides the panel (it shows it only when this endpoint answers its JSON).
 *
 * The operations console that used to live under `/console/` is the portal's operations section
 * now (`/portal/#/ops`); `/console/` sends old links and bookmarks there.
 */

/** Where the mailbox answers: under the portal's path, mounted before the portal itself. */
export const MAILS_PATH = `${PORTAL_PATH}api/mails`;

export const CONSOLE_PREFIX = '/console';

/** A JSON answer that is never a page: nothing runs, loads or frames it. */
const CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const MAIL_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  // No-store among them: the mailbox changes by the second.
  ...PAGE_HEADERS,
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};


const MailQuery = z.object({
  subjectType: z.enum(['packet', 'request', 'run', 'task']),
  subject: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{5,199}$/, 'must be an id: 6 to 200 letters, digits and . _ : -'),
});

/**
 * What an e-mail may not show even to an operator: a temporary password (it logs the employee in)
 * and a link signature (it decides the task). The mailbox is the people's own e-mail; the portal
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

export interface MailViewOptions {
  /** The SES mailbox (aws-ses-v2-local); its `GET /store` holds every e-mail sent. */
  readonly mailbox: string;
  /** The runtime's per-run secret, which the mailbox asks for its data. */
  readonly localSecret?: string;
  /** The gateway's token check: claims of a valid token, or undefined. */
  readonly authenticate: (authorization: string | undefined) => Promise<Record<string, unknown> | undefined>;
  /** Where reads are recorded. @default recordAudit (the audit table) */
  readonly audit?: (event: AuditEvent) => Promise<void>;
}

/** `/console` and anything under it: to the portal's operations section (the console moved there). */
export async function redirectConsole(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(308, { ...PAGE_HEADERS, Location: `${PORTAL_PATH}#/ops` });
  res.end();
}

export class LocalMailView {
  constructor(private readonly options: MailViewOptions) {}

  /**
   * `GET /portal/api/mails?subjectType=&subject=`: the e-mails that mention the subject id (as
   * a whole word), newest first, with temporary passwords and link signatures masked, for an
   * operations token only; each read is audited as the API's reads are.
   */
  readonly serve = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    if (url.pathname !== MAILS_PATH) return this.json(res, 404, { message: 'Not found' });
    if (method !== 'GET' && method !== 'HEAD') return this.json(res, 405, { message: `${method} is not allowed here` }, { Allow: 'GET, HEAD' });
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
  };

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    send(res, status, body, { ...MAIL_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers });
  }
}
