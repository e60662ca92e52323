import * as z from 'zod';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';

const shape = { TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty, RETRIES: z.coerce.number().int().default(3) };

describe('loadEnv', () => {
  it('returns the variables it was asked for, parsed', () => {
    const env = loadEnv(shape, { TABLE_NAME: 'ciss-main', EVENT_BUS_NAME: 'ciss-bus', RETRIES: '5', UNRELATED: 'x' });

    expect(env).toEqual({ TABLE_NAME: 'ciss-main', EVENT_BUS_NAME: 'ciss-bus', RETRIES: 5 });
  });

  it('names a missing variable in the error', () => {
    expect(() => loadEnv(shape, { TABLE_NAME: 'ciss-main' })).toThrow(/Invalid environment: .*EVENT_BUS_NAME/);
  });

  it('says a missing or empty required variable is required', () => {
    expect(() => loadEnv({ EVENT_BUS_NAME: nonEmpty }, {})).toThrow('Invalid environment: EVENT_BUS_NAME: is required');
    expect(() => loadEnv({ EVENT_BUS_NAME: nonEmpty }, { EVENT_BUS_NAME: '' })).toThrow('Invalid environment: EVENT_BUS_NAME: is required');
  });

  it('names an empty variable and not the ones that are fine', () => {
    const load = () => loadEnv(shape, { TABLE_NAME: '', EVENT_BUS_NAME: 'ciss-bus' });

    expect(load).toThrow(/TABLE_NAME/);
    expect(load).not.toThrow(/EVENT_BUS_NAME/);
  });

  it('names every bad variable at once, in the order they were asked for', () => {
    const load = () => loadEnv({ RETRIES: shape.RETRIES, TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty }, { RETRIES: 'many' });

    expect(load).toThrow(/RETRIES: .*; TABLE_NAME: is required; EVENT_BUS_NAME: is required$/);
  });

  it('gives an optional variable as it is set, or undefined', () => {
    expect(loadEnv({ PORTAL_URL: optionalText }, { PORTAL_URL: 'https://portal.example.gov' })).toEqual({ PORTAL_URL: 'https://portal.example.gov' });
    expect(loadEnv({ PORTAL_URL: optionalText }, {}).PORTAL_URL).toBeUndefined();
  });
});
