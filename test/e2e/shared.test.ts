/**
 * e2e suites on one embedded runtime with default options (`sharedRuntime` in ./shared-runtime.ts):
 * each stays in its own module and takes the file's runtime in its `beforeAll`. Only suites that
 * need no runtime options of their own and read only the data they make belong here, in this order:
 * the pending-task monitor first (it counts every pending task and expects the clock where the
 * runtime started it), then the lists (they list every arrest packet and access request, so they
 * come before any other suite makes one), then the rest, each on its own names (executions, task
 * ids, clients), the RMS client after audit-gaps (which counts the logons of that client), then
 * hostile input at every route (what it leaves is refused input; its hooks are top-level, so
 * jest runs its `beforeAll` first, which starts the runtime).
 * A suite that needs its own options, or lists what others make, keeps a file of its own.
 */
import { sharedRuntime, stopSharedRuntime } from './shared-runtime';
import './monitoring.suite';
import './lists.suite';
import './health.suite';
import './diagnostics.suite';
import './audit-gaps.suite';
import './forged-events.suite';
import './machine-clients.suite';
import './hostile-input.suite';

beforeAll(() => sharedRuntime(), 120_000);
afterAll(() => stopSharedRuntime());
