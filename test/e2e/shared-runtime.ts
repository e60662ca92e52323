import { givenRuntime, stopHarness, type Harness } from './steps';

/**
 * One embedded runtime (default options) for every suite of a test file (./shared.test.ts):
 * starting a runtime and loading what it imports into a jest file costs a few seconds of CPU per
 * file, so suites that need no options of their own and read only their own data share one.
 * Suites run in the order the file imports them, and each sees what the ones before it left.
 */
/** The options a shared runtime may be given: plain values, so that suites can agree on them. */
export interface SharedOptions {
  /** Off for suites that move the clock by hours and want no monitor runs for it. */
  readonly schedules?: boolean;
}

let shared: { readonly key: string; readonly harness: Promise<Harness> } | undefined;

/**
 * The file's runtime, started by the first caller (the file's `beforeAll`, or a suite's own
 * top-level `beforeAll`, which jest runs first when the suite registers it on import); a suite
 * takes it in its `beforeAll`, with the options it needs, and does not stop it. Every caller in a
 * file must ask for the same options: a suite that needs others belongs in another file.
 */
export function sharedRuntime(options: SharedOptions = {}): Promise<Harness> {
  const key = JSON.stringify(options);
  shared ??= { key, harness: givenRuntime(options) };
  if (shared.key !== key) throw new Error(`sharedRuntime: this file's runtime was started with ${shared.key}, a suite asks for ${key}; give the suite a file of its own`);
  return shared.harness;
}

/** The file's `afterAll`. */
export async function stopSharedRuntime(): Promise<void> {
  const h = shared;
  shared = undefined;
  if (h) await stopHarness(await h.harness.catch(() => undefined));
}
