import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * Accounts that end, in the portal (Chromium, axe on every page): the agency administrator
 * (nhpd-admin, CT0000100) sees the agency's accounts with their access and last sign-in, removes
 * a leaver's account (the reason refused empty beside its field first), and confirms the
 * quarter's access review, and asks for a disabled account to be enabled again; the unit
 * (cchrs-unit) looks at the agency by its ORI and approves the enablement.
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
    // A third was disabled for inactivity (as the sweep leaves an account after 90 days without a sign-in).
    await p.h.runtime.mintToken({ roles: ['agency-staff'], ori: 'CT0000100', username: 'nhpd-idle', email: 'idle@nhpd.ct.example' });
    await p.h.dynamo.send(
      new UpdateCommand({
        TableName: p.h.runtime.names.tables.main,
        Key: { pk: 'PERSON#nhpd-idle', sk: 'ACCOUNT' },
        UpdateExpression: 'SET #status = :disabled, disabledReason = :inactive, gsi1pk = :g1pk',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':disabled': 'DISABLED', ':inactive': 'inactive', ':g1pk': 'PERSON#STATUS#DISABLED' },
      }),
    );
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

  it('asks for a disabled account to be enabled again: the unit is to approve, the account stays disabled until then', async () => {
    await admin.getByRole('button', { name: 'Ask to enable nhpd-idle…' }).click();
    await admin.getByLabel('Why the person still needs CISS access').fill('Back from leave; still runs records checks');
    await admin.getByRole('button', { name: 'Ask to enable nhpd-idle now' }).click();
    await admin.getByText('Account nhpd-idle is to be enabled again').waitFor();
    await admin.locator('tr[data-account="nhpd-idle"]', { hasText: 'enablement asked by nhpd-admin' }).waitFor();
    expect(await admin.getByRole('button', { name: 'Ask to enable nhpd-idle…' }).count()).toBe(0);
    expect(await admin.locator('tr[data-account="nhpd-leaver"]').getByRole('button').count()).toBe(0);
  });

  it("confirms the quarter's review for the accounts that still need their access", async () => {
    const review = admin.locator('article', { hasText: 'Access review' });
    await review.waitFor();
    await review.getByRole('checkbox', { name: /nhpd-leaver/ }).uncheck();
    await review.getByRole('button', { name: 'Confirm the chosen accounts' }).click();
    await admin.locator('article', { hasText: 'confirmed by nhpd-admin' }).first().waitFor();
    expect(await checkPage(admin, 'accounts-review')).toEqual([]);
  });

  it('lets the unit look at an agency by its ORI, without removal buttons, and approve an enablement', async () => {
    const unit = (await signedIn(p, 'cchrs-unit', '/accounts')).page;
    await unit.getByLabel('Agency (ORI)').fill('CT0000100');
    await unit.getByRole('button', { name: 'Show the agency' }).click();
    await unit.locator('tr[data-account="nhpd-stayer"]').waitFor();
    expect(await unit.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    expect(await checkPage(unit, 'accounts-unit')).toEqual([]);
    // The unit approves the enablement the agency asked for.
    await unit.getByRole('button', { name: 'Enable nhpd-idle…' }).click();
    await unit.getByLabel('Why the account is enabled again').fill('Confirmed with the agency administrator');
    await unit.getByRole('button', { name: 'Enable nhpd-idle now' }).click();
    await unit.getByText('Account nhpd-idle enabled again').waitFor();
    await unit.locator('tr[data-account="nhpd-idle"]', { hasText: 'approved by cchrs-unit' }).waitFor();
    expect(await unit.locator('tr[data-account="nhpd-idle"]').textContent()).toContain('asked by nhpd-admin');
  });
});
