import { describe, expect, it } from '@jest/globals';
import { billedMs, costPer1000, minimumRequests, PRICES } from '../../bench/cost';
import { summarize } from '../../drive/stats';
import { parseLevels, table } from '../../bench/stats';

describe('bench: cost model', () => {
  it('bills Lambda in whole milliseconds, at least one', () => {
    expect([billedMs(0.2), billedMs(1), billedMs(1.01), billedMs(99.5)]).toEqual([1, 1, 2, 100]);
  });

  it('prices transitions, Lambda requests and GB-seconds at arm64, and request units on demand, per 1,000 items', () => {
    const cost = costPer1000({
      transitions: 14,
      lambda: [
        { function: 'a', invocations: 2, durationMs: 99.2, memoryMb: 1024 },
        { function: 'b', invocations: 1, durationMs: 50, memoryMb: 512 },
      ],
      dynamo: { readUnits: 8, writeUnits: 40 },
    });
    expect(cost.stepFunctions).toBeCloseTo(14 * 0.025, 10);
    expect(cost.lambdaRequests).toBeCloseTo(3 * 0.2 * 1e-3, 10);
    // 2 × 1 GB × 0.1 s + 1 × 0.5 GB × 0.05 s = 0.225 GB-s per item.
    expect(cost.lambdaGbSeconds).toBeCloseTo(0.225, 10);
    expect(cost.lambdaDuration).toBeCloseTo(0.225 * 0.0000133334 * 1000, 10);
    expect(cost.dynamo).toBeCloseTo((8 * 0.125 + 40 * 0.625) * 1e-3, 10);
    expect(cost.total).toBeCloseTo(cost.stepFunctions + cost.lambdaRequests + cost.lambdaDuration + cost.dynamo, 10);
  });

  it('states the prices it uses', () => {
    expect(PRICES).toMatchObject({ region: 'us-east-1', stepFunctionsPerTransition: 0.000025, lambdaArm64PerGbSecond: 0.0000133334 });
  });

  it('derives the minimum: one transaction per status change, two per human task', () => {
    expect(minimumRequests(7, 1)).toEqual({ transactions: 9, itemWrites: 18, reads: 0 });
    expect(minimumRequests(6, 3)).toEqual({ transactions: 12, itemWrites: 24, reads: 0 });
  });
});

describe('bench: stats and table', () => {
  it('takes nearest-rank percentiles', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).toMatchObject({ n: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(summarize([]).n).toBe(0);
  });

  it('aligns columns, numbers to the right', () => {
    expect(table(['name', 'n'], [['a', 1], ['bbb', 22.5]]).split('\n')).toEqual(['name     n', '----  ----', 'a        1', 'bbb   22.5']);
  });

  it('reads levels as concurrency:items and refuses anything else', () => {
    expect(parseLevels('1:15,4:40')).toEqual([
      [1, 15],
      [4, 40],
    ]);
    expect(() => parseLevels('4')).toThrow('bad pair "4"');
  });
});
