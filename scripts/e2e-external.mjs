#!/usr/bin/env node
/**
 * `npm run test:external`: the e2e suite against a runtime started separately, as a developer
 * starts it (`npm start`), which proves the same suite can point at any running stack.
 *
 * 1. starts `npm start` in a temporary CISS_DATA_DIR on free ports (its output to a file there),
 * 2. waits until it is ready (its endpoints.json and runtime.json written, its edge answering),
 *    then runs both workflows' happy paths and the authorization matrix with
 *    CISS_E2E_TARGET=external (test/target.ts finds the runtime by that directory); the
 *    runtime's clock runs in real time,
 *    as a deployed stack's does, so the cases that move it are skipped and say why,
 * 3. stops the runtime (its whole process group), always, also on failure or Ctrl-C, and removes
 *    the directory (kept, and named, when a test failed).
 *
 * Extra arguments go to jest (e.g. `-- --verbose`). CISS_E2E_PATTERN replaces the cases run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 120_000;
const FILES = ['test/e2e/arrests.test.ts', 'test/e2e/access-request.test.ts', 'test/e2e/authorization.test.ts'];
/** Both happy paths, the matrix (with court scoping), and two clock cases that must say why they are skipped. */
const PATTERN =
  process.env.CISS_E2E_PATTERN ||
  ['all seven steps', 'over more than a year', 'goes from request to an active account', 'ends the workflow of the active account', 'who may call what', 'what counts as an allowed call'].join('|');

const started = Date.now();
const dataDir = mkdtempSync(path.join(tmpdir(), 'ciss-e2e-external-'));
const log = path.join(dataDir, 'runtime.log');
const out = openSync(log, 'a', 0o600);

const env = { ...process.env, CISS_DATA_DIR: dataDir, API_PORT: '0', EDGE_PORT: '0', SES_PORT: '0' };
delete env.NODE_OPTIONS;
delete env.CISS_CLOCK;
delete env.CISS_FAULTS;
// Its own process group, so that stopping it stops npm, node and DynamoDB Local's JVM together.
const runtime = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', out, out], detached: true });
let exited = false;
runtime.on('exit', () => (exited = true));

async function stop() {
  if (exited || runtime.pid === undefined) return;
  try {
    process.kill(-runtime.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!exited) {
    try {
      process.kill(-runtime.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** jest, once started (below). */
let tests;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      tests?.stop();
    } catch {
      // ended meanwhile
    }
    void stop().finally(() => process.exit(130));
  });
}

/** Resolves when the runtime is ready (its files written, its edge answering); rejects if it ends first or takes too long. */
async function ready() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const endpointsFile = path.join(dataDir, 'endpoints.json');
  const runtimeFile = path.join(dataDir, 'runtime.json');
  while (Date.now() < deadline) {
    if (exited) throw new Error(`npm start ended before it was ready; its output: ${log}`);
    if (existsSync(endpointsFile) && existsSync(runtimeFile)) {
      try {
        const { edge } = JSON.parse(readFileSync(endpointsFile, 'utf8'));
        const res = await fetch(`${edge}/_local/health`);
        if (res.status === 200) return;
      } catch {
        // not yet
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s; its output: ${log}`);
}

/**
 * jest, once the runtime is ready (started alongside, on 2 busy cores, it slowed the runtime's
 * start more than it saved). Its own process group, so that it can be stopped whole.
 */
function jest() {
  const args = ['run', 'jest', '--', '--selectProjects', 'e2e', '--maxWorkers', '3', ...FILES, '-t', PATTERN, ...process.argv.slice(2)];
  const env = { ...process.env, CISS_E2E_TARGET: 'external', CISS_DATA_DIR: dataDir, CISS_E2E_LOG: log, CISS_E2E_WAIT_MS: String(READY_TIMEOUT_MS) };
  const child = spawn('npm', args, { cwd: ROOT, stdio: 'inherit', env, detached: true });
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return { done, stop: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined && process.kill(-child.pid, 'SIGTERM') };
}

let code = 1;
try {
  await ready();
  console.log(`[e2e-external] npm start ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${dataDir})`);
  tests = jest();
  // The runtime ending under the tests fails them: say so rather than let them time out.
  let testing = true;
  code = await Promise.race([
    tests.done.finally(() => (testing = false)),
    new Promise((resolve) => runtime.on('exit', () => testing && (console.error('[e2e-external] npm start ended while the tests ran'), resolve(1)))),
  ]);
} catch (error) {
  console.error(`[e2e-external] ${error.message}`);
} finally {
  try {
    tests?.stop();
  } catch {
    // ended meanwhile
  }
  await stop();
}
if (code === 0) rmSync(dataDir, { recursive: true, force: true });
else console.error(`[e2e-external] kept ${dataDir} (the runtime's output is runtime.log there)`);
console.log(`[e2e-external] ${code === 0 ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);
