import { connecticutDate } from '../../functions/shared/time';

describe('connecticutDate', () => {
  it.each([
    ['noon UTC', '2026-12-01T12:00:00.000Z', '2026-12-01'],
    ['9 p.m. EST, already tomorrow in UTC', '2026-12-02T02:00:00.000Z', '2026-12-01'],
    ['one minute before midnight EST', '2026-12-02T04:59:00.000Z', '2026-12-01'],
    ['midnight EST', '2026-12-02T05:00:00.000Z', '2026-12-02'],
    ['8 p.m. EDT in summer (UTC-4)', '2026-07-05T00:00:00.000Z', '2026-07-04'],
    ['midnight EDT', '2026-07-05T04:00:00.000Z', '2026-07-05'],
    ['New Year in UTC, still the old year in Hartford', '2027-01-01T03:00:00.000Z', '2026-12-31'],
  ])('%s: %s is %s in Connecticut', (_what, at, day) => {
    expect(connecticutDate(at)).toBe(day);
    expect(connecticutDate(new Date(at))).toBe(day);
  });
});
