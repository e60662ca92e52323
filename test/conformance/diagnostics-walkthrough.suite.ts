import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DiagnosticsCallbacks } from '../../infra/local/diagnostics-callbacks';
import { eventually, history } from '../e2e/steps';
import { cli, describeWithCli, givenEdge, json, stopEdge, type Edge } from './harness';

const HOUR_MS = 3_600_000;

/**
 * The README's diagnostics walkthrough, from outside the process: start a run, read the pending
 * task token from the local-only control, complete the callback with SendTaskSuccess (as
 * `aws stepfunctions send-task-success` does), and see the run succeed.
 */
describe('the diagnostics walkthrough completes its callback from outside', () => {
  let edge: Edge;

  beforeAll(async () => {
    edge = await givenEdge();
  });
  afterAll(() => stopEdge(edge));

  const tokenUrl = (run: string): URL => new URL(`/_local/diagnostics/${run}/task-token`, edge.endpoint);
  const withSecret = (): Record<string, string> => ({ 'X-Ciss-Local-Secret': edge.h.runtime.localSecret });

  async function startParked(name: string): Promise<string> {
    const { executionArn } = await edge.h.sfn.send(
      new StartExecutionCommand({ stateMachineArn: edge.h.runtime.names.machines.diagnostics, name, input: JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 0 }) }),
    );
    if (!executionArn) throw new Error('no execution');
    await eventually(async () => ((await history(edge.h.sfn, executionArn)).some((e) => e.type === 'TaskSubmitted') ? true : undefined), 'the callback task to be submitted');
    return executionArn;
  }

  async function succeedsAfterCoolDown(executionArn: string): Promise<void> {
    await eventually(async () => ((await history(edge.h.sfn, executionArn)).some((e) => e.type === 'WaitStateEntered') ? true : undefined), 'the CoolDown wait');
    await edge.h.runtime.clock.advance(HOUR_MS);
    const out = await eventually(async () => {
      const described = await edge.h.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    }, 'the run to end');
    expect(out.status).toBe('SUCCEEDED');
  }

  it('hands the pending token only with the per-run secret, and SendTaskSuccess with it completes the run', async () => {
    const executionArn = await startParked('walkthrough-sdk');

    const refused = await fetch(tokenUrl('walkthrough-sdk'));
    expect(refused.status).toBe(403);

    const out = await fetch(tokenUrl('walkthrough-sdk'), { headers: withSecret() });
    expect(out.status).toBe(200);
    const { taskToken, runId } = (await out.json()) as { taskToken: string; runId: string };
    expect(runId).toBe('walkthrough-sdk');
    // The very token the park Lambda was handed (the harness sees Lambda events as they are).
    expect(taskToken).toBe(edge.h.tokens.get('run:walkthrough-sdk')?.at(-1));

    await edge.h.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ by: 'walkthrough' }) }));
    await succeedsAfterCoolDown(executionArn);
  });

  it('answers 404, naming the step, for a run that has not reached its callback', async () => {
    const out = await fetch(tokenUrl('never-started'), { headers: withSecret() });
    expect(out.status).toBe(404);
    expect(((await out.json()) as { message: string }).message).toContain('AwaitOperatorAcknowledgement');
  });

  it('keeps the tokens in a file only this user can read, so a run parked before a restart can still be acknowledged', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ciss-diag-'));
    const first = DiagnosticsCallbacks.at(dir);
    first.watch('diagnostics-park', { runId: 'kept', taskToken: 'token-1' });
    first.watch('diagnostics-check', { runId: 'other', taskToken: 'not-a-park-token' });
    expect(statSync(path.join(dir, 'diagnostics-tokens.json')).mode & 0o777).toBe(0o600);
    const afterRestart = DiagnosticsCallbacks.at(dir);
    expect(afterRestart.control('GET', '/_local/diagnostics/kept/task-token')).toMatchObject({ status: 200, body: { taskToken: 'token-1' } });
    expect(afterRestart.control('GET', '/_local/diagnostics/other/task-token')).toMatchObject({ status: 404 });
  });

  describeWithCli('with the AWS CLI, as the README has it', () => {
    it('aws stepfunctions send-task-success --task-token <the control\'s token> completes the run', async () => {
      const executionArn = await startParked('walkthrough-cli');
      const { taskToken } = (await (await fetch(tokenUrl('walkthrough-cli'), { headers: withSecret() })).json()) as { taskToken: string };
      const sent = await cli(edge, ['stepfunctions', 'send-task-success', '--task-token', taskToken, '--task-output', '{"by":"cli"}']);
      expect(json(sent)).toEqual({});
      await succeedsAfterCoolDown(executionArn);
    });
  });
});
