import { fillKey, isRouteStatement, misspell, plainAscii, queriesFor, relevanceOf, replayOrder, spread } from '../../bench/search';
import { Rng, simulatePerson } from '../../infra/local/search/simulator';

describe('the search bench’s measures', () => {
  it('scores precision at 5 over the hits returned and recall at 10 over at most ten of the person’s records', () => {
    const relevant = new Set(['a', 'b', 'c']);
    expect(relevanceOf(['a', 'x', 'b', 'y', 'z', 'c'], relevant)).toEqual({ precisionAt5: 2 / 5, recallAt10: 1 });
    expect(relevanceOf(['a'], relevant)).toEqual({ precisionAt5: 1, recallAt10: 1 / 3 });
    expect(relevanceOf([], relevant)).toEqual({ precisionAt5: 0, recallAt10: 0 });
    const many = new Set(Array.from({ length: 12 }, (_, i) => `r${i}`));
    expect(relevanceOf([...many].slice(0, 10), many).recallAt10).toBe(1);
  });

  it('misspells a name by one slip, the same way for the same seed', () => {
    const a = misspell('Kowalczyk', new Rng(3));
    expect(a).not.toBe('Kowalczyk');
    expect(Math.abs(a.length - 'Kowalczyk'.length)).toBeLessThanOrEqual(1);
    expect(misspell('Kowalczyk', new Rng(3))).toBe(a);
    expect(misspell('Li', new Rng(3))).toBe('Li');
  });

  it('types a name as plain letters: no accents, apostrophes or hyphens', () => {
    expect(plainAscii("O'Brien-Núñez")).toBe('OBrien Nunez');
    expect(plainAscii('Zoë')).toBe('Zoe');
  });

  it('labels each query with the person it is about, and always asks a misspelt name (with and without the date of birth) and a transposed one', () => {
    const { person } = simulatePerson(8, 12);
    const cases = queriesFor(person, new Rng(1));
    expect(cases.every((c) => c.personId === person.id)).toBe(true);
    expect(cases.map((c) => c.kind)).toEqual(expect.arrayContaining(['typo', 'name-only', 'transposed']));
    const [y, m, d] = person.dob.split('-');
    expect(cases.find((c) => c.kind === 'transposed')?.q).toBe(`${person.last} ${person.first} ${m}/${d}/${y}`);
    expect(cases.find((c) => c.kind === 'name-only')?.q).not.toContain(y);
  });

  it("replays every statement the route sent, its query-log insert under a new id, the candidate queries at once as the route sends them", () => {
    const name = { sql: 'SELECT n.source FROM (SELECT n.* FROM search_name n WHERE true) n', params: { l: 'smith' } };
    const ids = { sql: 'SELECT i.source FROM search_identifier i JOIN search_record r ON true', params: { ids: 'x' } };
    const detail = { sql: "SELECT r.source FROM search_record r JOIN unnest(string_to_array(:k_sources, ' ')) AS k(source) ON true", params: { k_sources: 'a' } };
    const link = { sql: 'WITH link AS (SELECT 1) SELECT 1', params: {} };
    const log = { sql: 'INSERT INTO search_query (query_id) VALUES (:id)', params: { id: 'sq-1' } };
    expect([name, ids, detail, link, log].map((s) => isRouteStatement(s.sql))).toEqual([true, true, true, true, true]);
    expect(isRouteStatement('INSERT INTO search_record (source) VALUES (1)')).toBe(false);
    expect(replayOrder([name, ids, detail, link, log], '-r1')).toEqual({ together: [name, ids], after: [detail, link, { sql: log.sql, params: { id: 'sq-1-r1' } }] });
    expect(replayOrder([name, log], '-r2')).toEqual({ together: [name], after: [{ sql: log.sql, params: { id: 'sq-1-r2' } }] });
  });

  it('times at most so many queries, evenly spread over the set', () => {
    expect(spread(5, 200)).toEqual([0, 1, 2, 3, 4]);
    expect(spread(10, 4)).toEqual([0, 2, 5, 7]);
    expect(new Set(spread(741, 200)).size).toBe(200);
    expect(Math.max(...spread(741, 200))).toBeLessThan(741);
  });

  it('keeps a fill per seed, volume and what makes its rows; a new index alone does not make it again', () => {
    const schema = ['CREATE TABLE IF NOT EXISTS t (a int)', 'CREATE INDEX IF NOT EXISTS t_a ON t (a)'];
    const key = fillKey(8, 1000, schema, ['simulator v1']);
    expect(fillKey(8, 1000, schema, ['simulator v1'])).toBe(key);
    expect(fillKey(9, 1000, schema, ['simulator v1'])).not.toBe(key);
    expect(fillKey(8, 2000, schema, ['simulator v1'])).not.toBe(key);
    expect(fillKey(8, 1000, schema, ['simulator v2'])).not.toBe(key);
    expect(fillKey(8, 1000, [schema[0]!, 'CREATE TABLE IF NOT EXISTS u (b int)'], ['simulator v1'])).not.toBe(key);
    expect(fillKey(8, 1000, [...schema, 'CREATE INDEX IF NOT EXISTS t_b ON t (b)'], ['simulator v1'])).toBe(key);
  });
});
