/**
 * The default stage's synthesis, shared on disk between processes: test/infra/cdk.test.ts
 * synthesizes the app anyway and leaves its templates here; the parity test and `npm run
 * lint:cfn` read them instead of loading aws-cdk-lib and synthesizing the same app again (in a
 * jest worker, loading aws-cdk-lib alone is most of a synthesis test's time).
 *
 * The cache is a directory under the OS temp folder named by a hash of everything synthesis
 * reads (infra/, functions/, events/, statemachines/, portal/, the lock file, these modules), so
 * a changed source is never read from an old synthesis. When nothing is cached, the first caller
 * synthesizes in a child process (`tsx test/infra/synthesize.ts`, outside jest's module loader)
 * under a lock, and callers that come meanwhile wait for it.
 *
 * This module imports nothing of aws-cdk-lib: reading the cache costs a few milliseconds.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** What the default stage's synthesis reads (directories walked, files read whole). */
const INPUTS = ['infra', 'functions', 'events', 'statemachines', 'portal', 'package.json', 'package-lock.json', 'cdk.json', 'tsconfig.json', 'test/infra/template.ts', 'test/infra/synthesis.ts', 'test/infra/synthesize.ts'];
const CACHE = path.join(tmpdir(), 'ciss-synthesis');
/** A lock older than this was left by a process that died: the next caller takes over. */
const STALE_LOCK_MS = 5 * 60_000;

type Json = Record<string, unknown>;

/** The default stage's templates, as CloudFormation receives them and as the suites read them. */
export interface Synthesis {
  readonly stackName: string;
  /** The main template (nested stacks unfolded). */
  readonly main: Json;
  /** The main template with the function areas' nested stacks folded in (`appTemplate` in ./template.ts). */
  readonly app: Json;
  /** CISS Search's database's nested stack. */
  readonly searchDb: Json;
  /** The main template's file and every nested stack's, as the cloud assembly wrote them (for cfn-lint). */
  readonly files: { readonly main: string; readonly nested: readonly string[] };
}

function walk(entry: string, into: string[]): void {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return;
  if (!statSync(full).isDirectory()) {
    into.push(entry);
    return;
  }
  for (const name of readdirSync(full).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(path.join(entry, name), into);
}

/** A hash of every file synthesis reads, with the Node version (it names the cache directory). */
export function synthesisKey(): string {
  const hash = createHash('sha256').update(process.version);
  const files: string[] = [];
  for (const input of INPUTS) walk(input, files);
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file))).update('\0');
  return hash.digest('hex').slice(0, 24);
}

const dirOf = (key: string): string => path.join(CACHE, key);

/** The cached synthesis for the sources as they are, or undefined. */
export function cachedSynthesis(key = synthesisKey()): Synthesis | undefined {
  const dir = dirOf(key);
  const index = path.join(dir, 'synthesis.json');
  if (!existsSync(index)) return undefined;
  const s = JSON.parse(readFileSync(index, 'utf8')) as { stackName: string; main: string; nested: string[] };
  const read = (name: string): Json => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Json;
  return {
    stackName: s.stackName,
    main: read(s.main),
    app: read('app.json'),
    searchDb: read('search-db.json'),
    files: { main: path.join(dir, s.main), nested: s.nested.map((n) => path.join(dir, n)) },
  };
}

/**
 * Writes a synthesis to the cache (atomically: a reader sees all of it or none). `assemblyDir`
 * is the cloud assembly's directory; the templates named are copied from it.
 */
export function publishSynthesis(
  key: string,
  synthesis: { stackName: string; app: Json; searchDb: Json; assemblyDir: string; mainFile: string; nestedFiles: readonly string[] },
): void {
  const dir = dirOf(key);
  if (existsSync(path.join(dir, 'synthesis.json'))) return;
  mkdirSync(CACHE, { recursive: true });
  const scratch = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  for (const file of [synthesis.mainFile, ...synthesis.nestedFiles]) writeFileSync(path.join(scratch, file), readFileSync(path.join(synthesis.assemblyDir, file)));
  writeFileSync(path.join(scratch, 'app.json'), JSON.stringify(synthesis.app));
  writeFileSync(path.join(scratch, 'search-db.json'), JSON.stringify(synthesis.searchDb));
  writeFileSync(path.join(scratch, 'synthesis.json'), JSON.stringify({ stackName: synthesis.stackName, main: synthesis.mainFile, nested: synthesis.nestedFiles }));
  try {
    renameSync(scratch, dir);
  } catch {
    // Another process published the same synthesis meanwhile.
    rmSync(scratch, { recursive: true, force: true });
  }
  prune(key);
}

/** Removes other keys' syntheses older than a day (other worktrees' recent ones stay). */
function prune(keep: string): void {
  const day = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(CACHE)) {
    const full = path.join(CACHE, name);
    if (name !== keep && !name.endsWith('.lock') && statSync(full).mtimeMs < day) rmSync(full, { recursive: true, force: true });
  }
}

/** Whether the process that wrote a lock is gone (or the lock is older than any synthesis takes). */
function abandoned(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
    process.kill(Number(readFileSync(lock, 'utf8')), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function takeLock(lock: string): boolean {
  mkdirSync(CACHE, { recursive: true });
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    if (!abandoned(lock)) return false;
    rmSync(lock, { force: true });
    return takeLock(lock);
  }
}

/**
 * For a process that synthesizes the default stage anyway (cdk.test.ts): holds the lock while it
 * does, so that others wait for its result rather than make their own. Returns the release, or
 * undefined when the synthesis is cached already or another process is making it.
 */
export function lockSynthesis(key: string): (() => void) | undefined {
  const lock = `${dirOf(key)}.lock`;
  if (existsSync(path.join(dirOf(key), 'synthesis.json')) || !takeLock(lock)) return undefined;
  return () => rmSync(lock, { force: true });
}

function synthesizeInChild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'infra', 'synthesize.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`synthesis failed (exit ${code}): ${stderr.slice(-2000)}`))));
  });
}

/**
 * The default stage's synthesis: from the cache, or made now (once, whoever else asks at the
 * same time). Rejects when synthesis fails, with its error.
 */
export async function loadSynthesis(timeoutMs = 300_000): Promise<Synthesis> {
  const key = synthesisKey();
  const deadline = Date.now() + timeoutMs;
  const lock = `${dirOf(key)}.lock`;
  for (;;) {
    const cached = cachedSynthesis(key);
    if (cached) return cached;
    if (takeLock(lock)) {
      try {
        if (!cachedSynthesis(key)) await synthesizeInChild();
      } finally {
        rmSync(lock, { force: true });
      }
      const made = cachedSynthesis(key);
      if (!made) throw new Error(`synthesis wrote nothing to ${dirOf(key)}`);
      return made;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for another process's synthesis (${lock})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
