import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Page } from 'playwright-core';
import { custodialPacket } from '../../../drive/arrest-packet';
import { eventually, mailbox, type Mail } from '../steps';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * Operations in the portal (what the local console showed, moved in as one section), against the
 * real ops API on the embedded runtime: one arrest packet FAILED at TransmitToCms (CMS down
 * through every retry) and one CCHRS access request waiting for the unit's review. The operator
 * signs in through the local issuer as the demo operations person.
 */
const ORI = 'CT0000100';
const UNIT = 'cchrs.unit@dpscs.ct.example';

describe('operations in the portal', () => {
  let p: PortalHarness;
  let packetId: string;
  let packetArn: string;
  let requestId: string;

  const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${p.h.runtime.endpoints.api}${path}`, { redirect: 'manual', ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });

  async function mailAbout(to: string, subjectPart: string): Promise<Mail> {
    return eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart)), `mail to ${to} about ${subjectPart}`);
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
    const admin = await p.h.runtime.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
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
    const { h } = p;
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
      await eventually(
        async () => {
          const status = (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions?.find((e) => e.executionArn === arn)?.status;
          if (status === 'FAILED') return true;
          const last = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 1 }))).events?.[0];
          const next = h.runtime.clock.pending()[0];
          if (last?.type === 'TaskFailed' && next !== undefined) await h.runtime.clock.advance(Math.max(1, next - h.runtime.clock.now()));
          return undefined;
        },
        'the packet execution to fail',
        20_000,
      );
      return { packetId: id, arn };
    } finally {
      h.runtime.cms.setDown(false);
    }
  }

  beforeAll(async () => {
    p = await givenPortal();
    // Independent: the packet's clock moves only through CMS back-offs, far inside the review's days.
    let failed: { packetId: string; arn: string };
    [requestId, failed] = await Promise.all([givenWaitingAccessRequest(), givenFailedArrestPacket()]);
    ({ packetId, arn: packetArn } = failed);
  });
  afterAll(() => stopPortal(p));

  const rows = (page: Page) => page.locator('table.executions tbody tr');
  /**
   * Runs in the page (the test is typed for Node, hence the cast): the list has rows, all with
   * this value. A function, not a string: the portal's CSP refuses eval, playwright's included.
   */
  const onlyRows = ([field, value]: readonly [string, string]): boolean => {
    type Row = { dataset: Record<string, string | undefined> };
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Row> } }).document;
    const all = [...doc.querySelectorAll('table.executions tbody tr')];
    return all.length > 0 && all.every((r) => r.dataset[field] === value);
  };
  const strokeOf = (el: unknown): string => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke;

  it('lists both executions and filters them by workflow, status and stuck', async () => {
    const { context, page } = await signedIn(p, 'ops', '/ops');
    await page.waitForSelector('table.executions');
    const listed = await rows(page).allTextContents();
    expect(listed.some((r) => r.includes(`packet ${packetId}`) && r.includes('FAILED') && r.includes('TransmitToCms'))).toBe(true);
    expect(listed.some((r) => r.includes(`request ${requestId}`) && r.includes('RUNNING'))).toBe(true);
    expect(await page.getByRole('link', { name: 'Operations' }).getAttribute('aria-current')).toBe('page');
    expect(await checkPage(page, 'ops-executions')).toEqual([]);

    await page.getByLabel('Workflow').selectOption('arrest');
    await page.waitForFunction(onlyRows, ['workflow', 'arrest'] as const);
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining(`packet ${packetId}`)]);

    await page.getByLabel('Workflow').selectOption('');
    await page.getByLabel('Status').selectOption('FAILED');
    await page.waitForFunction(onlyRows, ['status', 'FAILED'] as const);
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining(`packet ${packetId}`)]);
    expect(page.url()).toContain('status=FAILED');

    // Neither execution is past what its step may take: the stuck view is empty.
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('stuck only').check();
    await page.waitForSelector('[data-testid=executions].empty');
    expect(page.url()).toContain('stuck=true');
    expect(await rows(page).count()).toBe(0);
    await context.close();
  });

  it('shows the failed execution (the failed state red in the graph, the error and cause in the timeline) and redrives it, by keyboard', async () => {
    const { context, page } = await signedIn(p, 'ops', '/ops');
    await page.waitForSelector('table.executions');
    await page.getByRole('link', { name: `packet ${packetId}` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('svg.graph');
    expect(await page.locator('[data-testid=execution-title]').textContent()).toContain('FAILED');

    expect(await page.locator('svg.graph [data-state="TransmitToCms"]').getAttribute('data-mark')).toBe('failed');
    expect(await page.locator('svg.graph [data-state="ValidatePacket"]').getAttribute('data-mark')).toBe('visited');
    expect(await page.locator('svg.graph [data-state="PacketRejected"]').getAttribute('data-mark')).toBe('unvisited');
    expect(await page.locator('svg.graph path.edge.taken').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('svg.graph [data-state="TransmitToCms"] rect').evaluate(strokeOf)).toBe('rgb(185, 28, 28)');

    const step = page.locator('[data-testid=timeline] tr[data-state="TransmitToCms"]');
    const cells = await step.locator('td').allTextContents();
    expect(cells[4]).not.toBe('0'); // retries
    expect(cells[5]).toMatch(/\S/); // error
    expect(cells[6]).toMatch(/\S/); // cause
    const failure = await page.locator('[data-testid=failure]').textContent();
    expect(failure).toContain('TransmitToCms');
    expect(failure).toContain(cells[5] ?? 'the error');
    expect(await page.locator('[data-testid=pending-task]').count()).toBe(0);
    expect(decodeURIComponent(page.url())).toContain(packetArn);
    expect(await checkPage(page, 'ops-execution-failed')).toEqual([]);

    // Redrive asks first, with the confirmation focused; Enter confirms. CMS is up again.
    await page.getByRole('button', { name: 'Redrive', exact: true }).focus();
    await page.keyboard.press('Enter');
    const yes = page.getByRole('button', { name: 'Yes, redrive' });
    await yes.waitFor();
    expect(await yes.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    expect(await checkPage(page, 'ops-redrive-confirm')).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.getByRole('status').filter({ hasText: 'Redriven at' }).textContent()).toMatch(/Redriven at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: RUNNING/);
    await eventually(async () => ((await page.locator('[data-testid=execution-title]').textContent())?.includes('FAILED') ? undefined : true), 'the page to show the redriven execution');
    expect(await page.getByRole('button', { name: 'Redrive', exact: true }).count()).toBe(0);
    const status = await eventually(async () => {
      const s = (await p.h.sfn.send(new ListExecutionsCommand({ stateMachineArn: p.h.runtime.names.machines['arrest-packet'] }))).executions?.find((e) => e.executionArn === packetArn)?.status;
      return s === 'FAILED' ? undefined : s;
    }, 'the redriven execution');
    expect(['RUNNING', 'SUCCEEDED']).toContain(status);
    await context.close();
  });

  it('shows the waiting execution: its current state, the pending task on the unit, and the review e-mail', async () => {
    const { context, page } = await signedIn(p, 'ops', '/ops');
    await page.waitForSelector('table.executions');
    await page.getByRole('link', { name: `request ${requestId}` }).click();
    await page.waitForSelector('[data-testid=mail]');
    expect(await page.locator('svg.graph [data-mark="current"]').count()).toBe(1);
    expect(await page.locator('svg.graph [data-mark="failed"]').count()).toBe(0);
    const assignee = await page.locator('[data-testid=assignee]').textContent();
    expect(assignee).toContain('unit');
    expect(assignee).toContain(UNIT);
    expect(await page.locator('[data-testid=pending-task]').textContent()).toMatch(/Since\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const mails = await page.locator('[data-testid=mail] summary').allTextContents();
    expect(mails.some((m) => m.includes('CCHRS access for Jordan Console Rivera') && m.includes(UNIT))).toBe(true);
    expect(await checkPage(page, 'ops-execution-waiting')).toEqual([]);
    await context.close();
  });

  it('lists the pending human task with on whom it waits', async () => {
    const { context, page } = await signedIn(p, 'ops', '/ops');
    await page.getByRole('link', { name: 'Pending tasks' }).click();
    await page.waitForSelector('table.tasks');
    const tasks = await page.locator('table.tasks tbody tr').allTextContents();
    expect(tasks.some((t) => t.includes(UNIT) && t.includes('access'))).toBe(true);
    expect(await checkPage(page, 'ops-tasks')).toEqual([]);
    await context.close();
  });

  it('leaves the mailbox panel out where there is no mailbox (the path answers 404, as in AWS)', async () => {
    const { context, page } = await signedIn(p, 'ops', '/ops');
    await page.route('**/portal/api/mails?**', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' }));
    const answered = page.waitForResponse('**/portal/api/mails?**');
    await page.getByRole('link', { name: `request ${requestId}` }).click();
    expect((await answered).status()).toBe(404);
    await page.waitForSelector('[data-testid=timeline]');
    // The panel shows "Loading" until the answer, then goes.
    await page.waitForSelector('[data-testid=mails]', { state: 'detached' });
    expect(await page.locator('[data-testid=pending-task]').count()).toBe(1);
    expect(await page.locator('[data-testid=mails]').count()).toBe(0);
    await context.close();
    // The browser reports the 404 it was told to give; that is the case under test, not a fault.
    p.problems.splice(0, p.problems.length, ...p.problems.filter((x) => !/portal\/.*status of 404/.test(x)));
  });

  it('shows no operations section to another role, and the mailbox refuses it', async () => {
    const { context, page } = await signedIn(p, 'clerk-ga23', '/ops');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(packetId);
    await context.close();

    const ops = await p.h.runtime.mintToken({ roles: ['operations'], username: 'ops' });
    const clerk = await p.h.runtime.mintToken({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk-ga23' });
    // The mailbox answers as the API does: 401 without a valid token, 403 for another role, 400 naming the field.
    const mails = (token: string | undefined, q = `subjectType=request&subject=${requestId}`) => api(`/portal/api/mails?${q}`, token);
    expect((await mails(undefined)).status).toBe(401);
    expect((await mails(`${ops.slice(0, -4)}AAAA`)).status).toBe(401);
    expect((await mails(clerk)).status).toBe(403);
    const bad = await mails(ops, 'subjectType=request&subject=<script>');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"field":"subject"');
    const ok = (await (await mails(ops)).json()) as { items: { subject: string }[] };
    expect(ok.items.map((m) => m.subject)).toEqual([expect.stringContaining('CCHRS access for Jordan Console Rivera')]);
  });

  it('sends the old console’s address to the portal’s operations section, and the mailbox is never cached', async () => {
    for (const path of ['/console', '/console/', '/console/app.js']) {
      const res = await api(path, undefined);
      expect([res.status, res.headers.get('location')]).toEqual([308, '/portal/#/ops']);
    }
    const ops = await p.h.runtime.mintToken({ roles: ['operations'], username: 'ops' });
    const res = await api(`/portal/api/mails?subjectType=packet&subject=${packetId}`, ops);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await api('/ops/executions', ops)).headers.get('cache-control')).toBe('no-store');
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(p.problems).toEqual([]);
  });
});
