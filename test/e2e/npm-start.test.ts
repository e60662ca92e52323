import { GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../infra/asl';

/**
 * `npm start` as a developer runs it, in a temporary data directory on free ports: what it
 * prints, the files it leaves, and that a SIGTERM to npm stops every process it started.
 */

interface Proc {
  readonly pid: number;
  readonly command: string;
}

/** Every descendant of `pid`, by walking `ps --ppid` (collected while they run). */
function descendants(pid: number): Proc[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .flatMap((l) => {
      const [child = '', ...command] = l.split(/\s+/);
      const proc = { pid: Number(child), command: command.join(' ') };
      return [proc, ...descendants(proc.pid)];
    });
}

/** Alive and not a zombie (a reaped-later child of an init that does not reap is as good as gone). */
function alive(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}

const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/;

describe('npm start', () => {
  let dataDir: string;
  let npm: ChildProcess | undefined;
  let tree: Proc[] = [];
  let output = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ciss-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, CISS_DATA_DIR: dataDir, API_PORT: '0', EDGE_PORT: '0', SES_PORT: '0' };
    delete env['NODE_OPTIONS'];
    npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not print its banner in 90 s:\n${output}`)), 90_000);
      const check = (): void => {
        if (output.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      };
      npm?.stdout?.on('data', check);
      npm?.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
    });
    tree = descendants(npm.pid ?? 0);
  }, 120_000);

  afterAll(() => {
    // Whatever is left (the test failed) is stopped, by the pids this test collected.
    for (const p of [...tree, ...(npm?.pid ? [{ pid: npm.pid, command: 'npm' }] : [])]) {
      if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints no token (operations sign in to the portal), and says where the tokens and the per-run secret are', () => {
    expect(output.split('\n').filter((l) => JWT.test(l))).toEqual([]);
    expect(output).toMatch(/Portal \(sign in here\)\s+http:\/\/127\.0\.0\.1:\d+\/portal\//);
    expect(output).toContain(`are in ${dataDir}/tokens.json`);
    expect(output).toContain('npm run token -- --role admin --ori CT0000100 (a clerk: --role clerk --courts GA23)');
    expect(output).toContain(`also in ${dataDir}/runtime.json`);
  });

  it('keeps its data private: the directory and its subdirectories 0700, every file 0600', () => {
    const modes: Record<string, string> = {};
    const walk = (dir: string): void => {
      modes[path.relative(dataDir, dir) || '.'] = (statSync(dir).mode & 0o777).toString(8);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else modes[path.relative(dataDir, path.join(dir, e.name))] = (statSync(path.join(dir, e.name)).mode & 0o777).toString(8);
      }
    };
    walk(dataDir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(['.', 'tokens.json', 'runtime.json', 'dynamodb', 'dynamodb/shared-local-instance.db']));
    expect(modes).toEqual(Object.fromEntries(Object.entries(modes).map(([k]) => [k, statSync(path.join(dataDir, k)).isDirectory() ? '700' : '600'])));
    const runtime = JSON.parse(readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as { localSecret: string; header: string };
    expect(runtime).toEqual(expect.objectContaining({ localSecret: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/), header: 'X-Ciss-Local-Secret' }));
  });

  it('gives the seeded searchers their renewal executions on the real clock, and lives on when one of them ends', async () => {
    // Issue 17: these executions once took `npm start` down (an execution's end left a rejection nobody handled).
    const { edge } = JSON.parse(readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as { edge: string };
    const sfn = new SFNClient({ endpoint: edge, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.find((m) => m.name?.endsWith('-search-certification'));
      const waiting = async () => {
        const all = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine?.stateMachineArn }))).executions ?? [];
        const entered = await Promise.all(all.map(async (e) => ((await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }))).events ?? []).some((ev) => ev.stateEnteredEventDetails?.name === 'WaitUntil30DaysBeforeExpiry')));
        return entered.every(Boolean) ? all : [];
      };
      let renewals = await waiting();
      for (let i = 0; i < 50 && renewals.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 200));
        renewals = await waiting();
      }
      // nhpd-officer and dcj-prosecutor (DEMO_CERTIFIED), each waiting for the reminder 30 days before its expiry.
      expect(renewals.map((e) => [/-renewal$/.test(e.name ?? ''), e.status])).toEqual([
        [true, 'RUNNING'],
        [true, 'RUNNING'],
      ]);
      await sfn.send(new StopExecutionCommand({ executionArn: renewals[0]?.executionArn }));
      await new Promise((r) => setTimeout(r, 1000));
      const after = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine?.stateMachineArn }))).executions ?? [];
      expect(after.map((e) => e.status).sort()).toEqual(['ABORTED', 'RUNNING']);
      expect(alive(npm?.pid ?? 0)).toBe(true);
      expect(output).not.toMatch(/Execution ended|unhandled/i);
    } finally {
      sfn.destroy();
    }
  });

  it('stops every process it started (the runtime, DynamoDB Local’s java) when npm gets SIGTERM', async () => {
    expect(tree.map((p) => p.command)).toEqual(expect.arrayContaining(['java', expect.stringMatching(/node|MainThread/)]));
    process.kill(npm?.pid ?? 0, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && tree.some((p) => alive(p.pid))) await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter((p) => alive(p.pid))).toEqual([]);
  });
});
