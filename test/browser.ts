import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, when the machine has it; otherwise the one `npm ci` brought. */
const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a headless browser under test. Web security stays on (the console's CSP and the
 * pages' sandboxing are what the tests check), so @sparticuz/chromium's Lambda defaults
 * (`--disable-web-security` and the like) are not used; nor is its `--single-process`, with which
 * the browser closes itself when the first tab closes.
 */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * A real Chromium for browser tests, with nothing but `npm ci`: `@sparticuz/chromium` ships the
 * browser inside its npm package (unpacked once under the system's temp folder, about 4 s).
 * A Debian chromium at /usr/bin/chromium (or `CHROMIUM_PATH`) is preferred where present.
 */
export async function launchBrowser(): Promise<Browser> {
  if (existsSync(SYSTEM_CHROMIUM)) return chromium.launch({ executablePath: SYSTEM_CHROMIUM, args: ARGS });
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  return chromium.launch({ executablePath, args: ARGS });
}
