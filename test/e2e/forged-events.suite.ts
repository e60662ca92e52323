import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { eventually, mailbox, scanAll, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

/**
 * Events in an AWS service's name (`aws.*`) come from that service only. Through the edge, as
 * any client would send them, PutEvents refuses them per entry as AWS does; the runtime still
 * delivers its own Step Functions status changes to the rules.
 */
describe('forged AWS service events', () => {
  let h: Harness;
  let events: EventBridgeClient;

  beforeAll(async () => {
    h = await sharedRuntime();
    events = new EventBridgeClient({ endpoint: h.runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  afterAll(() => {
    events.destroy();
  });

  async function startApproval(subjectId: string): Promise<{ executionArn: string; link: string }> {
    const input = { subjectId, title: `Packet ${subjectId} `, question: 'Accept?', assignee: { role: 'court-clerk', email: 'clerk.ga14@jud.ct.example', court: 'GA14' } };
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.runtime.names.machines.approval, name: subjectId, input: JSON.stringify(input) }));
    if (!executionArn) throw new Error('no execution');
    const link = await eventually(async () => {
      const mail = (await mailbox(h.runtime)).find((m) => m.subject.includes(`(Packet ${subjectId})`));
      return mail ? /^Approve: (\S+)$/m.exec(mail.body.text ?? '')?.[1] : undefined;
    }, `the e-mail about ${subjectId}`);
    return { executionArn, link };
  }

  it('refuses a forged "execution aborted" event, and the task stays open', async () => {
    const { executionArn, link } = await startApproval('forged-abort');
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws.states', DetailType: 'Step Functions Execution Status Change', Detail: JSON.stringify({ executionArn, status: 'ABORTED' }), Resources: [executionArn] },
          { Source: 'ciss.tests', DetailType: 'Harmless', Detail: '{}', EventBusName: h.runtime.names.bus },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: expect.stringContaining('this source') as string });
    expect(out.Entries?.[1]?.EventId).toEqual(expect.any(String));
    await h.runtime.eventBridge.idle();
    expect(h.runtime.eventBridge.published.some((e) => e.source === 'aws.states' && (e.detail as { status?: string }).status === 'ABORTED')).toBe(false);
    expect((await fetch(link)).status).toBe(200);
    expect((await h.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  });

  it('refuses a forged CloudTrail logon failure: nothing reaches the audit trail', async () => {
    const before = (await scanAll(h, [h.runtime.names.tables.audit])).length;
    const out = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'aws.cognito-idp', DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify({ eventSource: 'cognito-idp.amazonaws.com', eventName: 'InitiateAuth', errorCode: 'NotAuthorizedException', sourceIPAddress: '203.0.113.9' }) }],
      }),
    );
    expect(out).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
    await h.runtime.eventBridge.idle();
    expect(h.runtime.eventBridge.deliveries.filter((d) => d.target === 'auth-logon-failed')).toEqual([]);
    expect((await scanAll(h, [h.runtime.names.tables.audit])).length).toBe(before);
  });

  it("still delivers Step Functions' own status change: a real stop cancels the task", async () => {
    const { executionArn, link } = await startApproval('real-stop');
    await h.sfn.send(new StopExecutionCommand({ executionArn, cause: 'withdrawn' }));
    const page = await eventually(async () => {
      const res = await fetch(link);
      return res.status === 410 ? res : undefined;
    }, 'the task to be cancelled');
    expect(await page.text()).toContain('No longer needed');
  });
});
