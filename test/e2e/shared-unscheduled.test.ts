/**
 * e2e suites on one embedded runtime without schedules (`sharedRuntime` in ./shared-runtime.ts),
 * as ./shared.test.ts does for the default runtime: each suite stays in its own module and asks
 * for the same options. The log-context suite first (it counts the log lines of the invocations it
 * makes), then sign-in (it moves the clock by hours, and keeps the API's access log to itself
 * from its start on).
 */
import { sharedRuntime, stopSharedRuntime } from './shared-runtime';
import './local-log-context.suite';
import './oauth.suite';

beforeAll(() => sharedRuntime({ schedules: false }), 120_000);
afterAll(() => stopSharedRuntime());
