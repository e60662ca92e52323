import { jest } from '@jest/globals';
import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';

describe('lazy', () => {
  it('builds nothing at definition, nor when composed into another schema; builds once on first use', () => {
    let built = 0;
    const Item = lazy(() => {
      built += 1;
      return z.object({ id: z.string().check(z.minLength(2, 'must be at least 2 characters')), count: z._default(z.number(), 1) });
    });
    const Order = z.object({ first: Item, items: z.array(Item), maybe: z.optional(Item) });
    expect(built).toBe(0);

    expect(Item.parse({ id: 'ab' })).toEqual({ id: 'ab', count: 1 });
    expect(Order.parse({ first: { id: 'cd', count: 2 }, items: [{ id: 'ef' }] })).toEqual({ first: { id: 'cd', count: 2 }, items: [{ id: 'ef', count: 1 }] });
    expect(built).toBe(1);
  });

  it('is the schema for every reader: issues, paths, instanceof, keys, functional helpers', () => {
    const make = () => z.object({ id: z.string().check(z.minLength(2, 'must be at least 2 characters')) });
    const Item = lazy(make);
    const result = z.safeParse(z.object({ item: Item }), { item: { id: 'a' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['item.id', 'must be at least 2 characters']]);
    expect(Item).toBeInstanceOf(z.ZodMiniObject);
    expect('shape' in Item._zod.def).toBe(true);
    expect(Object.keys(Item)).toEqual(Object.keys(make()));
    expect(Item.parse).toBe(Item.parse);
    expect(z.partial(Item).parse({})).toEqual({});
  });

  it('builds again in no later read, and a failing build fails every read', () => {
    let built = 0;
    const table = lazy(() => {
      built += 1;
      return new Map([['a', 1]]);
    });
    expect(table.get('a')).toBe(1);
    expect(table.size).toBe(1);
    expect(built).toBe(1);

    const broken = lazy<{ x: number }>(() => {
      throw new Error('bad reference data');
    });
    expect(() => broken.x).toThrow('bad reference data');
    expect(() => broken.x).toThrow('bad reference data');
  });
});

describe('once', () => {
  it('makes the value on the first call only, also when it is undefined', () => {
    let made = 0;
    const value = once(() => {
      made += 1;
      return made > 1 ? 'again' : undefined;
    });
    expect(made).toBe(0);
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(made).toBe(1);
  });
});

describe('lazy, spied on', () => {
  it('gives a function set on the object (a spy) as it is', () => {
    class Greeter {
      #name = 'unit';
      greet(): string {
        return `hello ${this.#name}`;
      }
    }
    const greeter = lazy(() => new Greeter());
    expect(greeter.greet()).toBe('hello unit');
    const spy = jest.fn(() => 'spied');
    greeter.greet = spy;
    expect(greeter.greet).toBe(spy);
    expect(greeter.greet()).toBe('spied');
  });
});
