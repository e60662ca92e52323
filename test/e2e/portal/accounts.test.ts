import type { Page } from 'playwright-core';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * Accounts that end, in the portal (Chromium, axe on every page): the agency administrator
 * (nhpd-admin, CT0000100) sees the agency's accounts with their access and last sign-in, removes
 * a leaver's account (the reason refused empty beside its field first), and confirms the
 * quarter's access review; the unit (cchrs-unit) looks at the agency by its ORI.
 */
describe('accounts in the portal: the agency administrator and the unit', () => {
  let p: PortalHarness;
  let admin: Page;

  beforeAll(async () => {
    p = await givenPortal();
    // Two employees of the agency have signed in (their accounts exist), and the quarter's review is listed.
    await p.h.runtime.mintToken({ roles: ['agency-staff'], ori: 'CT0000100', username: 'nhpd-leaver', email: 'leaver@nhpd.ct.example' });
    await p.h.runtime.mintToken({ roles: ['agency-staff'], ori: 'CT0000100', username: 'nhpd-stayer', email: 'stayer@nhpd.ct.example' });
    const run = await p.h.runtime.scheduler.runNow('accounts-sweep');
    if (!run?.ok) throw new Error(`the accounts sweep did not run: ${run?.error ?? 'no such schedule'}`);
  }, 180_000);
  afterAll(() => stopPortal(p));

  it("shows the agency's accounts, with their access and last sign-in", async () => {
    admin = (await signedIn(p, 'nhpd-admin', '/accounts')).page;
    await admin.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await admin.locator('tr[data-account="nhpd-leaver"]').waitFor();
    expect(await admin.locator('tr[data-account="nhpd-leaver"]').textContent()).toContain('agency-staff');
    expect(await checkPage(admin, 'accounts-admin')).toEqual([]);
  }, 120_000);

  it('removes a leaver: the empty reason refused beside its field, then the account REMOVED at once', async () => {
    await admin.getByRole('button', { name: 'Remove nhpd-leaver…' }).click();
    await admin.getByRole('button', { name: 'Remove nhpd-leaver now' }).click();
    expect(await admin.locator('#f-reason-problem').textContent()).toMatch(/at least 3 characters/);
    await admin.getByLabel('Why the account is removed').fill('Left the department on 27 November');
    expect(await checkPage(admin, 'accounts-removal-form')).toEqual([]);
    await admin.getByRole('button', { name: 'Remove nhpd-leaver now' }).click();
    await admin.getByText('Account nhpd-leaver removed').waitFor();
    await admin.locator('tr[data-account="nhpd-leaver"]', { hasText: 'REMOVED' }).waitFor();
    expect(await admin.locator('tr[data-account="nhpd-leaver"]').textContent()).toContain('by nhpd-admin');
  });

  it("confirms the quarter's review for the accounts that still need their access", async () => {
    const review = admin.locator('article', { hasText: 'Access review' });
    await review.waitFor();
    await review.getByRole('checkbox', { name: /nhpd-leaver/ }).uncheck();
    await review.getByRole('button', { name: 'Confirm the chosen accounts' }).click();
    await admin.locator('article', { hasText: 'confirmed by nhpd-admin' }).first().waitFor();
    expect(await checkPage(admin, 'accounts-review')).toEqual([]);
  });

  it('lets the unit look at an agency by its ORI, without removal buttons', async () => {
    const unit = (await signedIn(p, 'cchrs-unit', '/accounts')).page;
    await unit.getByLabel('Agency (ORI)').fill('CT0000100');
    await unit.getByRole('button', { name: 'Show the agency' }).click();
    await unit.locator('tr[data-account="nhpd-stayer"]').waitFor();
    expect(await unit.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    expect(await checkPage(unit, 'accounts-unit')).toEqual([]);
  });
});
