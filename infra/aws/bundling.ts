/**
 * How a Lambda bundle is built, written once. `ManifestFunction` (function.ts) hands these settings
 * to CDK's NodejsFunction, which runs the local esbuild with them; the benchmark (bench/bundles.ts)
 * and the bundle test (test/infra/bundles.test.ts) call esbuild with the same settings
 * (`LAMBDA_ESBUILD`), so what they measure and check is what AWS runs. The test holds each bundle to
 * its budget (below).
 *
 * No CDK import here: the benchmark and the test load this module without aws-cdk-lib.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The settings, in the terms both NodejsFunction and esbuild understand. */
export const LAMBDA_BUNDLE = {
  /** The Lambda runtime is nodejs24.x; NodejsFunction would derive the same target from it. */
  target: 'node24',
  format: 'esm',
  /** NodejsFunction names an ESM bundle `index.mjs`. */
  outfile: 'index.mjs',
  minify: true,
  sourceMap: true,
  /**
   * Whether Lambda runs with `--enable-source-maps` (function.ts sets NODE_OPTIONS; the bench's
   * cold starts use the same). Off: Node then reads and walks a bundle's map at every cold start,
   * before any code runs, about 12 ms of CPU even for a 46 KB bundle, the largest part of module
   * load left (issue 19: the median above an empty handler +34 → +18 ms on 8 functions measured
   * with and without it). The handlers log an error's name and message, never its stack, so only
   * an uncaught error's stack trace is minified; the map ships beside each bundle, and an operator
   * debugging one function sets NODE_OPTIONS=--enable-source-maps on it.
   */
  sourceMapsAtRuntime: false,
  /**
   * The map without the sources' text: with `--enable-source-maps` Node reads and parses a
   * bundle's map when it loads the bundle. With the sources inside (all of zod's, Powertools' and
   * middy's too) the maps were 0.5–0.8 MB each; stack traces need only the mappings (file, line,
   * column, name), about an eighth of that.
   */
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  /** The runtime ships SDK v3; bundling it would only grow cold starts. */
  external: ['@aws-sdk/*'],
} as const;

/** What a function's bundle (`index.mjs`, minified, without its source map) may weigh: 100 KB. */
export const BUNDLE_BUDGET_BYTES = 100 * 1024;

/**
 * The functions allowed more than BUNDLE_BUDGET_BYTES, each with its budget and why. An `overGoal`
 * one is still over the 100 KB goal: its budget only keeps it from growing until it is cut.
 */
export const BUNDLE_BUDGET_EXCEPTIONS: Readonly<Record<string, { readonly bytes: number; readonly why: string; readonly overGoal?: true }>> = {
  'access-first-login': {
    bytes: 1800 * 1024,
    why: "zxcvbn's English and common password dictionaries (1.6 MB), loaded on first use: checking a new password against them is the point of first login",
  },
};

/** A function's bundle budget, bytes: what the bundle test holds it to. */
export const bundleBudget = (name: string): number => BUNDLE_BUDGET_EXCEPTIONS[name]?.bytes ?? BUNDLE_BUDGET_BYTES;

/** A function's goal, bytes: 100 KB, or its own budget when that is not over the goal (first-login). */
export const bundleGoal = (name: string): number => {
  const exception = BUNDLE_BUDGET_EXCEPTIONS[name];
  return exception && !exception.overGoal ? exception.bytes : BUNDLE_BUDGET_BYTES;
};

/**
 * Reference data a handler reads at cold start (`functions/<area>/reference/*.csv`) goes beside
 * the bundle, where the domain module looks for it. The directory, relative to the project root,
 * when the entry's area has one.
 */
export function referenceDirOf(projectRoot: string, entry: string): string | undefined {
  const reference = path.join(path.dirname(entry), 'reference');
  return existsSync(path.join(projectRoot, reference)) ? reference : undefined;
}

/**
 * The same settings as esbuild's options, as NodejsFunction passes them on its command line
 * (`--bundle --target --platform=node --format --outfile --minify --sourcemap
 * --sources-content=false --external --banner:js --main-fields`). Add `entryPoints` and `outfile` (or `outdir`, `write: false`).
 */
export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: 'node',
  target: LAMBDA_BUNDLE.target,
  format: LAMBDA_BUNDLE.format,
  minify: LAMBDA_BUNDLE.minify,
  sourcemap: LAMBDA_BUNDLE.sourceMap,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  banner: { js: LAMBDA_BUNDLE.banner },
  external: [...LAMBDA_BUNDLE.external],
  logLevel: 'error',
} as const satisfies BuildOptions;
