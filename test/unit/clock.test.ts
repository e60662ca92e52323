import { Clock } from '../../infra/local/clock';

const START = Date.parse('2026-11-23T15:00:00.000Z');

/** Records the order in which sleepers wake. */
function sleepers(clock: Clock, delays: readonly number[]) {
  const woke: number[] = [];
  const done = delays.map((ms) => clock.sleep(ms).then(() => woke.push(ms)));
  return { woke, done };
}

describe('Clock', () => {
  describe('manual mode', () => {
    it('stands still until advanced', async () => {
      const clock = new Clock({ mode: 'manual', start: START });

      await new Promise((r) => setTimeout(r, 20));

      expect(clock.now()).toBe(START);
      expect(clock.nowIso()).toBe('2026-11-23T15:00:00.000Z');
    });

    it('moves forward by exactly the amount advanced', async () => {
      const clock = new Clock({ mode: 'manual', start: START });

      await clock.advance(90_000);

      expect(clock.now()).toBe(START + 90_000);
    });

    it('fires due timers in time order, whatever order they were set in', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      const { woke } = sleepers(clock, [3_000, 1_000, 2_000]);

      await clock.advance(3_000);

      expect(woke).toEqual([1_000, 2_000, 3_000]);
    });

    it('fires only the timers that are due and leaves the rest pending', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      const { woke } = sleepers(clock, [1_000, 5_000, 60_000]);

      await clock.advance(4_999);

      expect(woke).toEqual([1_000]);
      expect(clock.pending()).toEqual([START + 5_000, START + 60_000]);
    });

    it('shows a sleeper the time it asked for when it wakes', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      let seen = 0;
      const done = clock.sleep(1_500).then(() => (seen = clock.now()));

      await clock.advance(10_000);
      await done;

      expect(seen).toBe(START + 1_500);
      expect(clock.now()).toBe(START + 10_000);
    });

    it('fires a timer set by a woken sleeper within the same advance when it falls due', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      const woke: string[] = [];
      void clock.sleep(1_000).then(async () => {
        woke.push('first');
        await clock.sleep(1_000);
        woke.push('second');
      });

      await clock.advance(2_000);

      expect(woke).toEqual(['first', 'second']);
    });

    it('resolves at once a sleep until a moment already past', async () => {
      const clock = new Clock({ mode: 'manual', start: START });

      await clock.sleepUntil(START - 1);

      expect(clock.pending()).toEqual([]);
    });

    it('releases a sleeper when its signal aborts, without moving time', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      const abort = new AbortController();
      const sleeping = clock.sleep(60_000, abort.signal);

      abort.abort();
      await sleeping;

      expect(clock.pending()).toEqual([]);
      expect(clock.now()).toBe(START);
    });

    it('does not sleep at all on an already aborted signal', async () => {
      const clock = new Clock({ mode: 'manual', start: START });

      await clock.sleep(60_000, AbortSignal.abort());

      expect(clock.pending()).toEqual([]);
    });

    it('dispose releases every sleeper', async () => {
      const clock = new Clock({ mode: 'manual', start: START });
      const { woke, done } = sleepers(clock, [1_000, 86_400_000]);

      clock.dispose();
      await Promise.all(done);

      expect(woke.sort((a, b) => a - b)).toEqual([1_000, 86_400_000]);
      expect(clock.pending()).toEqual([]);
    });
  });

  describe('real mode', () => {
    it('follows wall time from the start it was given', () => {
      const before = Date.now();
      const clock = new Clock({ start: START });

      expect(clock.mode).toBe('real');
      expect(clock.now() - START).toBeGreaterThanOrEqual(0);
      expect(clock.now() - START).toBeLessThanOrEqual(Date.now() - before + 1);
    });

    it('scaled by 1000, finishes a 1000 ms virtual sleep in a few real milliseconds', async () => {
      const clock = new Clock({ scale: 1000 });
      const started = performance.now();

      await clock.sleep(1_000);

      expect(performance.now() - started).toBeLessThan(500);
    });

    it('scaled by 1000, does not wake a sleeper before its virtual time', async () => {
      const clock = new Clock({ scale: 1000 });
      const target = clock.now() + 2_000;

      await clock.sleepUntil(target);

      expect(clock.now()).toBeGreaterThanOrEqual(target);
    });

    it('refuses to be advanced', async () => {
      const clock = new Clock({ mode: 'real' });

      await expect(clock.advance(1_000)).rejects.toThrow('Only a manual clock can be advanced');
    });

    it('dispose releases a sleeper that would otherwise wait a day', async () => {
      const clock = new Clock();
      const sleeping = clock.sleep(86_400_000);

      clock.dispose();
      await sleeping;

      expect(clock.pending()).toEqual([]);
    });
  });

  it.each([0, -1, Number.NaN])('refuses a scale of %p', (scale) => {
    expect(() => new Clock({ scale })).toThrow('Clock scale must be a positive number');
  });
});
