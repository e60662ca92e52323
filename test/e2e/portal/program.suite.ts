import type { Page } from 'playwright-core';
import { custodialPacket } from '../../../drive/arrest-packet';
import type { ProgramFigures } from '../../../functions/metrics/use-cases/program';
import { eventually } from '../steps';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * The program's figures in the portal, on the real API: an agency's packets are sent, then the
 * auditor opens the month's figures; the page shows what GET /metrics/program answers, draws the
 * days with uPlot, and carries the same numbers in a table. Operations see the section too.
 */
describe('the program figures in the portal', () => {
  let p: PortalHarness;
  let page: Page;
  let figures: ProgramFigures;
  let range: { from: string; to: string };

  const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${p.h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });

  beforeAll(async () => {
    p = await givenPortal();
    const now = p.h.runtime.clock.now();
    const d = new Date(now);
    range = {
      from: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 10),
      to: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10),
    };
    const rms = await p.h.runtime.mintToken({ roles: ['agency-rms'], ori: 'CT0000100', username: 'nhpd-rms' });
    for (const incident of ['prog-1', 'prog-2']) {
      const sent = await api('/arrests', rms, { method: 'POST', body: JSON.stringify(custodialPacket(incident, now)) });
      if (sent.status !== 202) throw new Error(`POST /arrests ${incident}: ${sent.status}`);
    }
    const auditor = await p.h.runtime.mintToken({ roles: ['auditor'], username: 'program-setup' });
    figures = await eventually(async () => {
      const res = await api(`/metrics/program?from=${range.from}&to=${range.to}`, auditor);
      const answer = (await res.json()) as ProgramFigures;
      return answer.municipalities?.connected === 1 ? answer : undefined;
    }, 'the demo agency connected by its first packet', 60_000);
    ({ page } = await signedIn(p, 'auditor', `/program?from=${range.from}&to=${range.to}`));
  }, 180_000);
  afterAll(() => stopPortal(p));

  const fact = (label: string) => page.locator('dl.facts dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');

  it('shows the month’s figures as the API counts them', async () => {
    await page.getByRole('heading', { level: 1, name: 'Program figures' }).waitFor();
    await page.getByRole('heading', { level: 2, name: `${range.from} to ${range.to}` }).waitFor();
    expect(await fact('Searches').textContent()).toBe(String(figures.totals.searches));
    expect(await fact('Document exchanges').textContent()).toContain(`${figures.totals.exchanges.total} (sent 2,`);
    expect(await fact('Municipalities connected').textContent()).toBe('1 of 169 (0.6 %)');
    expect(await fact('Median, arrest to AVAILABLE').textContent()).toContain('packets)');
    // Sources live in the range (none delivered here: the runtime polls no source), and those that did not deliver, by id.
    const { sources } = figures;
    expect(await fact('Source systems live').textContent()).toBe(sources.live === null ? 'not known: the search database did not answer' : `${sources.live} of ${sources.total} delivered in the range (${sources.liveNow} within the last 24 hours)`);
    const notDelivered = sources.down.length ? await fact('Source systems that did not deliver').textContent() : '';
    expect(notDelivered).toBe(sources.down.join(', '));
  });

  it('draws the days with uPlot, and carries the same numbers in a table', async () => {
    await page.locator('figure.chart canvas').first().waitFor();
    expect(await page.getByRole('img', { name: /Chart of searches and document exchanges per day/ }).getAttribute('aria-label')).toContain(`${figures.totals.exchanges.total} exchanges in all`);
    const rows = page.locator('table.program-days tbody tr');
    expect(await rows.count()).toBe(figures.days.length);
    const today = new Date(p.h.runtime.clock.now()).toISOString().slice(0, 10);
    const row = page.locator('table.program-days tbody tr', { has: page.locator('th', { hasText: today }) });
    expect(await row.locator('td').allTextContents()).toEqual(
      (() => {
        const d = figures.days.find((x) => x.period === today)!;
        return [d.searches, d.exchanges.total, d.exchanges.sent, d.exchanges.transmitted, d.exchanges.notified, d.exchanges.disseminated].map(String);
      })(),
    );
    expect(await page.locator('table.program-months tbody tr th').allTextContents()).toEqual([range.from.slice(0, 7)]);
    expect(await checkPage(page, 'program')).toEqual([]);
  });

  it('checks the range beside its field before asking the API', async () => {
    await page.getByLabel('From (UTC day)').fill(range.to);
    await page.getByLabel('To (UTC day, included)').fill(range.from);
    await page.getByRole('button', { name: 'Show figures' }).click();
    expect(await page.locator('#f-to-problem').textContent()).toContain('must be on or after the "from" day');
    expect(await checkPage(page, 'program-range-problem')).toEqual([]);
  });

  it('is in the navigation of operations too, and of no one else', async () => {
    const ops = await signedIn(p, 'ops', '/program');
    await ops.page.getByRole('heading', { level: 1, name: 'Program figures' }).waitFor();
    expect(await ops.page.getByRole('link', { name: 'Program figures' }).count()).toBeGreaterThan(0);
    const clerk = await signedIn(p, 'clerk-ga23', '/');
    expect(await clerk.page.getByRole('link', { name: 'Program figures' }).count()).toBe(0);
    expect(p.problems).toEqual([]);
  });
});
