import http, { type Server } from 'node:http';
import type { AuditEvent } from '#shared/audit';
import { LocalIssuer } from '../../infra/local/auth';
import { close, listen } from '../../infra/local/http';
import { LocalMailView, MAILS_PATH, redirectConsole } from '../../infra/local/console/mails';

/**
 * The portal's local mailbox view on its own: a fake SES mailbox (the `GET /store` shape of
 * aws-ses-v2-local), the local issuer's real verification, and the audit recorded in memory.
 */
describe('the local mailbox view (GET /portal/api/mails)', () => {
  let issuer: LocalIssuer;
  let mailbox: Server;
  let server: Server;
  let base: string;
  const audits: AuditEvent[] = [];
  const emails = [
    { messageId: 'm1', from: 'noreply@ciss.ct.example', destination: { to: ['cchrs.unit@dpscs.ct.example'] }, subject: 'Review AR-20261123-AAAAAAAAAA', body: { text: 'Please review.' }, at: 1_700_000_000 },
    { messageId: 'm2', from: 'noreply@ciss.ct.example', destination: { to: ['admin@nhpd.ct.example'] }, subject: 'Trainings', body: { text: 'Record at /access-requests/AR-20261123-AAAAAAAAAA/training-verification' }, at: 1_700_000_100 },
    { messageId: 'm3', from: 'noreply@ciss.ct.example', destination: { to: ['someone@else.example'] }, subject: 'Another request', body: { text: 'AR-20261123-BBBBBBBBBB' }, at: 1_700_000_200 },
    {
      messageId: 'm4',
      from: 'noreply@ciss.ct.example',
      destination: { to: ['jordan.rivera@nhpd.ct.example'] },
      subject: 'Your CCHRS account: temporary password',
      body: { text: 'Request AR-20261123-CCCCCCCCCC\nTemporary password: Zq7#kLm2$vXp9!rT\nApprove: http://127.0.0.1:3000/approvals/t1?choice=approve&expires=1&sig=AbCdEfGhIjKlMnOpQrSt' },
      at: 1_700_000_300,
    },
  ];

  beforeAll(async () => {
    issuer = await LocalIssuer.create();
    mailbox = http.createServer((_req, res) => res.end(JSON.stringify({ emails })));
    const view = new LocalMailView({
      mailbox: `http://127.0.0.1:${await listen(mailbox, 0)}`,
      authenticate: async (authorization) => issuer.verify((authorization ?? '').replace(/^Bearer /, '')).catch(() => undefined),
      audit: async (event) => void audits.push(event),
    });
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void (url.pathname.startsWith('/console') ? redirectConsole(req, res) : view.serve(req, res, url));
    });
    base = `http://127.0.0.1:${await listen(server, 0)}`;
  });
  afterAll(async () => {
    await close(server);
    await close(mailbox);
  });

  const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, redirect: 'manual' });

  it('gives the e-mails that mention the subject, newest first, to an operator, and audits the read', async () => {
    const token = await issuer.mint({ roles: ['operations'], username: 'ops-on-call' });
    const res = await get(`${MAILS_PATH}?subjectType=request&subject=AR-20261123-AAAAAAAAAA`, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { messageId: string; to: string[]; sentAt: string }[] };
    expect(body.items.map((m) => m.messageId)).toEqual(['m2', 'm1']);
    expect(body.items[1]).toMatchObject({ to: ['cchrs.unit@dpscs.ct.example'], sentAt: '2023-11-14T22:13:20.000Z' });
    expect(audits.at(-1)).toMatchObject({ type: 'ConsoleMailRead', outcome: 'success', actor: 'ops-on-call', subject: { type: 'access-request', id: 'AR-20261123-AAAAAAAAAA' }, details: { count: 2 } });
  });

  it('never shows a temporary password or a link signature, and matches the id as a whole word only', async () => {
    const token = await issuer.mint({ roles: ['operations'], username: 'ops-on-call' });
    const res = await get(`${MAILS_PATH}?subjectType=request&subject=AR-20261123-CCCCCCCCCC`, token);
    const [mail] = ((await res.json()) as { items: { text: string }[] }).items;
    expect(mail?.text).toContain('Temporary password: [redacted]');
    expect(mail?.text).toContain('sig=[redacted]');
    expect(mail?.text).not.toMatch(/Zq7#kLm2|AbCdEfGhIjKlMnOpQrSt/);
    // A fragment of an id is not an id: it matches no mail, rather than every mail that contains it.
    const partial = await get(`${MAILS_PATH}?subjectType=request&subject=AR-20261123`, token);
    expect(((await partial.json()) as { items: unknown[] }).items).toEqual([]);
    expect((await get(`${MAILS_PATH}?subjectType=request&subject=e`, token)).status).toBe(400);
  });

  it('refuses the mailbox without a valid token (401), to another role (403), and names a bad field (400)', async () => {
    const before = audits.length;
    const q = `${MAILS_PATH}?subjectType=request&subject=AR-20261123-AAAAAAAAAA`;
    expect((await get(q)).status).toBe(401);
    expect((await get(q, await issuer.mint({ roles: ['operations'], audience: 'someone-else' }))).status).toBe(401);
    expect((await get(q, await issuer.mint({ roles: ['unit'] }))).status).toBe(403);
    const bad = await get(`${MAILS_PATH}?subjectType=person&subject=a%20b`, await issuer.mint({ roles: ['operations'] }));
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { problems: { field: string }[] }).problems.map((p) => p.field).sort();
    expect(problems).toEqual(['subject', 'subjectType']);
    expect(audits).toHaveLength(before);
  });

  it('answers as JSON that nothing runs or frames, and is never cached', async () => {
    const res = await get(`${MAILS_PATH}?subjectType=request&subject=AR-20261123-AAAAAAAAAA`, await issuer.mint({ roles: ['operations'] }));
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses other paths and methods', async () => {
    expect((await get(`${MAILS_PATH}/more`)).status).toBe(404);
    // fetch would normalize the dots away before sending; a raw request keeps them.
    const { hostname, port } = new URL(base);
    const raw = await new Promise<number>((resolve, reject) => {
      http.get({ hostname, port, path: `${MAILS_PATH}/%2e%2e/%2e%2e/package.json` }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(raw).toBe(404);
    expect((await fetch(`${base}${MAILS_PATH}?subjectType=request&subject=AR-20261123-AAAAAAAAAA`, { method: 'POST' })).status).toBe(405);
  });

  it('sends the old console’s links to the portal’s operations section', async () => {
    for (const path of ['/console', '/console/', '/console/app.js']) {
      const res = await get(path);
      expect([res.status, res.headers.get('location')]).toEqual([308, '/portal/#/ops']);
    }
  });
});
