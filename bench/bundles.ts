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
 * the same settings and cold-started the same way in the same run. Module load above it is
 * measured in pairs: each cold start of a function is followed by one of the empty handler, and
 * the figure is the median of the pairs' differences, over MODULE_LOAD_SAMPLES pairs (more,
 * NEAR_GOAL_SAMPLES, for a function whose figure lands within NEAR_GOAL_MS of its goal). A pair
 * sees the same machine load on both sides, so a slow spell of a few seconds moves both; with 3
 * samples and one empty sample per function, functions near the line moved by 5–10 ms between
 * runs. The goals (issue 19): each bundle within its budget (infra/aws/bundling.ts), and module
 * load at most 20 ms above the empty handler's (first-login: its own budget, MODULE_LOAD_BUDGETS).
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

/**
 * The functions allowed more module load than MODULE_LOAD_GOAL_MS, each with its budget and why
 * (the bundle budget's twin, infra/aws/bundling.ts). The bench prints them next to the goal.
 */
export const MODULE_LOAD_BUDGETS: Readonly<Record<string, { readonly ms: number; readonly why: string }>> = {
  'access-first-login': {
    ms: 80,
    why: "zxcvbn's dictionaries (1.6 MB of string literals in its 1.7 MB bundle) are read and scanned by V8 at every cold start, about 45–50 ms of CPU here, though decompressed only on a password's first check; the same bundle without them is at +19 ms",
  },
};

/** A function's module-load goal above the empty handler, ms: 20, or its own budget. */
export const moduleLoadGoal = (name: string): number => MODULE_LOAD_BUDGETS[name]?.ms ?? MODULE_LOAD_GOAL_MS;

/** Cold starts per function for module load, each paired with one of the empty handler (at least). */
export const MODULE_LOAD_SAMPLES = 5;
/**
 * A function whose median lands within this many ms of its goal after those gets NEAR_GOAL_SAMPLES
 * pairs in all. The phase costs about 0.4 s per cold start of a function and 0.15 s per one of the
 * empty handler on an idle 2-CPU machine: 87 × 5 pairs and a score near the line, about 4.5 minutes.
 */
export const NEAR_GOAL_MS = 3;
export const NEAR_GOAL_SAMPLES = 7;

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
  /** Module load less the empty handler's: the median of the paired differences, ms (goal ≤ loadGoalMs). */
  readonly loadAboveEmptyMs: number;
  /** The same in CPU time, ms. */
  readonly loadCpuAboveEmptyMs: number;
  /** The function's module-load goal above the empty handler: MODULE_LOAD_GOAL_MS, or its own budget (MODULE_LOAD_BUDGETS). */
  readonly loadGoalMs: number;
  /** How many cold starts (each paired with one of the empty handler) the figures are the median of. */
  readonly samples: number;
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
 * Bundles every function and the empty handler, then cold-starts each function at least `runs`
 * times (MODULE_LOAD_SAMPLES at least), each followed by a cold start of the empty handler (see
 * the module comment), medians reported.
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

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const tenth = (x: number): number => Math.round(x * 10) / 10;

/** What a pair needs of a cold start: its module load, wall and CPU. */
export interface LoadSample {
  readonly child: { readonly loadMs: number; readonly loadCpuMs: number };
}

/**
 * Cold starts of a function (`own`), each followed by one of the empty handler (`base`): at least
 * `minimum` pairs, NEAR_GOAL_SAMPLES when the median difference lands within NEAR_GOAL_MS of
 * `goal`. Module load above the empty handler is the median of the pairs' differences.
 */
export async function pairedSamples<S extends LoadSample>(own: () => Promise<S>, base: () => Promise<S>, goal: number, minimum: number): Promise<{ own: S[]; base: S[]; aboveMs: number; aboveCpuMs: number }> {
  const owns: S[] = [];
  const bases: S[] = [];
  const above = (key: 'loadMs' | 'loadCpuMs'): number => median(owns.map((o, i) => o.child[key] - (bases[i] as S).child[key]));
  const pair = async (): Promise<void> => {
    owns.push(await own());
    bases.push(await base());
  };
  while (owns.length < minimum) await pair();
  if (Math.abs(above('loadMs') - goal) < NEAR_GOAL_MS) while (owns.length < NEAR_GOAL_SAMPLES) await pair();
  return { own: owns, base: bases, aboveMs: tenth(above('loadMs')), aboveCpuMs: tenth(above('loadCpuMs')) };
}

async function coldStarts(names: readonly FunctionName[], built: ReadonlyMap<FunctionName, Awaited<ReturnType<typeof bundle>>>, empty: { file: string; bytes: number }, runs: number, env: NodeJS.ProcessEnv, onProgress: (s: string) => void): Promise<BundlesMeasured> {
  const emptySamples: { totalMs: number; child: ChildTimes }[] = [];
  const emptyStart = () => coldStart(empty.file, {}, EMPTY_HANDLER, env);
  await emptyStart();
  for (let i = 0; i < runs; i++) emptySamples.push(await emptyStart());
  const measured: BundleResult[] = [];
  const sdkSeen = new Set<string>();
  for (const name of names) {
    const b = built.get(name) as Awaited<ReturnType<typeof bundle>>;
    const { event, label } = coldStartEvent(name);
    const sdk = sdkImportsOf(readFileSync(b.file, 'utf8'));
    // One discarded run when the bundle imports SDK packages no earlier function did: the OS file
    // cache, not the function, is cold on their first load. (The bundle itself was just written.)
    if (!sdkSeen.has(sdk.join())) {
      sdkSeen.add(sdk.join());
      await coldStart(b.file, event, name, env);
    }
    const goal = moduleLoadGoal(name);
    const paired = await pairedSamples(() => coldStart(b.file, event, name, env), emptyStart, goal, Math.max(runs, MODULE_LOAD_SAMPLES));
    const samples = paired.own;
    emptySamples.push(...paired.base);
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
      coldStartMs: { p50: tenth(median(samples.map((s) => s.totalMs))), min: Math.min(...samples.map((s) => tenth(s.totalMs))), max: total.max },
      loadMs: { p50: tenth(median(samples.map((s) => s.child.loadMs))), min: Math.min(...samples.map((s) => tenth(s.child.loadMs))), max: load.max },
      sdkMs: tenth(median(samples.map((s) => s.child.sdkMs))),
      loadCpuMs: tenth(median(samples.map((s) => s.child.loadCpuMs))),
      sdk,
      firstCallMs: { p50: tenth(median(samples.map((s) => s.child.handlerMs))) },
      loadAboveEmptyMs: paired.aboveMs,
      loadCpuAboveEmptyMs: paired.aboveCpuMs,
      loadGoalMs: goal,
      samples: samples.length,
    });
    onProgress(name);
  }
  const emptyLoad = summarize(emptySamples.map((s) => s.child.loadMs));
  return {
    functions: measured,
    empty: {
      bytes: empty.bytes,
      runs: emptySamples.length,
      loadMs: { p50: tenth(median(emptySamples.map((s) => s.child.loadMs))), min: Math.min(...emptySamples.map((s) => tenth(s.child.loadMs))), max: emptyLoad.max },
      loadCpuMs: tenth(median(emptySamples.map((s) => s.child.loadCpuMs))),
      coldStartMs: { p50: tenth(median(emptySamples.map((s) => s.totalMs))) },
    },
  };
}
