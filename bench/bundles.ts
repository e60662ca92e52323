/**
 * Per Lambda function in the manifest: its bundle as the CDK NodejsFunction makes it (esbuild
 * with the settings of infra/aws/bundling.ts, which infra/aws/function.ts hands to
 * NodejsFunction; reference CSVs beside the bundle), its size, and its cold start: a fresh
 * `node` process that imports the bundle and handles one event. The event is a request on the
 * function's first route with a caller of an allowed role and no body (an API function answers
 * it without touching storage, usually with a 4xx naming what is missing), or `{}` for a
 * workflow step or event target (its input validation refuses it). So the time is spawn +
 * module load + the handler's first call, not a network round trip.
 *
 * The baseline is an empty ESM handler (`export const handler = async () => ({})`), built with
 * the same settings and cold-started the same way in the same run: one sample after each
 * function's, so it sees the same machine load as they do. The goals (issue 19): each bundle
 * within its budget (infra/aws/bundling.ts), and module load at most 20 ms above the empty
 * handler's.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE, LAMBDA_ESBUILD, bundleGoal, referenceDirOf } from '../infra/aws/bundling';
import { functions, routes, type FunctionName } from '../infra/manifest';
import { summarize } from '../drive/stats';

const ROOT = path.resolve(import.meta.dirname, '..');
/**
 * Outside the repository (not linted, not committed), one per process (two checkouts' benches do
 * not share it); a node_modules link lets the external `@aws-sdk/*` resolve at cold start.
 */
const OUT = path.join(os.tmpdir(), `ciss-bench-bundles-${process.pid}`);

/** The goal for module load: at most this many ms above the empty handler's (medians). */
export const MODULE_LOAD_GOAL_MS = 20;

/** The baseline's name in the results. */
export const EMPTY_HANDLER = 'empty ESM handler';

export interface BundleResult {
  readonly function: FunctionName;
  readonly bytes: number;
  /** The bundle's goal (infra/aws/bundling.ts: 100 KB, first-login its own), bytes. */
  readonly budgetBytes: number;
  readonly gzipBytes: number;
  readonly buildMs: number;
  readonly event: string;
  readonly outcome: string;
  /** Spawn → the handler's result line, ms. */
  readonly coldStartMs: { readonly p50: number; readonly min: number; readonly max: number };
  /** `import()` of the bundle inside the fresh process, the SDK packages it imports already loaded, ms. */
  readonly loadMs: { readonly p50: number; readonly min: number; readonly max: number };
  /** CPU time of that import, ms (median). */
  readonly loadCpuMs: number;
  /** `import()` of the SDK packages it imports, before the bundle, ms (median). */
  readonly sdkMs: number;
  readonly sdk: readonly string[];
  /** The handler's first call, ms. */
  readonly firstCallMs: { readonly p50: number };
  /** Median module load less the empty handler's median, ms (goal ≤ MODULE_LOAD_GOAL_MS). */
  readonly loadAboveEmptyMs: number;
  /** The same in CPU time, ms. */
  readonly loadCpuAboveEmptyMs: number;
}

/** The empty handler's figures, measured the same way in the same run. */
export interface EmptyHandlerResult {
  readonly bytes: number;
  readonly runs: number;
  readonly loadMs: { readonly p50: number; readonly min: number; readonly max: number };
  readonly loadCpuMs: number;
  readonly coldStartMs: { readonly p50: number };
}

export interface BundlesMeasured {
  readonly functions: BundleResult[];
  readonly empty: EmptyHandlerResult;
}

/** Bundles one function as NodejsFunction does (infra/aws/bundling.ts). */
export async function bundle(name: FunctionName): Promise<{ file: string; bytes: number; gzipBytes: number; buildMs: number }> {
  const spec = functions[name];
  const dir = path.join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LAMBDA_BUNDLE.outfile);
  const t0 = performance.now();
  await build({ ...LAMBDA_ESBUILD, entryPoints: [path.join(ROOT, spec.entry)], outfile: file });
  const buildMs = performance.now() - t0;
  const reference = referenceDirOf(ROOT, spec.entry);
  if (reference) for (const f of readdirSync(path.join(ROOT, reference)).filter((x) => x.endsWith('.csv'))) copyFileSync(path.join(ROOT, reference, f), path.join(dir, f));
  return { file, bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length, buildMs };
}

