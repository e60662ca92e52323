/**
 * A Lambda bundle carries its own function and nothing of another's. Each function of the
 * manifest is built as NodejsFunction builds it (esbuild with infra/aws/bundling.ts: minified,
 * ESM, `@aws-sdk/*` external), in memory, and its code is searched for what belongs to other
 * functions: their descriptions (which only the manifest holds) and the paths of their routes
 * (which only a route table holds). Application code that reaches for the manifest, or a route
 * table shared by every entry, fails here. The bundle sizes are printed.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE, LAMBDA_ESBUILD } from '../../infra/aws/bundling';
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

const bundles = new Map<FunctionName, { readonly code: string; readonly bytes: number }>();

beforeAll(async () => {
  // One esbuild call for every entry: each output is linked on its own, exactly as a build of
  // that entry alone (same bytes), but each source file is parsed once. No source map: it does
  // not change the code, and its `sourcesContent` would quote every source file, comments too.
  const out = await build({
    ...LAMBDA_ESBUILD,
    sourcemap: false,
    entryPoints: Object.fromEntries(names.map((name) => [name, path.join(ROOT, functions[name].entry)])),
    outdir: path.join(os.tmpdir(), 'ciss-bundle-test'),
    outExtension: { '.js': path.extname(LAMBDA_BUNDLE.outfile) },
    write: false,
  });
  for (const name of names) {
    const js = out.outputFiles.find((f) => path.basename(f.path) === `${name}${path.extname(LAMBDA_BUNDLE.outfile)}`);
    if (!js) throw new Error(`esbuild gave no bundle for ${name}`);
    bundles.set(name, { code: js.text, bytes: js.contents.byteLength });
  }
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`.padStart(8);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [...bundles].sort(([, a], [, b]) => b.bytes - a.bytes).map(([name, b]) => `${name.padEnd(width)} ${kb(b.bytes)}`);
  console.log(`Lambda bundles (minified ESM, @aws-sdk/* external; the source map beside each is not counted):\n${lines.join('\n')}`);
}, 120_000);

describe('each Lambda bundle', () => {
  test('is built for every function of the manifest', () => {
    expect([...bundles.keys()].sort()).toEqual([...names].sort());
    for (const [name, b] of bundles) expect({ name, empty: b.bytes === 0 }).toEqual({ name, empty: false });
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
