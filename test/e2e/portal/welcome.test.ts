import { checkPage, givenPortal, newPage, stopPortal, type PortalHarness } from './harness';
import { SYSTEM_USE_NOTICE } from '../../../portal/src/notice';

/** Before anyone signs in: the portal serves its page and the CJIS system-use notification (AC-8). */
describe('the portal before sign-in', () => {
  let p: PortalHarness;
  beforeAll(async () => {
    p = await givenPortal();
  });
  afterAll(() => stopPortal(p));

  it('shows the system-use notification and a sign-in button, accessibly, with a strict CSP', async () => {
    const { context, page } = await newPage(p);
    const res = await page.goto(p.url);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByRole('heading', { name: SYSTEM_USE_NOTICE.title }).waitFor();
    expect(await page.getByText(SYSTEM_USE_NOTICE.paragraphs[1]).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /sign in/i }).isVisible()).toBe(true);
    expect(await checkPage(page, 'welcome')).toEqual([]);
    await context.close();
    expect(p.problems).toEqual([]);
  });

  it('serves config.json naming the local issuer and the exact callback', async () => {
    const config = (await (await fetch(`${p.url}config.json`)).json()) as { redirectUri: string; authBase: string; clientId: string; idleMinutes: number };
    expect(config.redirectUri).toBe(p.url);
    expect(config.authBase).toBe(new URL(p.url).origin);
    expect(config.idleMinutes).toBe(30);
  });
});
