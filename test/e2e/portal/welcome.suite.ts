import { accessibilityProblems, checkPage, givenPortal, newPage, overflowsAt320, stopPortal, type PortalHarness } from './harness';
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

  it('has checks that find what they look for: an unnamed button, text without contrast, a page too wide', async () => {
    const { context, page } = await newPage(p);
    await page.goto(p.url);
    await page.getByRole('button', { name: /sign in/i }).waitFor();
    // Styles set through the CSSOM (the page's CSP refuses style attributes in markup).
    await page.evaluate(`(() => {
      const main = document.getElementById('main');
      main.append(document.createElement('button'));
      const faint = Object.assign(document.createElement('p'), { textContent: 'faint' });
      Object.assign(faint.style, { color: '#eeeeee', background: '#ffffff' });
      const wide = Object.assign(document.createElement('div'), { textContent: 'wide' });
      wide.style.width = '900px';
      main.append(faint, wide);
    })()`);
    const found = await accessibilityProblems(page);
    expect(found.some((f) => f.startsWith('button-name'))).toBe(true);
    expect(found.some((f) => f.startsWith('color-contrast'))).toBe(true);
    expect(await overflowsAt320(page)).toBe(true);
    await context.close();
  });

  it('serves config.json naming the local issuer and the exact callback', async () => {
    const config = (await (await fetch(`${p.url}config.json`)).json()) as { redirectUri: string; authBase: string; clientId: string; idleMinutes: number };
    expect(config.redirectUri).toBe(p.url);
    expect(config.authBase).toBe(new URL(p.url).origin);
    expect(config.idleMinutes).toBe(30);
  });
});
