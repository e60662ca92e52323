import { build } from 'esbuild';
import path from 'node:path';
import { LAMBDA_ESBUILD } from './infra/aws/bundling.ts';
import { functions } from './infra/manifest.ts';
const name = process.argv[2] as keyof typeof functions;
const out = await build({ ...LAMBDA_ESBUILD, sourcemap: false, metafile: true, entryPoints: [path.resolve(functions[name].entry)], outdir: '/tmp/meta-out', write: false });
const o = Object.values(out.metafile.outputs)[0]!;
console.log(name, o.bytes);
for (const [f, { bytesInOutput }] of Object.entries(o.inputs).sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput).slice(0, 40)) if (!f.includes('node_modules/zod')) console.log(bytesInOutput, f);
