/**
 * functions/shared/time.ts is imported by every function, so what it makes at import every cold
 * start pays. A formatter with a time zone loads ICU's zone data: made at import, it took
 * 30–35 ms of each function's module load (issue 19's goal is +20 ms in all).
 */
import { jest } from '@jest/globals';

describe('functions/shared/time.ts', () => {
  it('makes no time-zone formatter at import; the first Connecticut date makes it, once', async () => {
    const made = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      const { connecticutDate } = await import('../../functions/shared/time');
      expect(made).not.toHaveBeenCalled();

      expect(connecticutDate('2026-12-02T01:00:00Z')).toBe('2026-12-01');
      expect(connecticutDate('2026-07-01T12:00:00Z')).toBe('2026-07-01');
      expect(made).toHaveBeenCalledTimes(1);
    } finally {
      made.mockRestore();
    }
  });
});