/** The empty ESM handler, built with the same settings as every function. */
async function bundleEmpty(): Promise<{ file: string; bytes: number }> {
  const dir = path.join(OUT, 'empty-handler');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LAMBDA_BUNDLE.outfile);
  await build({ ...LAMBDA_ESBUILD, stdin: { contents: 'export const handler = async () => ({});', loader: 'js', resolveDir: ROOT, sourcefile: 'empty-handler.mjs' }, outfile: file });
  return { file, bytes: statSync(file).size };
}

/** The event a function gets in its cold-start run (see the module comment). */
export function coldStartEvent(name: FunctionName): { event: unknown; label: string } {
  const route = routes.find((r) => r.function === name);
  if (!route) return { event: {}, label: '{}' };
  const role = route.roles[0];
  const claims = role ? { sub: 'bench', 'cognito:username': 'bench', 'cognito:groups': role, 'custom:ori': 'CT0000100', email: 'bench@example.gov' } : undefined;
  const pathValue = route.path.replace(/\{(\w+)\}/g, 'bench-$1');
  return {
    label: `${route.method} ${route.path}${claims ? ` as ${role}` : ''}`,
    event: {
      resource: route.path,
      path: pathValue,
      httpMethod: route.method,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], `bench-${m[1]}`])),
      stageVariables: null,
      body: route.method === 'POST' ? '{}' : null,
      isBase64Encoded: false,
      requestContext: { accountId: '000000000000', apiId: 'bench', stage: 'bench', requestId: 'bench', requestTimeEpoch: Date.now(), path: pathValue, resourcePath: route.path, httpMethod: route.method, authorizer: claims ? { claims } : null, identity: { sourceIp: '127.0.0.1', userAgent: 'bench' } },
    },
  };
}

interface ChildTimes {
  readonly beforeImportMs: number;
  /** The SDK packages the bundle imports, loaded before it. */
  readonly sdkMs: number;
  /** CPU time (user + system) of the bundle's import. */
  readonly loadCpuMs: number;
  readonly loadMs: number;
  readonly handlerMs: number;
  readonly outcome: string;
}

/**
 * The environment a function gets in Lambda: the runtime's, less what only the embedded runtime
 * sets for itself (it runs handlers concurrently in one process and says so with
 * AWS_LAMBDA_MAX_CONCURRENCY, which makes Powertools look for the Lambda runtime's invoke store,
 * absent in a plain `node`).
 */
function lambdaEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_LAMBDA_MAX_CONCURRENCY: _concurrency, ...rest } = env;
  return rest;
}

/** The external packages a bundle imports (`@aws-sdk/*`: in Lambda, the runtime's). */
export function sdkImportsOf(code: string): string[] {
  return [...new Set([...code.matchAll(/(?:from|import)\s*["'](@aws-sdk\/[^"']+)["']/g)].map((m) => m[1] as string))].sort();
}

