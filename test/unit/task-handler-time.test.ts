import { describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { stillRunning, taskHandler } from '#shared/task';

describe('a task handler whose time runs out', () => {
  it('answers TimeoutError before the Lambda timeout, and from then its work is told it may no longer act', async () => {
    const deadline = Date.now() + 400;
    const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
    const seen: boolean[] = [];
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const handler = taskHandler(z.object({}), async (_input, ctx) => {
      const alive = stillRunning(ctx);
      seen.push(alive());
      // Longer than the time left: the work carries on after the answer, as in Lambda's process.
      await new Promise((resolve) => setTimeout(resolve, 320));
      seen.push(alive());
      finished();
      return 'done';
    });

    await expect(handler({}, context)).rejects.toMatchObject({ name: 'TimeoutError' });
    // Answered while the work was still under way.
    expect(seen).toEqual([true]);
    await done;
    expect(seen).toEqual([true, false]);
  });

  it('counts a context without a clock (a test’s, a container’s) as running', () => {
    expect(stillRunning({} as Context)()).toBe(true);
    expect(stillRunning({ getRemainingTimeInMillis: () => 251 } as Context)()).toBe(true);
    expect(stillRunning({ getRemainingTimeInMillis: () => 250 } as Context)()).toBe(false);
  });
});
