import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT } from '../../infra/asl';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb';
import { Edge } from '../../infra/local/edge';
import { startLocalSes } from '../../infra/local/ses';
import { launchBrowser } from '../browser';
import { givenRuntime, stopHarness, type Harness } from './steps';

/**
 * What the local runtime exposes, and to whom: DynamoDB Local on loopback only, no service that
 * answers a request addressed to another host (DNS rebinding), controls and mail behind the
 * per-run secret, private data files, and no request left hanging at the edge.
 */

/** Addresses of this machine that are not 127.0.0.1: its interfaces', and on Linux 127.0.0.2 (all of 127/8 reaches lo). */
function otherAddressesOfThisMachine(): string[] {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a?.address ?? '');
  return [...own, ...(process.platform === 'linux' ? ['127.0.0.2'] : [])];
}

function connect(host: string, port: number): Promise<'open' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A raw request with the Host header we choose (fetch does not let one set it). */
function request(url: string, options: { method?: string; host?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(target, { method: options.method ?? 'GET', headers: { ...(options.host ? { host: options.host } : {}), ...options.headers }, signal: options.signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const SES_V1 = 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0';

describe('DynamoDB Local', () => {
  it('listens on 127.0.0.1 only: the suite’s instance refuses connections on every other address of this machine', async () => {
    const endpoint = process.env['CISS_E2E_DYNAMO_ENDPOINT'] ?? '';
    const port = Number(new URL(endpoint).port);
    const others = otherAddressesOfThisMachine();
    expect(others.length).toBeGreaterThan(0);

    expect(await connect('127.0.0.1', port)).toBe('open');
    const elsewhere = Object.fromEntries(await Promise.all(others.map(async (a) => [a, await connect(a, port)] as const)));
    expect(elsewhere).toEqual(Object.fromEntries(others.map((a) => [a, 'ECONNREFUSED'])));
  });

  it('ends when the process that started it is killed outright (SIGKILL), so no JVM is left listening', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/dynamo-child.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = /READY \d+ \d+/.exec(out)?.[0];
        if (line) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before DynamoDB Local started`)));
    });
    const [, port = '0', java = '0'] = ready.split(' ');
    expect(await connect('127.0.0.1', Number(port))).toBe('open');

    child.kill('SIGKILL');
    const gone = (): boolean => {
      try {
        const stat = execFileSync('ps', ['-o', 'stat=', '-p', java], { encoding: 'utf8' }).trim();
        // A zombie is gone once none of its threads runs: `Zl` is a JVM whose main thread ended
        // while its other threads (the listening socket's among them) still run.
        return stat === '' || (stat.startsWith('Z') && !stat.includes('l'));
      } catch {
        return true;
      }
    };
    try {
      await waitUntil(gone, 10_000);
    } finally {
      // Were it left behind (the old behaviour), the test stops it by the pid it was given.
      if (!gone()) process.kill(Number(java), 'SIGKILL');
    }
    expect(await connect('127.0.0.1', Number(port))).toBe('ECONNREFUSED');
  });

  describe('on disk', () => {
    let dir: string;
    let dynamo: DynamoDbLocal | undefined;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'ciss-dynamo-'));
    });
    afterAll(async () => {
      await dynamo?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps its directory 0700 and its files 0600, and listens on loopback only', async () => {
      const data = path.join(dir, 'dynamodb');
      dynamo = await startDynamoDbLocal({ dataDir: data });
      const created = await fetch(dynamo.endpoint, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'DynamoDB_20120810.CreateTable', 'Content-Type': 'application/x-amz-json-1.0', Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
        body: JSON.stringify({ TableName: 'packets', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
      });
      expect({ status: created.status, body: await created.text() }).toEqual({ status: 200, body: expect.stringContaining('"TableName":"packets"') });
      expect(await connect(otherAddressesOfThisMachine()[0] ?? '', dynamo.port)).toBe('ECONNREFUSED');
      await dynamo.stop();
      dynamo = undefined;

      const files = readdirSync(data);
      expect(files.some((f) => f.endsWith('.db'))).toBe(true);
      const modes = Object.fromEntries([['.', data], ...files.map((f) => [f, path.join(data, f)])].map(([name, full]) => [name, (statSync(full ?? '').mode & 0o777).toString(8)]));
      expect(modes).toEqual(Object.fromEntries(Object.keys(modes).map((k) => [k, k === '.' ? '700' : '600'])));
    });
  });
});

describe('the runtime’s listeners', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await givenRuntime();
  });
  afterAll(() => stopHarness(h));

  it('refuse a request addressed to another host (DNS rebinding) on the edge, the API, the mailbox and CMS, and serve 127.0.0.1 and localhost', async () => {
    const { edge, api, mailbox, cms } = h.runtime.endpoints;
    const secret = { 'X-Ciss-Local-Secret': h.runtime.localSecret };
    const targets = { edge: `${edge}/_local/health`, api: `${api}/console/`, mailbox: `${mailbox}/store`, cms: `${cms}/cases` };
    for (const [name, url] of Object.entries(targets)) {
      const port = new URL(url).port;
      for (const host of [`rebound.example:${port}`, 'rebound.example', `127.0.0.1:${Number(port) + 1}`]) {
        const res = await request(url, { host, headers: secret });
        expect({ name, host, status: res.status, body: res.body }).toEqual({ name, host, status: 421, body: expect.stringContaining('Host') });
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
        const res = await request(url, { host, headers: secret });
        expect({ name, host, refused: res.status === 421 }).toEqual({ name, host, refused: false });
      }
    }
  });

  it('ask for the per-run secret for the runtime’s controls and the mailbox’s data, but not for health or SES calls', async () => {
    const { edge, mailbox } = h.runtime.endpoints;
    const secret = { 'X-Ciss-Local-Secret': h.runtime.localSecret };
    const wrong = { 'X-Ciss-Local-Secret': `${h.runtime.localSecret.slice(0, -1)}x` };
    const json = { 'Content-Type': 'application/json' };

    for (const [method, url] of [
      ['GET', `${edge}/_local/faults`],
      ['DELETE', `${edge}/_local/faults`],
      ['POST', `${edge}/_local/clock/advance`],
      // The test harness's controls (infra/local/controls.ts).
      ['POST', `${edge}/_local/tokens`],
      ['POST', `${edge}/_local/rms-clients`],
      ['GET', `${edge}/_local/clock`],
      ['GET', `${edge}/_local/events`],
      ['GET', `${edge}/_local/cms`],
      ['POST', `${edge}/_local/cms`],
      ['GET', `${mailbox}/store`],
      ['POST', `${mailbox}/clear-store`],
      ['GET', `${mailbox}/get-emlContent?messageId=x`],
    ] as const) {
      for (const headers of [json, { ...json, ...wrong }]) {
        const res = await request(url, { method, headers, body: method === 'POST' ? '{"seconds":1}' : undefined });
        expect({ method, url, status: res.status, body: res.body }).toEqual({ method, url, status: 403, body: expect.stringContaining('X-Ciss-Local-Secret') });
      }
    }
    expect((await request(`${edge}/_local/faults`, { headers: secret })).status).toBe(200);
    expect((await request(`${mailbox}/store`, { headers: secret })).status).toBe(200);
    expect((await request(`${edge}/_local/health`)).status).toBe(200);
    // The mailbox page is served to anyone on loopback, but holds no data.
    const page = await request(`${mailbox}/`);
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/@ciss\.ct\.example|emails/);
    // SES itself (v2 here) needs AWS credentials, not the secret.
    const sent = await request(`${mailbox}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { Authorization: SES_V1, 'Content-Type': 'application/json' },
      body: JSON.stringify({ FromEmailAddress: 'a@ciss.ct.example', Destination: { ToAddresses: ['b@ciss.ct.example'] }, Content: { Simple: { Subject: { Data: 'exposure' }, Body: { Text: { Data: 'hello' } } } } }),
    });
    expect({ status: sent.status, body: sent.body }).toEqual({ status: 200, body: expect.stringContaining('MessageId') });
  });

  it('answers an SES v1 action it does not implement at once, with SES’s InvalidAction error, on the edge and the mailbox', async () => {
    const { edge, mailbox } = h.runtime.endpoints;
    // The edge answers ListIdentities and GetSendQuota (test/conformance/ses.test.ts); the
    // mailbox only sends.
    const unimplemented = { [edge]: ['DeleteIdentity', 'VerifyEmailIdentity'], [mailbox]: ['ListIdentities', 'GetSendQuota'] };
    for (const url of [edge, mailbox]) {
      for (const action of unimplemented[url] ?? []) {
        const started = Date.now();
        const res = await request(`${url}/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Authorization: SES_V1 },
          body: `Action=${action}&Version=2010-12-01`,
          signal: AbortSignal.timeout(5000),
        });
        expect({ url, action, status: res.status }).toEqual({ url, action, status: 400 });
        expect(res.body).toMatch(/<ErrorResponse[^>]*>[\s\S]*<Code>InvalidAction<\/Code>[\s\S]*<\/ErrorResponse>/);
        expect(Date.now() - started).toBeLessThan(2000);
      }
    }
  });

  describe('the mailbox page', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(() => browser.close());

    it('shows mail as text only: markup in a mail is shown, never run, and its links open without a referrer', async () => {
      const { mailbox } = h.runtime.endpoints;
      const text = 'Approve: http://127.0.0.1:3000/approvals/t1?choice=approve\n<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
      const sent = await request(`${mailbox}/v2/email/outbound-emails`, {
        method: 'POST',
        headers: { Authorization: SES_V1, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          FromEmailAddress: 'noreply@ciss.ct.example',
          Destination: { ToAddresses: ['viewer@ciss.ct.example'] },
          Content: { Simple: { Subject: { Data: 'Viewer check' }, Body: { Text: { Data: text }, Html: { Data: '<img src=x onerror="window.__pwned = 3">' } } } },
        }),
      });
      expect(sent.status).toBe(200);
      const page = await browser.newPage();
      try {
        await page.goto(`${mailbox}/#secret=${h.runtime.localSecret}`);
        const article = page.locator('article', { hasText: 'Viewer check' });
        await article.waitFor();
        expect(await article.locator('pre').innerText()).toContain('<script>window.__pwned = 1</script>');
        expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await page.locator('iframe, article img, article script').count()).toBe(0);
        const link = article.locator('a');
        expect({ href: await link.getAttribute('href'), rel: await link.getAttribute('rel') }).toEqual({ href: 'http://127.0.0.1:3000/approvals/t1?choice=approve', rel: 'noopener noreferrer' });

        // Without the secret, the page has nothing to show.
        await page.goto(`${mailbox}/`);
        await page.reload();
        await page.locator('#status', { hasText: 'No secret' }).waitFor();
        expect(await page.locator('article').count()).toBe(0);
      } finally {
        await page.close();
      }
    });
  });

  it('answers an unknown JSON-protocol operation with UnknownOperationException', async () => {
    const res = await request(`${h.runtime.endpoints.edge}/`, { method: 'POST', headers: { 'X-Amz-Target': 'AmazonSQS.ListQueues', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ __type: expect.stringMatching(/(^|#)UnknownOperationException$/), message: expect.any(String) });
  });
});

describe('the mailbox’s own server (aws-ses-v2-local, behind ours)', () => {
  it('listens on loopback only and refuses requests addressed to another host, like ours', async () => {
    const ses = await startLocalSes(0, { localSecret: 'mailbox-secret' });
    try {
      const upstream = new URL(ses.upstream);
      expect(upstream.hostname).toBe('127.0.0.1');
      const elsewhere = await Promise.all(otherAddressesOfThisMachine().map((a) => connect(a, Number(upstream.port))));
      expect(elsewhere.every((r) => r === 'ECONNREFUSED')).toBe(true);
      const rebound = await request(`${ses.upstream}/store`, { host: `rebound.example:${upstream.port}` });
      expect(rebound.status).toBe(421);
      expect((await request(`${ses.upstream}/health-check`)).status).toBe(200);
    } finally {
      await ses.stop();
    }
  });
});

describe('a call the edge passes to an upstream that does not answer', () => {
  let upstream: http.Server;
  let port: number;
  let edge: Edge;
  let edgePort: number;
  const open = new Set<http.IncomingMessage>();
  const closed: number[] = [];

  beforeAll(async () => {
    // An upstream that takes requests and never answers them (as the mailbox did for SES v1).
    upstream = http.createServer((req) => {
      open.add(req);
      req.socket.once('close', () => {
        open.delete(req);
        closed.push(Date.now());
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    port = (upstream.address() as net.AddressInfo).port;
    edge = edgeTo(port, 500);
    edgePort = await edge.start(0);
  });
  afterAll(async () => {
    await edge.stop();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  const dynamoCall = { method: 'POST', headers: { 'X-Amz-Target': 'DynamoDB_20120810.ListTables', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}' };

  it('answers 504 after its timeout, and closes the upstream request', async () => {
    const started = Date.now();
    const res = await request(`http://127.0.0.1:${edgePort}/`, { ...dynamoCall, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body)).toEqual({ __type: 'RequestTimeout', message: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(3000);
    await waitUntil(() => open.size === 0);
  });

  it('aborts the upstream request when the caller goes away', async () => {
    // An edge of its own whose timeout is a minute: the upstream request can only close this soon because of the abort.
    const patient = edgeTo(port, 60_000);
    const patientPort = await patient.start(0);
    try {
      const before = closed.length;
      const controller = new AbortController();
      const pending = request(`http://127.0.0.1:${patientPort}/`, { ...dynamoCall, signal: controller.signal }).catch(() => 'aborted');
      await waitUntil(() => open.size === 1);
      controller.abort();
      expect(await pending).toBe('aborted');
      await waitUntil(() => open.size === 0 && closed.length > before);
    } finally {
      await patient.stop();
    }
  });
});

/** An edge whose DynamoDB and SES are the upstream on `port`, giving up on a call after `timeoutMs`. */
function edgeTo(port: number, timeoutMs: number): Edge {
  const none = { handle: async () => ({}) };
  return new Edge({ dynamodb: `http://127.0.0.1:${port}`, ses: `http://127.0.0.1:${port}`, stepFunctions: none, eventBridge: none, kms: none, secretsManager: none, localSecret: 's', control: async () => undefined }, timeoutMs);
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