function coldStart(file: string, event: unknown, name: string, env: NodeJS.ProcessEnv): Promise<{ totalMs: number; child: ChildTimes }> {
  const sdk = sdkImportsOf(readFileSync(file, 'utf8'));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(LAMBDA_BUNDLE.sourceMapsAtRuntime ? ['--enable-source-maps'] : []), path.join(import.meta.dirname, 'coldstart-child.mjs'), pathToFileURL(file).href, JSON.stringify(event), name, JSON.stringify(sdk)], {
      env: { ...lambdaEnvironment(env), NODE_OPTIONS: '', AWS_LAMBDA_FUNCTION_NAME: name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256', POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let done = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /\nBENCH (\{.*\})\n/.exec(out)?.[1];
      if (line && !done) {
        done = true;
        resolve({ totalMs: performance.now() - t0, child: JSON.parse(line) as ChildTimes });
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (!done) reject(new Error(`cold start of ${name} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

/**
 * Bundles every function and the empty handler, then cold-starts each function `runs` times
 * (median reported), and the empty handler once after each function (and `runs` times first).
 */
export async function measureBundles(runs: number, env: NodeJS.ProcessEnv, onProgress: (s: string) => void = () => undefined): Promise<BundlesMeasured> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(path.join(OUT, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules'), path.join(OUT, 'node_modules'));
  const names = Object.keys(functions) as FunctionName[];
  const built = new Map<FunctionName, Awaited<ReturnType<typeof bundle>>>();
  for (const name of names) built.set(name, await bundle(name));
  const empty = await bundleEmpty();
  try {
    return await coldStarts(names, built, empty, runs, env, onProgress);
  } finally {
    rmSync(OUT, { recursive: true, force: true });
  }
}

async function coldStarts(names: readonly FunctionName[], built: ReadonlyMap<FunctionName, Awaited<ReturnType<typeof bundle>>>, empty: { file: string; bytes: number }, runs: number, env: NodeJS.ProcessEnv, onProgress: (s: string) => void): Promise<BundlesMeasured> {
  const emptySamples: { totalMs: number; child: ChildTimes }[] = [];
  const emptyStart = () => coldStart(empty.file, {}, EMPTY_HANDLER, env);
  await emptyStart();
  for (let i = 0; i < runs; i++) emptySamples.push(await emptyStart());
  const measured: Omit<BundleResult, 'loadAboveEmptyMs' | 'loadCpuAboveEmptyMs'>[] = [];
  for (const name of names) {
    const b = built.get(name) as Awaited<ReturnType<typeof bundle>>;
    const { event, label } = coldStartEvent(name);
    // One discarded run first: the OS file cache, not the function, is cold on the very first spawn.
    await coldStart(b.file, event, name, env);
    const samples: { totalMs: number; child: ChildTimes }[] = [];
    for (let i = 0; i < runs; i++) samples.push(await coldStart(b.file, event, name, env));
    const total = summarize(samples.map((s) => s.totalMs));
    const load = summarize(samples.map((s) => s.child.loadMs));
    measured.push({
      function: name,
      bytes: b.bytes,
      budgetBytes: bundleGoal(name),
      gzipBytes: b.gzipBytes,
      buildMs: Math.round(b.buildMs),
      event: label,
      outcome: samples[0]?.child.outcome ?? '?',
      coldStartMs: { p50: total.p50, min: Math.min(...samples.map((s) => Math.round(s.totalMs * 10) / 10)), max: total.max },
      loadMs: { p50: load.p50, min: Math.min(...samples.map((s) => Math.round(s.child.loadMs * 10) / 10)), max: load.max },
      sdkMs: summarize(samples.map((s) => s.child.sdkMs)).p50,
      loadCpuMs: summarize(samples.map((s) => s.child.loadCpuMs)).p50,
      sdk: sdkImportsOf(readFileSync(b.file, 'utf8')),
      firstCallMs: { p50: summarize(samples.map((s) => s.child.handlerMs)).p50 },
    });
    emptySamples.push(await emptyStart());
    onProgress(name);
  }
  const emptyLoad = summarize(emptySamples.map((s) => s.child.loadMs));
  const emptyCpu = summarize(emptySamples.map((s) => s.child.loadCpuMs)).p50;
  return {
    functions: measured.map((m) => ({ ...m, loadAboveEmptyMs: Math.round((m.loadMs.p50 - emptyLoad.p50) * 10) / 10, loadCpuAboveEmptyMs: Math.round((m.loadCpuMs - emptyCpu) * 10) / 10 })),
    empty: {
      bytes: empty.bytes,
      runs: emptySamples.length,
      loadMs: { p50: emptyLoad.p50, min: Math.min(...emptySamples.map((s) => Math.round(s.child.loadMs * 10) / 10)), max: emptyLoad.max },
      loadCpuMs: emptyCpu,
      coldStartMs: { p50: summarize(emptySamples.map((s) => s.totalMs)).p50 },
    },
  };
}
