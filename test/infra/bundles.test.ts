/**
 * A Lambda bundle carries its own function and nothing of another's. Each function of the
 * manifest is built as NodejsFunction builds it (esbuild with infra/aws/bundling.ts: minified,
 * ESM, `@aws-sdk/*` external), in memory, and its code is searched for what belongs to other
 * functions: their descriptions (which only the manifest holds) and the paths of their routes
 * (which only a route table holds). Application code that reaches for the manifest, or a route
 * table shared by every entry, fails here. Each bundle must also keep within its budget
 * (infra/aws/bundling.ts: 100 KB, first-login's dictionaries apart, and the few held where they
 * are until they are cut); one over it fails naming
 * what weighs most in it. The bundle sizes are printed.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { BUNDLE_BUDGET_EXCEPTIONS, LAMBDA_BUNDLE, LAMBDA_ESBUILD, bundleBudget } from '../../infra/aws/bundling';
import { functions, routes, type FunctionName } from '../../infra/manifest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const names = Object.keys(functions) as FunctionName[];

/** A route path as the string literal a route table would hold (`"/arrests/{id}"`), never a prefix of a longer path. */
const literal = (routePath: string): RegExp => new RegExp(`["'\`]${routePath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["'\`]`);

/** What belongs to other functions: each description and route path with its owner. */
function foreignTo(name: FunctionName): { readonly what: string; readonly owner: FunctionName; readonly found: (code: string) => boolean }[] {
  const own = new Set(routes.filter((r) => r.function === name).map((r) => r.path));
  const descriptions = names
    .filter((other) => other !== name)
    .map((other) => ({ what: `description "${functions[other].description}"`, owner: other, found: (code: string) => code.includes(functions[other].description) }));
  const paths = routes
    .filter((r) => r.function !== name && !own.has(r.path))
    .map((r) => ({ what: `route path ${r.path}`, owner: r.function as FunctionName, found: (code: string) => literal(r.path).test(code) }));
  return [...descriptions, ...paths];
}

const bundles = new Map<FunctionName, { readonly code: string; readonly bytes: number; readonly heaviest: readonly string[] }>();
let buildMs = 0;

/** A module path as the package it comes from (`zod`, `@aws-lambda-powertools/logger`), or `functions/<area>`. */
const packageOf = (input: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');

beforeAll(async () => {
  // One esbuild call for every entry: each output is linked on its own, exactly as a build of
  // that entry alone (same bytes), but each source file is parsed once. No source map: it does
  // not change the code, and its `sourcesContent` would quote every source file, comments too.
  const t0 = performance.now();
  const out = await build({
    ...LAMBDA_ESBUILD,
    sourcemap: false,
    metafile: true,
    entryPoints: Object.fromEntries(names.map((name) => [name, path.join(ROOT, functions[name].entry)])),
    outdir: path.join(os.tmpdir(), 'ciss-bundle-test'),
    outExtension: { '.js': path.extname(LAMBDA_BUNDLE.outfile) },
    write: false,
  });
  buildMs = performance.now() - t0;
  for (const name of names) {
    const js = out.outputFiles.find((f) => path.basename(f.path) === `${name}${path.extname(LAMBDA_BUNDLE.outfile)}`);
    if (!js) throw new Error(`esbuild gave no bundle for ${name}`);
    const meta = Object.entries(out.metafile.outputs).find(([file]) => path.basename(file) === path.basename(js.path))?.[1];
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(meta?.inputs ?? {})) byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    const heaviest = [...byPackage].sort(([, a], [, b]) => b - a).slice(0, 5).map(([p, b]) => `${p} ${(b / 1024).toFixed(1)} KB`);
    bundles.set(name, { code: js.text, bytes: js.contents.byteLength, heaviest });
  }
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`.padStart(8);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [...bundles].sort(([, a], [, b]) => b.bytes - a.bytes).map(([name, b]) => `${name.padEnd(width)} ${kb(b.bytes)} of ${kb(bundleBudget(name))}`);
  console.log(`Lambda bundles (minified ESM, @aws-sdk/* external; the source map beside each is not counted), built in one esbuild call in ${Math.round(buildMs)} ms:\n${lines.join('\n')}`);
}, 120_000);

describe('each Lambda bundle', () => {
  test('is built for every function of the manifest', () => {
    expect([...bundles.keys()].sort()).toEqual([...names].sort());
    for (const [name, b] of bundles) expect({ name, empty: b.bytes === 0 }).toEqual({ name, empty: false });
  });

  test.each(names)('%s keeps within its budget', (name) => {
    const b = bundles.get(name);
    if (!b) throw new Error(`no bundle for ${name}`);
    // Over budget, the failure names what weighs most in the bundle.
    expect({ name, kb: Math.ceil(b.bytes / 1024), within: b.bytes <= bundleBudget(name), heaviest: b.heaviest }).toEqual({ name, kb: Math.ceil(b.bytes / 1024), within: true, heaviest: b.heaviest });
  });

  test('budgets beyond the default are for functions that exist, each with its reason', () => {
    for (const [name, exception] of Object.entries(BUNDLE_BUDGET_EXCEPTIONS)) {
      expect({ name, known: names.includes(name as FunctionName), reasoned: exception.why.length > 20 }).toEqual({ name, known: true, reasoned: true });
    }
  });

  test.each(names)("%s holds no other function's description or route path", (name) => {
    const code = bundles.get(name)?.code ?? '';
    const leaked = new Set(
      foreignTo(name)
        .filter((f) => f.found(code))
        .map((f) => `${f.what} (of ${f.owner})`),
    );
    expect([...leaked]).toEqual([]);
  });
});

describe('the search itself', () => {
  test('finds a description and a route path where they are, and a path only as a whole literal', () => {
    const [route] = routes.filter((r) => r.path.includes('{'));
    if (!route) throw new Error('the manifest has no route with a path parameter');
    expect(literal(route.path).test(`x={path:"${route.path}",m:"GET"}`)).toBe(true);
    expect(literal(route.path).test(`"${route.path}/more"`)).toBe(false);
    expect(literal(route.path).test(`\`${route.path.replace(/\{(\w+)\}/g, '$${$1}')}\``)).toBe(false);
    const other = names.find((n) => !routes.some((r) => r.function === n && r.path === route.path)) as FunctionName;
    const leaks = foreignTo(other).filter((f) => f.found(`const m={d:"${functions[route.function].description}",p:"${route.path}"}`));
    expect(leaks.map((f) => f.what)).toEqual(expect.arrayContaining([`description "${functions[route.function].description}"`, `route path ${route.path}`]));
  });
});

describe('source maps', () => {
  test('carry mappings without the sources, so loading a bundle under --enable-source-maps (an operator switch) stays cheap', async () => {
    const out = await build({ ...LAMBDA_ESBUILD, entryPoints: [path.join(ROOT, functions.health.entry)], outfile: path.join(os.tmpdir(), 'ciss-bundle-map-test', LAMBDA_BUNDLE.outfile), write: false });
    const map = out.outputFiles.find((f) => f.path.endsWith('.map'));
    if (!map) throw new Error('esbuild gave no source map');
    const parsed = JSON.parse(map.text) as { sources: string[]; sourcesContent?: unknown[]; mappings: string };
    expect(parsed.sources.length).toBeGreaterThan(10);
    expect(parsed.mappings.length).toBeGreaterThan(1000);
    expect(parsed.sourcesContent).toBeUndefined();
    // With the sources inside, health's map was 536 KB; the mappings alone are about 73 KB.
    expect(map.contents.length).toBeLessThan(150 * 1024);
  });
});
