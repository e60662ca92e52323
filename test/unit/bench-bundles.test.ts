/**
 * The bench's module-load figure (bench/bundles.ts): each cold start of a function is followed by
 * one of the empty handler, and the figure is the median of the pairs' differences, with more
 * pairs for a function near its goal. Fake cold starts stand for the processes.
 */
import { describe, expect, it } from '@jest/globals';
import { MODULE_LOAD_BUDGETS, MODULE_LOAD_GOAL_MS, NEAR_GOAL_SAMPLES, moduleLoadGoal, pairedSamples } from '../../bench/bundles';

/** Cold starts giving these module loads in turn (CPU = wall / 2), recording the order they ran in. */
function starts(label: string, loads: readonly number[], order: string[]) {
  let i = 0;
  return async () => {
    const loadMs = loads[i++ % loads.length] as number;
    order.push(label);
    return { child: { loadMs, loadCpuMs: loadMs / 2 } };
  };
}

describe('pairedSamples', () => {
  it('alternates function and empty handler, and gives the median of the pairs’ differences', async () => {
    const order: string[] = [];
    // The machine slows down during the pairs, and each pair's empty handler sees it too: every
    // difference is 10, the outlier pair included.
    const r = await pairedSamples(starts('f', [12, 22, 52, 62, 302], order), starts('e', [2, 12, 42, 52, 292], order), MODULE_LOAD_GOAL_MS, 5);
    expect(order).toEqual(['f', 'e', 'f', 'e', 'f', 'e', 'f', 'e', 'f', 'e']);
    expect(r.aboveMs).toBe(10);
    expect(r.aboveCpuMs).toBe(5);
    expect(r.own).toHaveLength(5);
  });

  it('takes more pairs for a function within a few ms of its goal, not for one far from it', async () => {
    const near = await pairedSamples(starts('f', [21], []), starts('e', [2], []), 20, 5);
    expect(near.own).toHaveLength(NEAR_GOAL_SAMPLES);
    expect(near.aboveMs).toBe(19);
    const far = await pairedSamples(starts('f', [10], []), starts('e', [2], []), 20, 5);
    expect(far.own).toHaveLength(5);
  });
});

describe('moduleLoadGoal', () => {
  it('is 20 ms, or a function’s own stated budget with its reason', () => {
    expect(moduleLoadGoal('health')).toBe(MODULE_LOAD_GOAL_MS);
    expect(moduleLoadGoal('access-first-login')).toBe(MODULE_LOAD_BUDGETS['access-first-login']?.ms);
    expect(MODULE_LOAD_BUDGETS['access-first-login']?.why).toMatch(/dictionar/);
  });
});
