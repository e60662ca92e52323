import { SYSTEM_USE_NOTICE } from '../../../portal/src/notice';
import { checkPage, givenPortal, newPage, signIn, stopPortal, type PortalHarness } from './harness';

/**
 * Sign-in and sessions (CJIS IA-2, AC-8, AC-11): the authorization code with PKCE through the
 * local issuer's hosted page, tokens never in web storage, the idle lock at 30 minutes, and a
 * sign-out that revokes the refresh token.
 */
describe('signing in to the portal and the session', () => {
  let p: PortalHarness;
  beforeAll(async () => {
    p = await givenPortal();
  });
  afterAll(() => stopPortal(p));

  it('signs in with PKCE, back to the page asked for, and keeps no token in web storage', async () => {
    const { context, page } = await newPage(p);
    const tokenRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/oauth2/token')) tokenRequests.push(r.postData() ?? '');
    });
    await signIn(p, page, 'clerk-ga23', '/tasks');
    expect(new URL(page.url()).hash).toBe('#/tasks');
    expect(new URL(page.url()).search).toBe('');
    await page.getByText('Nothing waits for you.').waitFor();
    expect(tokenRequests).toHaveLength(1);
    const form = new URLSearchParams(tokenRequests[0]);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')?.length).toBeGreaterThanOrEqual(43);
    const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(stored).not.toContain('refresh');
    expect(await checkPage(page, 'tasks-clerk')).toEqual([]);
    await context.close();
  });

  it('locks after 30 minutes without activity, revoking the refresh token, and signs in again to the same page', async () => {
    const { context, page } = await newPage(p);
    await page.clock.install();
    await signIn(p, page, 'clerk-ga23', '/tasks');
    await page.clock.fastForward('29:00');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    const revoked = page.waitForRequest((r) => r.url().endsWith('/oauth2/revoke'));
    await page.clock.fastForward('01:30');
    await revoked;
    await page.getByRole('heading', { name: 'Your session is locked' }).waitFor();
    expect(await page.getByText(SYSTEM_USE_NOTICE.paragraphs[0]).isVisible()).toBe(true);
    expect(await checkPage(page, 'session-locked')).toEqual([]);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.locator('button[name="username"][value="clerk-ga23"]').click();
    await page.getByRole('heading', { name: 'Waiting for you', level: 1 }).waitFor();
    await context.close();
  });

  it('signs out: the refresh token is revoked, the hosted session ends, and the portal says so', async () => {
    const { context, page } = await newPage(p);
    await signIn(p, page, 'clerk-ga23');
    const revoke = page.waitForRequest((r) => r.url().endsWith('/oauth2/revoke'));
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    const form = new URLSearchParams((await revoke).postData() ?? '');
    expect(form.get('token')).toBeTruthy();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    // The revoked refresh token is refused from then on.
    const res = await fetch(`${new URL(p.url).origin}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'local-portal', refresh_token: form.get('token') ?? '' }) });
    expect(res.status).toBe(400);
    await context.close();
    expect(p.problems).toEqual([]);
  });
});
