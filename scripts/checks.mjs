#!/usr/bin/env node
/**
 * `npm test`'s static checks, on both cores: the application's type check (tsc -p tsconfig.json,
 * the longest) on one, the portal's type check then eslint on the other. One after another they
 * took 84 s of CPU in a row; side by side the wall time is the longer lane's (~45 s on two cores).
 * Each lane's output is printed whole when it ends, so the two never interleave. Exits non-zero
 * when any check fails, after both lanes have ended (every problem is reported in one run).
 * `npm run typecheck` and `npm run lint` stay as they are.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

const LANES = [
  [['tsc', '-p', 'tsconfig.json']],
  [
    ['tsc', '-p', 'portal/tsconfig.json'],
    ['eslint', '--max-warnings', '0', '.'],
  ],
];

function run([command, ...args]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(path.join(BIN, command), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
  });
}

async function lane(commands) {
  let failed = false;
  for (const command of commands) {
    const { code, output, seconds } = await run(command);
    process.stdout.write(`[checks] ${command.join(' ')}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds.toFixed(1)} s\n${output}`);
    if (code !== 0) failed = true;
  }
  return failed;
}

const started = Date.now();
const failures = (await Promise.all(LANES.map(lane))).filter(Boolean).length;
console.log(`[checks] ${failures === 0 ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures === 0 ? 0 : 1);
