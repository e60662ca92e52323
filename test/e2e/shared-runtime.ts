import { givenRuntime, stopHarness, type Harness } from './steps';

/**
 * One embedded runtime (default options) for every suite of a test file (./shared.test.ts):
 * starting a runtime and loading what it imports into a jest file costs a few seconds of CPU per
 * file, so suites that need no options of their own and read only their own data share one.
 * Suites run in the order the file imports them, and each sees what the ones before it left.
 */
let shared: Harness | undefined;

/** The file's `beforeAll`. */
export async function shareRuntime(): Promise<void> {
  shared = await givenRuntime();
}

/** The file's runtime, for a suite's `beforeAll` (the suite does not stop it). */
export function sharedRuntime(): Harness {
  if (!shared) throw new Error('sharedRuntime: no shared runtime (call shareRuntime() in the test file’s beforeAll)');
  return shared;
}

/** The file's `afterAll`. */
export async function stopSharedRuntime(): Promise<void> {
  const h = shared;
  shared = undefined;
  await stopHarness(h);
}
