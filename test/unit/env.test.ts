import * as z from 'zod';
import { loadEnv, nonEmpty } from '#shared/env';

const shape = { TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty, RETRIES: z.coerce.number().int().default(3) };

describe('loadEnv', () => {
  it('returns the variables it was asked for, parsed', () => {
    const env = loadEnv(shape, { TABLE_NAME: 'ciss-main', EVENT_BUS_NAME: 'ciss-bus', RETRIES: '5', UNRELATED: 'x' });

    expect(env).toEqual({ TABLE_NAME: 'ciss-main', EVENT_BUS_NAME: 'ciss-bus', RETRIES: 5 });
  });

  it('names a missing variable in the error', () => {
    expect(() => loadEnv(shape, { TABLE_NAME: 'ciss-main' })).toThrow(/Invalid environment: .*EVENT_BUS_NAME/);
  });

  it('names an empty variable and not the ones that are fine', () => {
    const load = () => loadEnv(shape, { TABLE_NAME: '', EVENT_BUS_NAME: 'ciss-bus' });

    expect(load).toThrow(/TABLE_NAME/);
    expect(load).not.toThrow(/EVENT_BUS_NAME/);
  });

  it('names every bad variable at once', () => {
    expect(() => loadEnv(shape, { RETRIES: 'many' })).toThrow(/(?=.*TABLE_NAME)(?=.*EVENT_BUS_NAME)(?=.*RETRIES)/);
  });
});
