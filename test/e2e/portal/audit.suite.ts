import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { AuditAnswer } from '../../../functions/audit/domain/query';
import { eventually } from '../steps';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * The auditor in the portal: the audit trail by subject, by actor and by day (a UTC date), page
 * by page, and a day exported to CSV, which the test reads back. Every page read, the export's
 * included, is itself a record of the trail.
 */
describe('the auditor in the portal', () => {
  let p: PortalHarness;
  let page: Page;
  let requestId: string;
  let day: string;
  let apiAuditor: string;

  const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${p.h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const rows = () => page.locator('table.audit-records tbody tr');

  beforeAll(async () => {
    p = await givenPortal();
    const admin = await p.h.runtime.mintToken({ roles: ['agency-admin'], ori: 'CT0000100', username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
    const res = await api('/access-requests', admin, {
      method: 'POST',
      body: JSON.stringify({
        employee: { fullName: 'Casey Morgan', email: 'casey.morgan@nhpd.ct.example', jobTitle: 'Detective' },
        ori: 'CT0000100',
        justification: 'Investigates firearms cases and must check the criminal history of suspects and permit applicants.',
      }),
    });
    requestId = ((await res.json()) as { requestId: string }).requestId;
    await api(`/access-requests/${requestId}`, admin);
    // Enough records on the day for several pages of 25: each query of the trail is a record.
    apiAuditor = await p.h.runtime.mintToken({ roles: ['auditor'], username: 'audit-setup' });
    day = new Date(p.h.runtime.clock.now()).toISOString().slice(0, 10);
    for (let i = 0; i < 30; i++) await api(`/audit?actor=nobody-${i}`, apiAuditor);
    await eventually(async () => {
      const answer = (await (await api(`/audit?subjectType=access-request&subject=${requestId}`, apiAuditor)).json()) as AuditAnswer;
      return answer.records.some((r) => r.type === 'AccessRequestRead') ? true : undefined;
    }, 'the request’s audit records');
    ({ page } = await signedIn(p, 'auditor', '/audit'));
  });
  afterAll(() => stopPortal(p));

  it('opens the audit trail with its search form', async () => {
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit trail' }).getAttribute('aria-current')).toBe('page');
    expect(await checkPage(page, 'auditor-search')).toEqual([]);
  });

  it('searches by subject with the keyboard alone, and shows the records as they are, ids only', async () => {
    await page.getByLabel('Search by').selectOption('subject');
    await page.getByLabel('Subject type').fill('access-request');
    // Empty, the id is refused beside its field, before anything is asked of the API.
    await page.getByLabel('Subject id').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#f-subject-problem').textContent()).toContain('give the subject id');
    await page.getByLabel('Subject id').fill(requestId);
    await page.getByLabel('Subject id').focus();
    await page.keyboard.press('Enter');
    await rows().first().waitFor();
    const texts = await rows().allTextContents();
    expect(texts.every((t) => t.includes(requestId))).toBe(true);
    expect(await page.locator('table.audit-records tr[data-type="AccessRequestRead"]').count()).toBeGreaterThanOrEqual(1);
    expect(texts.some((t) => t.includes('nhpd-admin'))).toBe(true);
    // Ids only: the employee's name and e-mail are in the request, never in its trail.
    expect(texts.join(' ')).not.toMatch(/Casey|casey\.morgan/);
    expect(page.url()).toContain(`subject=${requestId}`);
    expect(await checkPage(page, 'auditor-subject')).toEqual([]);
  });

  it('searches by actor, from a record’s actor link', async () => {
    await page.locator('table.audit-records a', { hasText: 'nhpd-admin' }).first().click();
    await page.waitForURL(/by=actor&actor=nhpd-admin/);
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      return doc.querySelector('#audit-results')?.textContent?.includes('actor nhpd-admin') ?? false;
    });
    await rows().first().waitFor();
    const actors = await page.locator('table.audit-records tbody tr td:nth-child(4)').allTextContents();
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set(['nhpd-admin']));
    expect(await page.getByRole('textbox', { name: 'Actor' }).inputValue()).toBe('nhpd-admin');
    expect(await checkPage(page, 'auditor-actor')).toEqual([]);
  });

  it('searches by day, 25 to a page, and reads the next page', async () => {
    await page.getByLabel('Search by').selectOption('day');
    await page.getByLabel('Day (UTC)').fill(day);
    await page.getByLabel('Per page').selectOption('25');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(new RegExp(`by=day&day=${day}`));
    await page.locator('caption', { hasText: '25 records' }).waitFor();
    expect(await rows().count()).toBe(25);
    expect(await checkPage(page, 'auditor-day')).toEqual([]);
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.locator('caption', { hasText: '2 pages read' }).waitFor();
    expect(await rows().count()).toBeGreaterThan(25);
    const times = await page.locator('table.audit-records time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect(times.every((t) => t.startsWith(day))).toBe(true);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await checkPage(page, 'auditor-day-more')).toEqual([]);
  });

  it('exports the whole day to CSV, and the export is itself in the trail', async () => {
    const exportsBefore = await countDayReads();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export all to CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`audit-day-${day}.csv`);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('at,type,outcome,actor,component,subjectType,subjectId,sourceIp,userAgent,details');
    const records = lines.slice(1);
    // Everything on the day up to the export: the request's records, and the searches' own.
    expect(records.length).toBeGreaterThan(30);
    expect(records.every((l) => l.startsWith(day))).toBe(true);
    expect(records.some((l) => l.includes(`access-request,${requestId}`))).toBe(true);
    expect(records.filter((l) => l.includes(',AuditTrailRead,')).length).toBeGreaterThanOrEqual(30);
    expect(text).not.toMatch(/Casey|casey\.morgan/);
    const done = await page.getByRole('status').filter({ hasText: 'Exported' }).textContent();
    expect(done).toContain(`Exported ${records.length} records`);
    expect(done).toContain(`audit-day-${day}.csv`);
    // Each page the export read is an AuditTrailRead of the auditor, for that day.
    expect(await countDayReads()).toBeGreaterThan(exportsBefore);
    expect(await checkPage(page, 'auditor-export')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  /** The auditor's reads of this day's range, as the API tells another auditor. */
  async function countDayReads(): Promise<number> {
    const answer = (await (await api(`/audit?actor=auditor&limit=500`, apiAuditor)).json()) as AuditAnswer;
    return answer.records.filter((r) => r.type === 'AuditTrailRead' && r.subject.id === `${day}T00:00:00.000Z..${day}T23:59:59.999Z`).length;
  }
});
