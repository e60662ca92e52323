import { mkdirSync } from 'node:fs';
import path from 'node:path';
import axe, { type AxeResults } from 'axe-core';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ROOT } from '../../../infra/asl';
import type { RuntimeOptions } from '../../../infra/local/runtime';
import { launchBrowser } from '../../browser';
import { eventually, givenRuntime, stopHarness, type Harness } from '../steps';

/**
 * The CISS portal in a real Chromium (playwright-core; test/browser.ts), on the embedded runtime:
 * people sign in through the local issuer's hosted sign-in page (authorization code with PKCE),
 * as they do through Cognito's in AWS. Every page a test visits can be checked with axe and
 * photographed into test-output/portal/.
 */
export const SHOTS = path.join(ROOT, 'test-output', 'portal');

export interface PortalHarness {
  readonly h: Harness;
  readonly browser: Browser;
  /** `<api origin>/portal/` */
  readonly url: string;
  /** Console errors and failed requests of every page: a test ends with none. */
  readonly problems: string[];
}

/** The runtime and browser of a file that runs several suites on one (`sharePortal`). */
let shared: PortalHarness | undefined;

/**
 * The runtime (default options unless given) and a browser. Inside a file that shares one
 * (`sharePortal`), that one, with a problems list of the suite's own; it takes no options there.
 */
export async function givenPortal(options: Partial<RuntimeOptions> = {}): Promise<PortalHarness> {
  if (shared) {
    if (Object.keys(options).length) throw new Error(`givenPortal: a shared portal runtime takes no options (got ${Object.keys(options).join(', ')}); start this suite in a file of its own`);
    return { ...shared, problems: [] };
  }
  mkdirSync(SHOTS, { recursive: true });
  const h = await givenRuntime(options);
  const browser = await launchBrowser();
  return { h, browser, url: h.runtime.endpoints.portal, problems: [] };
}

/** Stops the runtime and browser, unless they are the file's shared ones (`stopSharedPortal` does). */
export async function stopPortal(p: PortalHarness | undefined): Promise<void> {
  if (shared && p?.h === shared.h) return;
  await p?.browser.close();
  await stopHarness(p?.h);
}

/**
 * One runtime and one browser for every suite of a test file (its `beforeAll`): each suite's
 * `givenPortal()` returns them, and its `stopPortal` leaves them running. Starting a runtime and
 * a browser, and loading what they import into a jest file, costs about 8 s of CI per file; suites
 * that see no data of one another's share them. Suites run in the order the file imports them,
 * and each sees what the ones before it left (never what the ones after it make).
 */
export async function sharePortal(): Promise<void> {
  shared = await givenPortal();
}

/** The file's `afterAll` after `sharePortal`. */
export async function stopSharedPortal(): Promise<void> {
  const p = shared;
  shared = undefined;
  await stopPortal(p);
}

/** A fresh browser context (no cookies, no storage) with one page, its problems collected. */
export async function newPage(p: PortalHarness, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  // A locale Intl knows: headless Chromium under LANG=C says en-US@posix, which Intl refuses.
  const context = await p.browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') p.problems.push(`${page.url()}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => p.problems.push(`${page.url()}: ${e.message}`));
  return { context, page };
}

/**
 * Signs `username` in as a person does: the portal's notice, "sign in", the issuer's page, the
 * person's button; back on the portal at `route` (`/tasks/T-…`), signed in.
 */
export async function signIn(p: PortalHarness, page: Page, username: string, route = '/'): Promise<void> {
  await page.goto(`${p.url}#${route}`);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.locator(`button[name="username"][value="${username}"]`).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A signed-in page for `username` at `route`, in its own context. */
export async function signedIn(p: PortalHarness, username: string, route = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage(p);
  await signIn(p, opened.page, username, route);
  return opened;
}

/**
 * axe-core on the page as it stands: no serious or critical violation (WCAG 2.1 A and AA).
 * Returns the violations' one-line descriptions, for `expect(...).toEqual([])`.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // axe-core goes into the page once per document (the portal changes pages by its fragment, so
  // one injection serves a whole visit); CDP's evaluate is not subject to the page's CSP.
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(axe.source);
  const results = await page.evaluate<AxeResults>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_TAGS)} }, resultTypes: ['violations'] })`);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Whether the page reads at 320 px wide: nothing wider than the viewport (WCAG 1.4.10 reflow). */
export async function overflowsAt320(page: Page): Promise<boolean> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
  if (before) await page.setViewportSize(before);
  return overflow;
}

/** A screenshot of the whole page, `test-output/portal/<name>.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * What every page of the portal must pass: axe finds no serious or critical violation, the page
 * reads at 320 px, and a screenshot is kept. Returns the problems found (empty when it passes).
 */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  await shot(page, name);
  const problems = await accessibilityProblems(page);
  if (await overflowsAt320(page)) problems.push(`${name}: wider than 320 px`);
  return problems;
}

/** Moves the page to a route inside the app (no reload: the session lives in the page's memory). */
export const goTo = (page: Page, route: string): Promise<void> => page.evaluate(`void (location.hash = ${JSON.stringify(`#${route}`)})`);

/** Opens `route` afresh (via the start page) until `wanted` shows: the workflow moves on its own. */
export const openUntil = (page: Page, route: string, wanted: () => Locator, what: string, timeoutMs: number): Promise<true> =>
  eventually(
    async () => {
      await goTo(page, '/');
      await page.getByRole('heading', { name: 'CISS portal', level: 1 }).waitFor();
      await goTo(page, route);
      return (await wanted()
        .waitFor({ timeout: 1_000 })
        .then(() => true)
        .catch(() => false))
        ? true
        : undefined;
    },
    what,
    timeoutMs,
  );
