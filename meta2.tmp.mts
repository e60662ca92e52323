import { build } from 'esbuild';
import path from 'node:path';
import { LAMBDA_ESBUILD } from './infra/aws/bundling.ts';
import { functions } from './infra/manifest.ts';
const name = process.argv[2] as keyof typeof functions;
const out = await build({ ...LAMBDA_ESBUILD, sourcemap: false, metafile: true, entryPoints: [path.resolve(functions[name].entry)], outdir: '/tmp/meta-out', write: false });
const o = Object.values(out.metafile.outputs)[0]!;
console.log(name, o.bytes);
const groups: Record<string, number> = {};
for (const [f, { bytesInOutput }] of Object.entries(o.inputs)) { const g = f.includes('node_modules') ? f.split('node_modules/')[1]!.split('/').slice(0, f.includes('@') ? 2 : 1).join('/') : f; groups[g] = (groups[g] ?? 0) + bytesInOutput; }
for (const [g, b] of Object.entries(groups).sort(([, a], [, b]) => b - a)) if (b > 0) console.log(b, g);
const target = process.argv[3];
if (target) for (const [f, i] of Object.entries(out.metafile.inputs)) if (i.imports.some((x) => x.path.includes(target))) console.log('imported by', f);
