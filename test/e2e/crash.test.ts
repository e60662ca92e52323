import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startCmsSimulator, type CmsSimulator } from '../../infra/local/cms';
import { LocalKeys } from '../../infra/local/keys';
import { freePort } from '../../infra/local/net';
import { localNames } from '../../infra/local/runtime';
import { runLoad, verifyLoad, type LoadResult, type Target } from '../../drive/load';
import type { ChildReady } from './crash-runtime';

const SCRIPT = new URL('./crash-runtime.ts', import.meta.url).pathname;

/** Starts the runtime in a child process and waits for its READY line. */
function startChild(options: Record<string, unknown>): Promise<{ child: ChildProcess; ready: ChildReady }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(SCRIPT, '../../..') });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^READY (.*)$/m.exec(out)?.[1];
      if (line) resolve({ child, ready: JSON.parse(line) as ChildReady });
    });
    child.once('exit', (code) => reject(new Error(`the runtime child exited (${code}) before it was ready:\n${out}`)));
  });
}

/**
 * The runtime is killed (SIGKILL) while packets are in flight and started again on the same data:
 * every execution completes, and nothing happens twice. DynamoDB Local (the suite's) and the DCJ
 * CMS simulator (this process's) live outside the killed process, as they would in AWS.
 */
describe('the embedded runtime killed mid-load', () => {
  const stage = `crash${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ciss-crash-'));
  let cms: CmsSimulator;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGTERM');
    await cms?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes every execution after a restart, with one execution and one CMS record per packet', async () => {
    // The keys are made here first, so the CMS outside the child knows the credential.
    const credential = LocalKeys.load(localNames(stage).prefix, dataDir).secretValue('cms-credentials');
    cms = await startCmsSimulator({ credential });
    const options = { stage, dataDir, dynamoEndpoint: process.env['CISS_E2E_DYNAMO_ENDPOINT'], cmsUrl: cms.url, edgePort: await freePort(), apiPort: await freePort(), sesPort: await freePort(), clockStart: Date.now(), localSecret: randomBytes(24).toString('base64url') };
    const first = await startChild(options);
    child = first.child;
    const { ready } = first;
    const target: Target = {
      api: ready.endpoints.api,
      edge: ready.endpoints.edge,
      mailbox: ready.endpoints.mailbox,
      localSecret: options.localSecret,
      dynamodb: ready.endpoints.dynamodb,
      tables: ready.tables,
      machines: ready.machines,
      tokens: ready.tokens,
      cmsRecords: () => cms.records,
      now: () => Date.now(),
    };

    const load: Promise<LoadResult> = runLoad(target, { packets: 40, accessRequests: 0, concurrency: 10, tag: 'crash', duplicateEvery: 10, stepTimeoutMs: 180_000 });
    // Mid-load: some packets are in CMS, most are not.
    const deadline = Date.now() + 120_000;
    while (cms.records.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = cms.records.length;
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const second = await startChild({ ...options, clockStart: Date.now() });
    child = second.child;

    const result = await load;
    const verification = await verifyLoad(target, result);

    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThan(40);
    expect(second.ready.resumed).toBeGreaterThan(0);
    expect(verification.problems).toEqual([]);
    expect(cms.records).toHaveLength(40);
    expect(verification.executions.arrest).toBe(40);
  }, 300_000);
});
