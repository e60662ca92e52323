import type { FunctionName } from '../../infra/manifest';
import { captureOutput, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

/**
 * The embedded runtime runs handlers concurrently in one process. Each invocation's log lines
 * must name its own function and request id, and carry only its own correlation keys: before,
 * a CMS failure in `arrests-transmit` was logged under `arrests-notify-agency`, and the
 * pending-task monitor's lines under whatever function had started last.
 */
describe('log lines of concurrent invocations on the embedded runtime', () => {
  let h: Harness;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    h = await sharedRuntime({ schedules: false });
  });
  afterAll(async () => {
    output?.restore();
  });

  it('name their own function and request id, and carry only their own packet', async () => {
    const transmit = `ciss-${h.stage}-arrests-transmit`;
    const monitor = `ciss-${h.stage}-monitoring-pending-tasks`;
    const packets = ['P-LOG-1', 'P-LOG-2', 'P-LOG-3'];
    const invoke = (name: FunctionName, event: unknown) => h.runtime.lambda.invoke(name, event);

    output = captureOutput();
    // Transmitting a packet that does not exist fails after a DynamoDB read, and is logged with
    // its packet; the monitor reads the task table and logs the queue. Both await the SDK
    // between their first and last line, so their invocations interleave.
    const results = await Promise.all([
      ...packets.map((packetId) => invoke('arrests-transmit', { packetId, version: 1 })),
      ...packets.map(() => invoke('monitoring-pending-tasks', { source: 'aws.scheduler' })),
    ]);
    output.restore();

    expect(results.slice(0, 3).map((r) => r.error?.errorType)).toEqual(['NotFound', 'NotFound', 'NotFound']);
    expect(results.slice(3).map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    const lines = output.written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['function_name'] === transmit || l['function_name'] === monitor);
    const byRequest = new Map<unknown, Record<string, unknown>[]>();
    for (const line of lines) byRequest.set(line['function_request_id'], [...(byRequest.get(line['function_request_id']) ?? []), line]);

    // Six invocations, each with lines of its own, under one function name and one packet.
    expect(byRequest.size).toBe(6);
    const invocations = [...byRequest.values()].map((ls) => ({
      functions: [...new Set(ls.map((l) => l['function_name']))],
      packets: [...new Set(ls.map((l) => l['packetId']))],
    }));
    expect(invocations.filter((i) => i.functions[0] === monitor)).toEqual(packets.map(() => ({ functions: [monitor], packets: [undefined] })));
    const transmits = invocations.filter((i) => i.functions[0] === transmit);
    expect(transmits.map((i) => i.functions)).toEqual(packets.map(() => [transmit]));
    expect(transmits.map((i) => i.packets).sort()).toEqual(packets.map((p) => [p]));
  });
});
