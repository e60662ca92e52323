import { Clock } from '../../infra/local/clock';
import type { LocalLambda } from '../../infra/local/lambda';
import { schedules } from '../../infra/manifest';
import { LocalScheduler } from '../../infra/local/scheduler';

const START = Date.parse('2026-11-23T15:00:00.000Z');
const DAY = 24 * 3600_000;

/** The shortest schedule of the manifest; every other one is skipped. */
const [NAME, SPEC] = Object.entries(schedules).sort(([, a], [, b]) => a.everyMinutes - b.everyMinutes)[0]!;
const PERIOD = SPEC.everyMinutes * 60_000;
const OTHERS = new Set(Object.keys(schedules).filter((name) => name !== NAME));

/** A Lambda whose every run lasts `turns` turns of the event loop: longer than the clock lets a fired timer's work run. */
function slowLambda(turns: number): LocalLambda {
  const lambda = {
    invoke: async () => {
      for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
      return { payload: null };
    },
  };
  return lambda as unknown as LocalLambda;
}

describe('LocalScheduler on a manual clock', () => {
  it('makes up a jump with one run per schedule, even when the run ends before the jump does', async () => {
    const clock = new Clock({ mode: 'manual', start: START });
    const scheduler = new LocalScheduler(slowLambda(40), clock);
    // Other sleepers every minute of the day (Wait states, deadlines): the advance fires them one
    // by one, so the schedule's run ends while virtual time is still inside the jump.
    const others = Array.from({ length: 24 * 60 }, (_, i) => clock.sleep((i + 1) * 60_000));
    scheduler.start(OTHERS);

    await clock.advance(DAY);
    await Promise.all(others);
    await new Promise<void>((r) => setTimeout(r, 20));

    expect(scheduler.runs.map((r) => r.schedule)).toEqual([NAME]);
    expect(scheduler.runs[0]!.at).toBe(new Date(START + PERIOD).toISOString());

    // The next run comes a period after the jump's end, not earlier.
    await clock.advance(PERIOD - 1);
    await new Promise<void>((r) => setTimeout(r, 20));
    expect(scheduler.runs).toHaveLength(1);
    await clock.advance(1);
    // The run takes 40 turns of the event loop: on a loaded machine more than 20 ms, so wait for it (up to 2 s).
    for (let waited = 0; scheduler.runs.length < 2 && waited < 2_000; waited += 20) await new Promise<void>((r) => setTimeout(r, 20));
    expect(scheduler.runs).toHaveLength(2);
    expect(scheduler.runs[1]!.at).toBe(new Date(START + DAY + PERIOD).toISOString());

    await scheduler.stop();
  });

  it('runs every period while the clock moves a period at a time', async () => {
    const clock = new Clock({ mode: 'manual', start: START });
    const scheduler = new LocalScheduler(slowLambda(1), clock);
    scheduler.start(OTHERS);

    for (let i = 0; i < 3; i++) {
      await clock.advance(PERIOD);
      await new Promise<void>((r) => setTimeout(r, 20));
    }

    expect(scheduler.runs.map((r) => r.at)).toEqual([1, 2, 3].map((n) => new Date(START + n * PERIOD).toISOString()));
    await scheduler.stop();
  });
});
