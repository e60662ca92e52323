import { describe, expect, it } from '@jest/globals';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Timeline, covered, handlerSplitText, merge, overlap, splitTime, storageGoalText, timeSplitText } from '../../bench/timeline';
import type { LambdaWatch, InvocationListener } from '../../bench/observe';

describe('bench: where an item’s time goes at concurrency 1', () => {
  it('merges intervals that overlap or touch, and counts covered time once', () => {
    expect(merge([[5, 7], [0, 2], [1, 3], [3, 4], [8, 9]])).toEqual([[0, 4], [5, 7], [8, 9]]);
    expect(covered([[0, 10], [2, 3], [5, 12], [20, 21]])).toBe(13);
    expect(covered([])).toBe(0);
  });

  it('measures the time two sets share', () => {
    expect(overlap([[0, 10], [20, 30]], [[5, 25]])).toBe(10);
    expect(overlap([[0, 1]], [[1, 2]])).toBe(0);
    expect(overlap([[0, 10]], [[1, 2], [3, 4], [9, 12]])).toBe(3);
  });

  it('splits the wall into storage, handlers with no request in flight, and the rest, adding up to the wall', () => {
    // 2 items over 100 ms: requests 0–10, 30–40 (in a handler 25–45), 60–70; handlers 25–45 and 80–90.
    const split = splitTime(100, 2, [[0, 10], [30, 40], [60, 70]], [[25, 45], [80, 90]]);
    expect(split).toEqual({ wall: 50, storage: 15, handlers: 10, rest: 25 });
    expect(split.storage + split.handlers + split.rest).toBe(split.wall);
  });

  it('splits the handlers’ own time by function, largest first, each without its requests in flight', () => {
    // 2 items: validate 0–20 with a request 5–15 in it (own 10), notify 30–40 (own 10) and 50–70 (own 20), a background handler 35–38 beside notify.
    const split = splitTime(100, 2, [[5, 15]], [[0, 20], [30, 40], [50, 70], [35, 38]], { validate: [[0, 20]], notify: [[30, 40], [50, 70]], background: [[35, 38]] });
    expect(split.byFunction).toEqual({ notify: 15, validate: 5, background: 1.5 });
    expect(Object.keys(split.byFunction ?? {})).toEqual(['notify', 'validate', 'background']);
    // The background handler overlaps notify: the handlers' own time counts it once.
    expect(split.handlers).toBe(20);
    expect(handlerSplitText('arrest', 'packet', split)).toBe("[arrest] the handlers' own time at concurrency 1 (running with no DynamoDB request in flight), ms a packet: notify 15.0, validate 5.0, background 1.5");
    expect(splitTime(100, 2, [], []).byFunction).toBeUndefined();
    expect(handlerSplitText('arrest', 'packet', splitTime(100, 2, [], []))).toBeUndefined();
  });

  it('prints the split beside the ceiling, with the share the handlers’ own time alone leaves of it', () => {
    const text = timeSplitText('arrest', 'packet', { wall: 110, storage: 60, handlers: 20, rest: 30 }, 50);
    expect(text).toContain('110.0 ms = 60.0 ms with a DynamoDB Local request in flight (the same requests back to back: 50.0 ms) + 20.0 ms in a Lambda handler');
    expect(text).toContain('+ 30.0 ms in neither');
    // 50 / (50 + 20)
    expect(text).toMatch(/would reach 71\.4 % of the storage ceiling$/);
  });

  it('says whether every level reached 60 % of its storage ceiling, and which did not', () => {
    const levels = [
      { concurrency: 1, itemsPerSecond: 9, storage: 20 },
      { concurrency: 16, itemsPerSecond: 15, storage: 20 },
    ];
    expect(storageGoalText(levels)).toBe('Goal, ≥ 60 % of the storage ceiling at every level: 45.0 % at c=1, 75.0 % at c=16: not met at c=1 (met at 1 of 2 levels)');
    expect(storageGoalText(levels.slice(1))).toBe('Goal, ≥ 60 % of the storage ceiling at every level: 75.0 % at c=16: met');
    // A level whose ceiling is missing (a replay that did not run) is not counted as met.
    expect(storageGoalText([{ concurrency: 16, itemsPerSecond: 15 }])).toMatch(/- at c=16: not met at c=16 \(met at 0 of 1 levels\)$/);
  });

  it('records the requests made through the runtime’s agent only, and the watch’s invocations', async () => {
    const server: Server = createServer((_req, res) => setTimeout(() => res.end('{}'), 20));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const runtimeAgent = new Agent({ keepAlive: true });
    const otherAgent = new Agent({ keepAlive: true });
    const listeners: InvocationListener[] = [];
    const watch = { listen: (l: InvocationListener) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) } as unknown as LambdaWatch;
    const send = (agent: Agent): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end('{}');
      });
    const timeline = new Timeline(runtimeAgent, watch);
    timeline.start();
    const t0 = performance.now();
    await send(runtimeAgent);
    const runtimeRequest = performance.now() - t0;
    await send(otherAgent);
    await send(otherAgent);
    const now = performance.now();
    for (const l of listeners) l({ name: 'health', event: {}, started: now - 5, ended: now, result: {} as never });
    const split = timeline.stop(1);
    runtimeAgent.destroy();
    otherAgent.destroy();
    await new Promise((resolve) => server.close(resolve));
    // The one request through the runtime's agent (the server answers after 20 ms), from sent to read; the other agent's two are the rest's.
    expect(split.storage).toBeGreaterThanOrEqual(19);
    expect(split.storage).toBeLessThanOrEqual(runtimeRequest);
    expect(split.handlers).toBeCloseTo(5, 0);
    expect(Object.keys(split.byFunction ?? {})).toEqual(['health']);
    expect(split.byFunction?.['health']).toBeCloseTo(5, 0);
    expect(split.rest).toBeGreaterThanOrEqual(38);
    expect(listeners).toHaveLength(0);
  });
});
