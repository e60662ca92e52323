import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../browser';
import { ROOT } from '../../infra/asl';
import { eventually, givenRuntime, mailbox, stopHarness, type Harness, type Mail } from './steps';
import { custodialPacket } from '../../drive/arrest-packet';

/**
 * The operations console in a real browser (Chromium through playwright-core; see test/browser.ts), against
 * the real ops API on the embedded runtime: one arrest packet FAILED at TransmitToCms (CMS down
 * through every retry) and one CCHRS access request waiting for the unit's review.
 */

const SHOTS = path.join(ROOT, 'test-output', 'console');
const ORI = 'CT0000100';
const UNIT = 'cchrs.unit@dpscs.ct.example';

describe('operations console, in chromium, on the embedded runtime', () => {
  let h: Harness;
  let browser: Browser;
  let ops: string;
  let packetId: string;
  let packetArn: string;
  let requestId: string;
  const problems: string[] = [];

  const api = (p: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${h.runtime.endpoints.api}${p}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });

  async function mailAbout(to: string, subjectPart: string): Promise<Mail> {
    return eventually(async () => (await mailbox(h.runtime)).find((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart)), `mail to ${to} about ${subjectPart}`);
  }

  /** Follows an e-mailed decision link as a person does: the page, then the confirmation. */
  async function decide(mail: Mail, label: string): Promise<void> {
    const link = new RegExp(`^${label}.*?: (http\\S+)$`, 'm').exec(mail.body.text ?? '')?.[1];
    if (!link) throw new Error(`no ${label} link in ${mail.body.text}`);
    const q = new URL(link).searchParams;
    const body = new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' });
    const res = await fetch(link, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (res.status !== 200) throw new Error(`deciding ${label}: ${res.status}`);
  }

  /** An access request that waits for the unit's review (a human task). */
  async function givenWaitingAccessRequest(): Promise<string> {
    const admin = await h.runtime.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
    const employee = { fullName: 'Jordan Console Rivera', email: 'jordan.console@nhpd.ct.example', jobTitle: 'Records Supervisor' };
    const justification = 'Supervises the records unit that runs criminal history checks for pistol permit applicants.';
    const res = await api('/access-requests', admin, { method: 'POST', body: JSON.stringify({ employee, ori: ORI, justification }) });
    if (res.status !== 202) throw new Error(`POST /access-requests: ${res.status}`);
    const { requestId: id } = (await res.json()) as { requestId: string };
    await mailAbout(UNIT, 'CCHRS access for Jordan Console Rivera');
    return id;
  }

  /** An arrest packet the clerk accepted, FAILED at TransmitToCms because CMS stayed down through every retry. */
  async function givenFailedArrestPacket(): Promise<{ packetId: string; arn: string }> {
    const rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
    const res = await api('/arrests', rms, { method: 'POST', body: JSON.stringify(custodialPacket('console-cms-down', h.runtime.clock.now())) });
    if (res.status !== 202) throw new Error(`POST /arrests: ${res.status}`);
    const id = ((await res.json()) as { packetId: string }).packetId;
    h.runtime.cms.setDown(true);
    try {
      await decide(await mailAbout('clerk.ga23@jud.ct.example', 'Arrest packet console-cms-down '), 'Accept');
      const machine = h.runtime.names.machines['arrest-packet'];
      const arn = await eventually(async () => (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions?.find((e) => e.name?.startsWith(id))?.executionArn, 'the packet execution');
      // The clock moves only while the execution backs off, to the next timer: never while a step runs.
      await eventually(async () => {
        const status = (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions?.find((e) => e.executionArn === arn)?.status;
        if (status === 'FAILED') return true;
        const last = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 1 }))).events?.[0];
        const next = h.runtime.clock.pending()[0];
        if (last?.type === 'TaskFailed' && next !== undefined) await h.runtime.clock.advance(Math.max(1, next - h.runtime.clock.now()));
        return undefined;
      }, 'the packet execution to fail', 20_000);
      return { packetId: id, arn };
    } finally {
      h.runtime.cms.setDown(false);
    }
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [h, browser] = await Promise.all([givenRuntime(), launchBrowser()]);
    ops = await h.runtime.mintToken({ roles: ['operations'], username: 'ops-on-call' });
    // Independent: the packet's clock moves only through CMS back-offs, far inside the review's days.
    let failed: { packetId: string; arn: string };
    [requestId, failed] = await Promise.all([givenWaitingAccessRequest(), givenFailedArrestPacket()]);
    ({ packetId, arn: packetArn } = failed);
  });

  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
  });

  /** A fresh tab (its own sessionStorage) that records script errors and CSP violations. */
  async function tab(token?: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A refused call (401, 403) is logged by the browser too; that is the console working.
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 40[13]/.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
    await page.goto(`${h.runtime.endpoints.console}${token ? `#token=${token}` : ''}`);
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const rows = (page: Page) => page.locator('table.executions tbody tr');
  /**
   * Runs in the page (the test is typed for Node, hence the cast): the list has rows, all with
   * this value. A function, not a string: the console's CSP refuses eval, playwright's included.
   */
  const onlyRows = ([field, value]: readonly [string, string]): boolean => {
    type Row = { dataset: Record<string, string | undefined> };
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Row> } }).document;
    const all = [...doc.querySelectorAll('table.executions tbody tr')];
    return all.length > 0 && all.every((r) => r.dataset[field] === value);
  };
  const strokeOf = (el: unknown): string => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke;

  it('lists both executions and filters them by workflow, status and stuck', async () => {
    const page = await tab(ops);
    await page.waitForSelector('table.executions');
    // The token left the address bar as soon as the page took it.
    expect(page.url()).not.toContain('token=');
    const listed = await rows(page).allTextContents();
    expect(listed.some((r) => r.includes(`packet ${packetId}`) && r.includes('FAILED') && r.includes('TransmitToCms'))).toBe(true);
    expect(listed.some((r) => r.includes(`request ${requestId}`) && r.includes('RUNNING'))).toBe(true);
    await shot(page, 'executions');

    await page.selectOption('#filter-workflow', 'arrest');
    await page.waitForFunction(onlyRows, ['workflow', 'arrest'] as const);
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining(`packet ${packetId}`)]);

    await page.selectOption('#filter-workflow', '');
    await page.selectOption('#filter-status', 'FAILED');
    await page.waitForFunction(onlyRows, ['status', 'FAILED'] as const);
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining(`packet ${packetId}`)]);
    expect(page.url()).toContain('status=FAILED');

    // Neither execution is past what its step may take: the stuck view is empty.
    await page.selectOption('#filter-status', '');
    await page.check('#filter-stuck');
    await page.waitForSelector('[data-testid=executions].empty');
    expect(page.url()).toContain('stuck=true');
    expect(await rows(page).count()).toBe(0);
    await page.close();
  });

  it('shows the failed execution: the failed state highlighted in the graph, and the error and cause in the timeline', async () => {
    const page = await tab(ops);
    await page.waitForSelector('table.executions');
    expect(await page.locator('#who').textContent()).toContain('ops-on-call (operations)');
    await page.click(`table.executions a:has-text("packet ${packetId}")`);
    await page.waitForSelector('svg.graph');
    expect(await page.locator('[data-testid=execution-title]').textContent()).toContain('FAILED');

    expect(await page.locator('svg.graph [data-state="TransmitToCms"]').getAttribute('data-mark')).toBe('failed');
    expect(await page.locator('svg.graph [data-state="ValidatePacket"]').getAttribute('data-mark')).toBe('visited');
    expect(await page.locator('svg.graph [data-state="PacketRejected"]').getAttribute('data-mark')).toBe('unvisited');
    expect(await page.locator('svg.graph path.edge.taken').count()).toBeGreaterThanOrEqual(6);
    const failedColour = await page.locator('svg.graph [data-state="TransmitToCms"] rect').evaluate(strokeOf);
    expect(failedColour).toBe('rgb(185, 28, 28)');

    const step = page.locator('[data-testid=timeline] tr[data-state="TransmitToCms"]');
    const cells = await step.locator('td').allTextContents();
    expect(cells[4]).not.toBe('0'); // retries
    expect(cells[5]).toMatch(/\S/); // error
    expect(cells[6]).toMatch(/\S/); // cause
    const failure = await page.locator('[data-testid=failure]').textContent();
    expect(failure).toContain('TransmitToCms');
    expect(failure).toContain(cells[5] ?? 'the error');
    expect(await page.locator('[data-testid=pending-task]').count()).toBe(0);
    await shot(page, 'execution-failed');
    expect(decodeURIComponent(page.url())).toContain(packetArn);
    await page.close();
  });

  it('shows the waiting execution: its current state, the pending task on the unit, and the review e-mail', async () => {
    const page = await tab(ops);
    await page.waitForSelector('table.executions');
    await page.click(`table.executions a:has-text("request ${requestId}")`);
    await page.waitForSelector('[data-testid=mail]');
    expect(await page.locator('svg.graph [data-mark="current"]').count()).toBe(1);
    expect(await page.locator('svg.graph [data-mark="failed"]').count()).toBe(0);
    const assignee = await page.locator('[data-testid=assignee]').textContent();
    expect(assignee).toContain('unit');
    expect(assignee).toContain(UNIT);
    expect(await page.locator('[data-testid=pending-task]').textContent()).toMatch(/Since\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const mails = await page.locator('[data-testid=mail] summary').allTextContents();
    expect(mails.some((m) => m.includes('CCHRS access for Jordan Console Rivera') && m.includes(UNIT))).toBe(true);
    await shot(page, 'execution-waiting');
    await page.close();
  });

  it('lists the pending human task with on whom it waits', async () => {
    const page = await tab(ops);
    await page.waitForSelector('table.executions');
    await page.click('nav a[data-nav=tasks]');
    await page.waitForSelector('table.tasks');
    const tasks = await page.locator('table.tasks tbody tr').allTextContents();
    expect(tasks.some((t) => t.includes(UNIT) && t.includes('access'))).toBe(true);
    await shot(page, 'tasks');
    await page.close();
  });

  it('shows an error and no data without a token, or with a token without the operations role', async () => {
    const none = await tab();
    await none.waitForSelector('[role=alert]');
    expect(await none.locator('[role=alert]').textContent()).toContain('No operations token');
    expect(await none.locator('table').count()).toBe(0);
    await shot(none, 'no-token');
    await none.close();

    const clerk = await h.runtime.mintToken({ roles: ['court-clerk'], username: 'clerk-ga23' });
    const page = await tab(clerk);
    await page.waitForSelector('[role=alert]');
    expect(await page.locator('[role=alert]').getAttribute('data-status')).toBe('403');
    expect(await page.locator('[role=alert]').textContent()).toContain('operations role');
    expect(await page.locator('table').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(packetId);
    await shot(page, 'wrong-role');
    await page.close();

    // The mailbox endpoint answers as the API does: 401 without a valid token, 403 for another role, 400 naming the field.
    const mails = (token: string | undefined, q = `subjectType=request&subject=${requestId}`) => api(`/console/api/mails?${q}`, token);
    expect((await mails(undefined)).status).toBe(401);
    expect((await mails(`${ops.slice(0, -4)}AAAA`)).status).toBe(401);
    expect((await mails(clerk)).status).toBe(403);
    const bad = await mails(ops, 'subjectType=request&subject=<script>');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"field":"subject"');
    const ok = (await (await mails(ops)).json()) as { items: { subject: string }[] };
    expect(ok.items.map((m) => m.subject)).toEqual([expect.stringContaining('CCHRS access for Jordan Console Rivera')]);
  });

  it('sends the security headers on every console response, and no data is cached', async () => {
    for (const p of ['/console/', '/console/app.js', '/console/app.css', `/console/api/mails?subjectType=packet&subject=${packetId}`]) {
      const res = await api(p, ops);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const data = await api('/ops/executions', ops);
    expect(data.headers.get('cache-control')).toBe('no-store');
    // No inline script in the page: the one script is the bundle.
    const html = await (await api('/console/', undefined)).text();
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="app.js" defer>']);
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(problems).toEqual([]);
  });
});
