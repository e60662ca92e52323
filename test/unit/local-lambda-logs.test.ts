import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { correlate, logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { LocalLambda, scopeInvocations } from '../../infra/local/lambda';
import type { FunctionName } from '../../infra/manifest';
import { capturingOutput } from './output';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The local Lambda service with stand-in handlers, wrapped as the application's are (taskHandler). */
class StandInLambda extends LocalLambda {
  constructor(private readonly handlers: Partial<Record<FunctionName, Handler>>) {
    super('ciss-logs', '/nonexistent');
  }
  override load(name: FunctionName): Promise<Handler> {
    const handler = this.handlers[name];
    return handler ? Promise.resolve(handler) : Promise.reject(new Error(`no stand-in for ${name}`));
  }
}

/** A gate each handler waits at, so that their log lines interleave. */
function gate(): { readonly passed: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

/** An AWS SDK request that fails at once (nothing listens): handlers make SDK calls between log lines. */
const unreachable = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const sdkRequest = (): Promise<unknown> => unreachable.send(new ListTablesCommand({})).catch((error: unknown) => error);

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:ciss-logs-arrest-packet:P-A-v1';

describe('log lines of concurrent invocations of the local Lambda service', () => {
  beforeAll(async () => {
    // As the runtime starts: invocations are scoped before the process's first SDK request.
    await scopeInvocations();
    await sdkRequest();
  });

  afterAll(() => unreachable.destroy());

  it('each name their own function, request id and correlation keys, while the others run', async () => {
    const inside = gate();
    const lambda = new StandInLambda({
      'arrests-transmit': taskHandler(z.object({ packetId: z.string() }), async () => {
        logger.info('transmit: sending the packet');
        await inside.passed;
        await sdkRequest();
        correlate({ executionArn: EXECUTION });
        logger.error('transmit: CMS answered 503');
        return {};
      }),
      'arrests-notify-agency': taskHandler(z.object({ packetId: z.string() }), async () => {
        logger.info('notify: writing to the agency');
        await inside.passed;
        logger.info('notify: sent');
        return {};
      }),
      'monitoring-pending-tasks': taskHandler(z.unknown(), async () => {
        await inside.passed;
        await sdkRequest();
        logger.info('monitor: pending human tasks');
        return {};
      }),
    });

    const { result, lines } = await capturingOutput(async () => {
      const running = Promise.all([
        lambda.invoke('arrests-transmit', { packetId: 'P-A' }),
        lambda.invoke('arrests-notify-agency', { packetId: 'P-B' }),
        lambda.invoke('monitoring-pending-tasks', { source: 'aws.scheduler' }),
      ]);
      // Every handler has started (and logged its first line) before any goes on.
      await new Promise((resolve) => setImmediate(resolve));
      inside.open();
      return running;
    });

    expect(result.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    const byMessage = Object.fromEntries(lines.map((l) => [String(l['message']), l]));
    expect(Object.keys(byMessage).sort()).toEqual(['monitor: pending human tasks', 'notify: sent', 'notify: writing to the agency', 'transmit: CMS answered 503', 'transmit: sending the packet']);
    const of = (prefix: string) => lines.filter((l) => String(l['message']).startsWith(prefix));
    const transmit = of('transmit:');
    const notify = of('notify:');
    const monitor = of('monitor:');

    for (const line of transmit) expect(line).toMatchObject({ function_name: 'ciss-logs-arrests-transmit', packetId: 'P-A' });
    for (const line of notify) expect(line).toMatchObject({ function_name: 'ciss-logs-arrests-notify-agency', packetId: 'P-B' });
    for (const line of monitor) expect(line).toMatchObject({ function_name: 'ciss-logs-monitoring-pending-tasks' });
    // One request id per invocation, on each of its lines, and three different ones.
    const requestIds = [transmit, notify, monitor].map((ls) => new Set(ls.map((l) => l['function_request_id'])));
    for (const ids of requestIds) expect(ids.size).toBe(1);
    expect(new Set(requestIds.flatMap((ids) => [...ids])).size).toBe(3);
    // A key one invocation learns stays on its own lines.
    expect(byMessage['transmit: CMS answered 503']).toMatchObject({ executionArn: EXECUTION });
    for (const line of [...notify, ...monitor]) expect(line).not.toHaveProperty('executionArn');
    for (const line of monitor) expect(line).not.toHaveProperty('packetId');
  });

  it('start the next invocation of a function without the keys of the one before', async () => {
    const lambda = new StandInLambda({
      'arrests-transmit': taskHandler(z.object({ packetId: z.string().optional() }), async () => {
        logger.info('transmit');
        return {};
      }),
    });

    const { lines } = await capturingOutput(async () => {
      await lambda.invoke('arrests-transmit', { packetId: 'P-1' });
      await lambda.invoke('arrests-transmit', {});
    });

    expect(lines.map((l) => l['packetId'])).toEqual(['P-1', undefined]);
    expect(lines[0]?.['function_request_id']).not.toBe(lines[1]?.['function_request_id']);
  });
});
