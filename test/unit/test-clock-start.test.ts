import { jest } from '@jest/globals';
import { testClockStart } from '../target';

/** CISS_E2E_CLOCK_START: where an e2e test's runtime clock starts, to run a test at the hour it would fail. */
describe('the e2e clock start', () => {
  afterEach(() => jest.useRealTimers());

  it('is now (undefined) when not set', () => {
    expect(testClockStart(undefined)).toBeUndefined();
    expect(testClockStart('')).toBeUndefined();
  });

  it('takes an ISO 8601 date-time as it is', () => {
    expect(testClockStart('2026-12-31T23:30:00Z')).toBe(Date.parse('2026-12-31T23:30:00Z'));
    expect(testClockStart('2026-12-31T18:30:00-05:00')).toBe(Date.parse('2026-12-31T23:30:00Z'));
  });

  it('takes a UTC time of day on today’s UTC date', () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-30T10:00:00Z'), doNotFake: ['setTimeout', 'setImmediate', 'setInterval', 'nextTick', 'queueMicrotask'] });
    expect(testClockStart('23:59:30')).toBe(Date.parse('2026-11-30T23:59:30Z'));
    expect(testClockStart('22:30')).toBe(Date.parse('2026-11-30T22:30:00Z'));
    expect(testClockStart('00:15Z')).toBe(Date.parse('2026-11-30T00:15:00Z'));
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => testClockStart('tomorrow')).toThrow(/CISS_E2E_CLOCK_START=tomorrow/);
  });
});
