import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { SearchRecordSchema } from '../../functions/search/domain/record';

describe('a schema built on first use (lazy)', () => {
  it('is built on the first read of one of its properties, once, and composing it builds nothing', () => {
    let made = 0;
    const Name = lazy(() => {
      made++;
      return z.object({ last: z.string().check(z.minLength(1)) });
    });
    const Person = z.object({ name: Name, aliases: z.optional(z.array(Name)) });
    expect(made).toBe(0);
    expect(Person.parse({ name: { last: 'Smith' }, aliases: [{ last: 'Smyth' }] })).toEqual({ name: { last: 'Smith' }, aliases: [{ last: 'Smyth' }] });
    expect(Name.safeParse({ last: '' }).success).toBe(false);
    expect(made).toBe(1);
  });

  it('checks as the schema itself: defaults, the rule broken and where', () => {
    const parsed = SearchRecordSchema.safeParse({ source: 'dmv-licences', id: 'L1', version: 1, kind: 'licence', title: 'Driver licence L1' });
    expect(parsed.data).toEqual({ source: 'dmv-licences', id: 'L1', version: 1, kind: 'licence', title: 'Driver licence L1', identifiers: {}, juvenile: false, fields: [] });
    const bad = SearchRecordSchema.safeParse({ source: 'DMV', id: 'L1', version: 1, kind: 'licence', title: 'x' });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['source', 'must be a source id: lower-case letters, digits and -']]);
    expect(SearchRecordSchema instanceof Object && '_zod' in SearchRecordSchema).toBe(true);
  });
});
