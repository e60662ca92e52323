import { describe, expect, it } from '@jest/globals';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Timeline, covered, handlerSplitText, merge, overlap, splitTime, storageGoalText, storageShare, timeSplitText, type GoalLevel } from '../../bench/timeline';
import type { LambdaWatch, InvocationListener } from '../../bench/observe';
import type { Edge } from '../../infra/local/edge';
import { EdgeRequestHandler } from '../../infra/local/edge-handler';

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
    const split = splitTime(100, 2, { storage: [[0, 10], [30, 40], [60, 70]], handlers: [[25, 45], [80, 90]] });
    expect(split).toEqual({ wall: 50, storage: 15, handlers: 10, edge: 0, rest: 25 });
    expect(split.storage + split.handlers + split.edge + split.rest).toBe(split.wall);
  });

  it('counts a handler’s request in the edge as the runtime’s, not the handler’s, and its DynamoDB request in it as storage', () => {
    // 1 item over 100 ms: a handler 10–60 whose request is in the edge 20–40, of which DynamoDB Local 25–35; the engine's own write 70–80.
    const split = splitTime(100, 1, { storage: [[25, 35], [70, 80]], handlers: [[10, 60]], named: { notify: [[10, 60]] }, edge: [[20, 40]] });
    expect(split).toEqual({ wall: 100, storage: 20, handlers: 30, edge: 10, rest: 40, byFunction: { notify: 30 } });
    expect(split.storage + split.handlers + split.edge + split.rest).toBe(split.wall);
  });

  it('splits the handlers’ own time by function, largest first, each without its requests in flight', () => {
    // 2 items: validate 0–20 with a request 5–15 in it (own 10), notify 30–40 (own 10) and 50–70 (own 20), a background handler 35–38 beside notify.
    const split = splitTime(100, 2, { storage: [[5, 15]], handlers: [[0, 20], [30, 40], [50, 70], [35, 38]], named: { validate: [[0, 20]], notify: [[30, 40], [50, 70]], background: [[35, 38]] } });
    expect(split.byFunction).toEqual({ notify: 15, validate: 5, background: 1.5 });
    expect(Object.keys(split.byFunction ?? {})).toEqual(['notify', 'validate', 'background']);
    // The background handler overlaps notify: the handlers' own time counts it once.
    expect(split.handlers).toBe(20);
    expect(handlerSplitText('arrest', 'packet', split)).toBe("[arrest] the handlers' own time at concurrency 1 (running with no DynamoDB request in flight), ms a packet: notify 15.0, validate 5.0, background 1.5");
    expect(splitTime(100, 2, { storage: [], handlers: [] }).byFunction).toBeUndefined();
    expect(handlerSplitText('arrest', 'packet', splitTime(100, 2, { storage: [], handlers: [] }))).toBeUndefined();
  });

  it('prints the split beside the ceiling, with the share the handlers’ own time alone leaves of it', () => {
    const text = timeSplitText('arrest', 'packet', { wall: 110, storage: 60, handlers: 20, edge: 5, rest: 25 }, 50);
    expect(text).toContain('110.0 ms = 60.0 ms with a DynamoDB Local request in flight (the same requests back to back: 50.0 ms) + 20.0 ms in a Lambda handler');
    expect(text).toContain('+ 5.0 ms in the edge answering a handler');
    expect(text).toContain('+ 25.0 ms in none of those');
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

  it('sets concurrency 1 against the replay plus the handlers’ own time, and still says the replay alone', () => {
    // 9 items/s against a replay of 50 ms an item and 40 ms of handlers: 9 × (0.050 + 0.040) = 81 %.
    const one: GoalLevel = { concurrency: 1, itemsPerSecond: 9, storage: 20, handlersMs: 40 };
    expect(storageShare(one)?.share).toBeCloseTo(0.81, 10);
    expect(storageShare(one)?.replayOnly).toBeCloseTo(0.45, 10);
    expect(storageGoalText([one, { concurrency: 16, itemsPerSecond: 15, storage: 20 }])).toBe("Goal, ≥ 60 % of the storage ceiling at every level (at c=1, of the replay plus the handlers' own time): 81.0 % at c=1 (45.0 % of the replay alone), 75.0 % at c=16: met");
    // The runtime's own time still counts: 5 items/s there is 5 × 0.090 = 45 %.
    expect(storageGoalText([{ concurrency: 1, itemsPerSecond: 5, storage: 20, handlersMs: 40 }])).toMatch(/: 45\.0 % at c=1 \(25\.0 % of the replay alone\): not met at c=1 \(met at 0 of 1 levels\)$/);
    // No handlers' time measured: the replay alone, as at higher concurrency.
    expect(storageShare({ concurrency: 1, itemsPerSecond: 9, storage: 20 })?.share).toBeCloseTo(0.45, 10);
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
    // The invocation after the other agent's requests, overlapping none of them: they stay whole in the rest.
    await new Promise((resolve) => setTimeout(resolve, 10));
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

  it('records the time a handler’s request spent in the edge in process, from hand-over to answer', async () => {
    const edge = { call: () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, headers: {}, body: Buffer.alloc(0) }), 15)) } as unknown as Edge;
    const listeners: InvocationListener[] = [];
    const watch = { listen: (l: InvocationListener) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) } as unknown as LambdaWatch;
    const timeline = new Timeline(new Agent(), watch);
    timeline.start();
    const began = performance.now();
    const answer = await new EdgeRequestHandler(edge).handle({ method: 'POST', hostname: '127.0.0.1', path: '/', headers: {}, body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = performance.now();
    for (const l of listeners) l({ name: 'tasks-notify', event: {}, started: began, ended: now, result: {} as never });
    const split = timeline.stop(1);
    expect(answer.response.statusCode).toBe(200);
    // The edge's 15 ms are the runtime's; the handler's own time is the rest of its run.
    expect(split.edge).toBeGreaterThanOrEqual(14);
    expect(split.edge).toBeLessThan(now - began - 9);
    expect(split.handlers).toBeCloseTo(now - began - split.edge, 5);
    expect(split.byFunction?.['tasks-notify']).toBeCloseTo(split.handlers, 5);
    // Once stopped, nothing more is recorded (the channel has no subscriber left).
    await new EdgeRequestHandler(edge).handle({ method: 'POST', hostname: '127.0.0.1', path: '/', headers: {}, body: '{}' });
    expect(timeline.stop(1).edge).toBe(split.edge);
  });
});
