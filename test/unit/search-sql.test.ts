import fc from 'fast-check';
import { toPositional } from '../../infra/local/search/sql';

describe('toPositional: the Data API named parameters as PostgreSQL positional ones', () => {
  it('numbers each name once, in order of first use, and keeps casts, quotes and dollar quotes', () => {
    const out = toPositional(`SELECT :b::date, ':a' AS "x:y", $$ :a $$, :a, :b`, { a: 1, b: '1990-01-02' });
    expect(out).toEqual({ text: `SELECT $1::date, ':a' AS "x:y", $$ :a $$, $2, $1`, values: ['1990-01-02', 1], names: ['b', 'a'] });
  });

  it('writes a parameter with a cast (the Data API typeHint) as CAST', () => {
    expect(toPositional('SELECT :d, :d', { d: '2020-01-01' }, { d: 'date' }).text).toBe('SELECT CAST($1 AS date), CAST($1 AS date)');
  });

  it('reads a statement once, and gives each call its own values (and its own missing name) from it', () => {
    const sql = 'SELECT :a, :b::int, :a';
    expect(toPositional(sql, { a: 'x', b: 1 })).toEqual({ text: 'SELECT $1, $2::int, $1', values: ['x', 1], names: ['a', 'b'] });
    expect(toPositional(sql, { a: 'y', b: 2 })).toEqual({ text: 'SELECT $1, $2::int, $1', values: ['y', 2], names: ['a', 'b'] });
    expect(() => toPositional(sql, { a: 'z' })).toThrow('SQL parameter :b has no value');
    expect(toPositional(sql, { a: 'x', b: '2' }, { b: 'date' }).text).toBe('SELECT $1, CAST($2 AS date)::int, $1');
  });

  it('names a parameter that has no value, even one named like an object property', () => {
    expect(() => toPositional('SELECT :missing', {})).toThrow('SQL parameter :missing has no value');
    expect(() => toPositional('SELECT :constructor', {})).toThrow('SQL parameter :constructor has no value');
  });

  it('gives as many values as distinct names used, each its own', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 6 }), (names) => {
        const params = Object.fromEntries(names.map((n, i) => [n, i]));
        const out = toPositional(`SELECT ${names.map((n) => `:${n}`).join(', ')}`, params);
        expect(out.values).toEqual(names.map((_, i) => i));
        expect(out.names).toEqual(names);
      }),
    );
  });
});
