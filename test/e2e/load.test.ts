import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { testClock } from '../target';
import { runLoad, targetOf, verifyLoad, STEPS, type LoadCounts, type LoadResult, type Target } from '../../drive/load';
import { givenRuntime, stopHarness, type Harness } from './steps';

/**
 * Proof under load and faults (issue 8): 50 arrest packets and 12 access requests at
 * concurrency 20, while 10 % of CMS calls fail, 5 % of the application's DynamoDB calls are
 * throttled and a tenth of the packets are POSTed twice at once (half of those once more
 * later). Nothing may be lost and nothing duplicated.
 */
/** Enough to keep 20 in flight through every step; `npm run soak` and the bench run thousands. */
const PACKETS = 50;
const REQUESTS = 12;

describe('the embedded runtime under load and faults', () => {
  let h: Harness;
  let target: Target;
  let result: LoadResult;
  const progress: LoadCounts[] = [];

  beforeAll(async () => {
    // Retry back-offs (at most 5 minutes here) pass at once; Wait states and human deadlines do not.
    h = await givenRuntime({ clock: testClock({ autoAdvanceMs: 5 * 60_000 }), faults: { seed: 8, cms: 0.1, services: { dynamodb: { throttle: 0.05 } } } });
    target = await targetOf(h.runtime);
    result = await runLoad(target, { packets: PACKETS, accessRequests: REQUESTS, concurrency: 20, tag: 'load', duplicateEvery: 10, onProgress: (done) => progress.push(done) });
    const lines = Object.entries(result.latencyMs).map(([step, s]) => `  ${STEPS[step as keyof typeof STEPS].padEnd(40)} p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms (n ${s.n})`);
    console.log(`load: ${result.packetIds.length} packets + ${result.requests.length} access requests in ${result.seconds.toFixed(1)} s; injected ${JSON.stringify(h.runtime.faults.counts())}; client retries ${result.clientRetries}\n${lines.join('\n')}`);
  }, 300_000);

  afterAll(() => stopHarness(h));

  it('injected the faults it was asked for', () => {
    // CMS faults draw from a stream of their own (seed 8's fails the 6th submission), so at least
    // one of the ~50 CMS calls fails whatever order DynamoDB's calls come in: the retry path is
    // proven every run.
    expect(h.runtime.faults.total('cms:')).toBeGreaterThan(0);
    expect(h.runtime.faults.total('dynamodb:')).toBeGreaterThan(PACKETS / 4);
    expect(result.duplicates).toHaveLength(PACKETS / 10);
  });

  it('keeps every packet and request exactly once: one execution, one CMS record, each status change audited once', async () => {
    const verification = await verifyLoad(target, result);

    expect(verification.problems).toEqual([]);
    expect(result.packetIds).toHaveLength(PACKETS);
    expect(result.requests).toHaveLength(REQUESTS);
    expect(h.runtime.cms.records).toHaveLength(PACKETS);
    expect(verification.executions).toEqual({ arrest: PACKETS, access: REQUESTS });
    expect({ calls: progress.length, last: progress.at(-1) }).toEqual({ calls: PACKETS + REQUESTS, last: { packets: PACKETS, requests: REQUESTS } });
  });

  it("counts the retried task failures as it runs, as many as reading every history back finds", async () => {
    const counted = [target.machines.arrest, target.machines.access]
      .map((arn) => h.runtime.stepFunctions.eventCounts(arn))
      .reduce((n, c) => n + (c['TaskFailed'] ?? 0) + (c['TaskTimedOut'] ?? 0), 0);
    const read = await verifyLoad(target, result, { readHistories: true });

    expect(read.retriedTaskFailures).toBe(counted);
    expect(counted).toBeGreaterThan(0);
    expect(h.runtime.stepFunctions.eventCounts(target.machines.arrest)['ExecutionStarted']).toBe(PACKETS);
  });

  // After the checks of the run above: its packet is one more than the run's.
  it('takes a packet as AVAILABLE only once the step that makes it so has returned, not when the step is entered', async () => {
    const held = h.runtime.faults.hold('arrests-await-adjudication');
    const one = runLoad(target, { packets: 1, accessRequests: 0, concurrency: 1, tag: 'held' });
    let finished = false;
    void one.then(() => (finished = true), () => (finished = true));
    try {
      await held.reached;
      // The state is entered and its Lambda is running; the driver must still be waiting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(finished).toBe(false);
    } finally {
      held.release();
    }
    const run = await one;
    const verification = await verifyLoad(target, run);

    expect(verification.problems.filter((p) => p.includes(run.packetIds[0] ?? '?'))).toEqual([]);
  });

  // Last: it writes stray audit records into the run's tables.
  it('reports a lost item, a duplicate execution, CMS record or audited status change', async () => {
    const [packet, other] = result.packetIds;
    const request = result.requests.find((r) => r.path !== 'denied') ?? result.requests[0];
    if (!packet || !other || !request) throw new Error('the load ran no items');
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: target.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'load', secretAccessKey: 'load' } }));
    try {
      const audit = (await db.send(new ScanCommand({ TableName: target.tables.audit }))).Items ?? [];
      const of = (id: string, type: string, to?: string) =>
        audit.find((e) => (e['subject'] as { id?: string } | undefined)?.id === id && e['type'] === type && (to === undefined || (e['details'] as { to?: string } | undefined)?.to === to));
      const accepted = of(packet, 'ArrestPacketAccepted');
      const verification = of(request.requestId, 'AccessRequestStatusChanged', 'TRAINING_VERIFICATION');
      if (!accepted || !verification) throw new Error('the run audited no acceptance or training verification');
      for (const item of [accepted, verification]) await db.send(new PutCommand({ TableName: target.tables.audit, Item: { ...item, sk: `${String(item['sk'])}#again` } }));
    } finally {
      db.destroy();
    }
    const lost = 'PK-LOST-0001';
    const tampered: LoadResult = { ...result, packetIds: [...result.packetIds.filter((id) => id !== other), lost] };
    const twiceToCms: Target = { ...target, cmsRecords: () => [...target.cmsRecords(), ...target.cmsRecords().filter((r) => (r.body as { packetId?: string }).packetId === packet)] };
    const withoutRequest: LoadResult = { ...result, requests: result.requests.filter((r) => r !== request) };

    const problems = [...(await verifyLoad(twiceToCms, tampered)).problems, ...(await verifyLoad(target, withoutRequest)).problems];

    expect(problems).toEqual(
      expect.arrayContaining([
        `packet ${lost} is missing, not AVAILABLE`,
        `packet ${lost} has executions none`,
        `packet ${lost} has 0 CMS records`,
        `packet ${packet} has 2 CMS records`,
        `packet ${packet} has 2 ArrestPacketAccepted audit records`,
        expect.stringMatching(new RegExp(`^request ${request.requestId} \\(${request.path}\\) audited .*TRAINING_VERIFICATION → TRAINING_VERIFICATION → TRAINING_VERIFICATION`)),
        expect.stringContaining(`executions for packets nobody sent: `),
        expect.stringContaining(`CMS records for packets nobody sent: `),
        expect.stringContaining(`access executions nobody started: `),
      ]),
    );
    expect(problems.join('\n')).toContain(other);
    expect(problems.join('\n')).toContain(request.requestId);
  });
});
