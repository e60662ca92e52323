import { ANALYZE_BASE, ANALYZE_SCALE, AnalyzePolicy, changedRows } from '../../infra/local/search/analyze';

describe('the local search database analyzes itself, as autovacuum would', () => {
  it('counts the records search_apply applied or removed, from its outcome as text or as JSON, by row or by column', () => {
    const outcome = JSON.stringify({ applied: 480, removed: 12, skipped: 8, removals: [] });
    expect(changedRows('SELECT search_apply($1::jsonb)::text AS outcome', { rows: [{ outcome }] })).toBe(492);
    expect(changedRows('SELECT search_apply($1::jsonb)::text AS outcome', { rows: [[outcome]] })).toBe(492);
    expect(changedRows('SELECT search_apply($1::jsonb) AS outcome', { rows: [{ outcome: { applied: 3, removed: 0 } }] })).toBe(3);
    expect(changedRows('SELECT search_apply($1::jsonb)', { rows: [] })).toBe(0);
  });

  it('counts the rows a plain write to a search table changed, and nothing for reads or the query log', () => {
    expect(changedRows('DELETE FROM search_record WHERE source = $1', { rows: [], affectedRows: 7 })).toBe(7);
    expect(changedRows('INSERT INTO search_name SELECT * FROM x', { rows: [], affectedRows: 70 })).toBe(70);
    expect(changedRows('INSERT INTO search_query (query_id) VALUES ($1)', { rows: [], affectedRows: 1 })).toBe(0);
    expect(changedRows('SELECT * FROM search_record', { rows: [{}, {}], affectedRows: 0 })).toBe(0);
  });

  it('is due once ANALYZE_BASE + ANALYZE_SCALE × the rows last counted have changed, and starts again after an ANALYZE', () => {
    const policy = new AnalyzePolicy();
    policy.add(ANALYZE_BASE - 1);
    expect(policy.due()).toBe(false);
    policy.add(1);
    expect(policy.due()).toBe(true);
    policy.analyzed(100_000);
    expect(policy.due()).toBe(false);
    policy.add(ANALYZE_BASE + ANALYZE_SCALE * 100_000 - 1);
    expect(policy.due()).toBe(false);
    policy.add(1);
    expect(policy.due()).toBe(true);
  });
});
