import { givenRuntime, stopHarness, type Harness } from './steps';

/**
 * One embedded runtime (default options) for every suite of a test file (./shared.test.ts):
 * starting a runtime and loading what it imports into a jest file costs a few seconds of CPU per
 * file, so suites that need no options of their own and read only their own data share one.
 * Suites run in the order the file imports them, and each sees what the ones before it left.
 */
let shared: Promise<Harness> | undefined;

/**
 * The file's runtime, started by the first caller (the file's `beforeAll`, or a suite's own
 * top-level `beforeAll`, which jest runs first when the suite registers it on import); a suite
 * takes it in its `beforeAll` and does not stop it.
 */
export function sharedRuntime(): Promise<Harness> {
  shared ??= givenRuntime();
  return shared;
}

/** The file's `afterAll`. */
export async function stopSharedRuntime(): Promise<void> {
  const h = shared;
  shared = undefined;
  if (h) await stopHarness(await h.catch(() => undefined));
}
