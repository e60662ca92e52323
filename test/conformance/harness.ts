import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { givenRuntime, stopHarness, type Harness } from '../e2e/steps';

/**
 * The conformance suite drives the edge (`AWS_ENDPOINT_URL`) as a developer's tools do: with the
 * SDK v3 clients and, where a Debian or pip `aws` is on the PATH, with the AWS CLI. Each file
 * starts the embedded runtime on free ports against the suite's one DynamoDB Local (the services'
 * suites share one: ./shared.test.ts).
 */
export interface Edge {
  readonly h: Harness;
  /** The edge endpoint (what `AWS_ENDPOINT_URL` is set to). */
  readonly endpoint: string;
  /** Options for any SDK v3 client: the edge, local credentials, one attempt (a hang shows as a hang). */
  readonly client: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
}

/** The runtime and edge of a file that runs several suites on one (`shareEdge`). */
let shared: Edge | undefined;

/** The embedded runtime's edge; inside a file that shares one (`shareEdge`), that one. */
export async function givenEdge(): Promise<Edge> {
  if (shared) return shared;
  const h = await givenRuntime();
  const endpoint = h.runtime.endpoints.edge;
  return { h, endpoint, client: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 } };
}

/** Stops the edge's runtime, unless it is the file's shared one (`stopSharedEdge` does). */
export async function stopEdge(edge: Edge | undefined): Promise<void> {
  if (edge && edge === shared) return;
  await stopHarness(edge?.h);
}

/**
 * One runtime for every suite of a test file (its `beforeAll`; ./shared.test.ts): each suite's
 * `givenEdge()` returns it and its `stopEdge` leaves it running. Starting a runtime and loading
 * what it imports into a jest file costs a few seconds of CPU per file; the suites check each
 * service on the resources the runtime makes at start and on names of their own.
 */
export async function shareEdge(): Promise<void> {
  shared = await givenEdge();
}

/** The file's `afterAll` after `shareEdge`. */
export async function stopSharedEdge(): Promise<void> {
  const edge = shared;
  shared = undefined;
  await stopEdge(edge);
}

/** The `aws` command on the PATH and its version line, or undefined when there is none. */
export const awsCli: string | undefined = (() => {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim() || 'aws';
  } catch {
    return undefined;
  }
})();

/**
 * `describe` for the AWS CLI cases where an `aws` is installed; where none is, jest lists them as
 * skipped and the suite says why once (CI has no AWS CLI; a developer's machine often has one).
 */
export const describeWithCli: jest.Describe = awsCli ? describe : describe.skip;
if (!awsCli) console.warn('conformance: no `aws` on the PATH: the AWS CLI cases are skipped (the SDK v3 cases run)');

const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How long the call took (a call that hangs is what the suite guards against). */
  readonly ms: number;
}

/**
 * Runs `aws <args>` against the edge, asynchronously (the runtime answers in this very process),
 * with one attempt, a 10 s read timeout, and no profile or config of the user's.
 */
export async function cli(edge: Edge, args: readonly string[]): Promise<CliResult> {
  const started = Date.now();
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    AWS_ENDPOINT_URL: edge.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  try {
    const out = await run('aws', [...args, '--cli-read-timeout', '10', '--output', 'json'], { env, timeout: 60_000 });
    return { code: 0, stdout: out.stdout, stderr: out.stderr, ms: Date.now() - started };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 255, stdout: e.stdout ?? '', stderr: e.stderr ?? '', ms: Date.now() - started };
  }
}

/** The JSON the CLI printed (it prints nothing for an empty answer). */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`aws exited ${result.code}: ${result.stderr}`);
  return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as T;
}

/** The error code the CLI names: "An error occurred (Code) when calling …". */
export function cliError(result: CliResult): string | undefined {
  return /An error occurred \(([^)]+)\)/.exec(result.stderr)?.[1];
}

/**
 * The error an SDK v3 call fails with, for asserting its name (the AWS error code) and status.
 * Fails the test when the call succeeds.
 */
export async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
