import { Clock } from '../../infra/local/clock';
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
    h = await givenRuntime({ clock: new Clock({ mode: 'manual', autoAdvanceMs: 5 * 60_000 }), faults: { seed: 8, cms: 0.1, services: { dynamodb: { throttle: 0.05 } } } });
    target = await targetOf(h.runtime);
    result = await runLoad(target, { packets: PACKETS, accessRequests: REQUESTS, concurrency: 20, tag: 'load', duplicateEvery: 10, onProgress: (done) => progress.push(done) });
    const lines = Object.entries(result.latencyMs).map(([step, s]) => `  ${STEPS[step as keyof typeof STEPS].padEnd(40)} p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms (n ${s.n})`);
    console.log(`load: ${result.packetIds.length} packets + ${result.requests.length} access requests in ${result.seconds.toFixed(1)} s; injected ${JSON.stringify(h.runtime.faults.counts())}; client retries ${result.clientRetries}\n${lines.join('\n')}`);
  }, 300_000);

  afterAll(() => stopHarness(h));

  it('injected the faults it was asked for', () => {
    // One PRNG decides every fault, so how many of the ~50 CMS calls fail varies with the order of
    // calls (10 %: about 5); at least one, so the retry path is proven every run.
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
});
