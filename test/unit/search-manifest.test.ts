import { readFileSync } from 'node:fs';
import { SOURCES } from '../../functions/search/domain/sources';
import { matchesPattern } from '../../infra/local/event-pattern';
import { eventRules, schedules } from '../../infra/manifest';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../events/samples/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe("search ingestion's rules and schedule", () => {
  it('takes SearchRecordsChanged from every source that pushes, and from no other', () => {
    const pattern = eventRules['search-records-changed'].pattern;
    for (const source of SOURCES) {
      const event = { source: `ciss.search.${source.id}`, 'detail-type': 'SearchRecordsChanged', detail: { changes: [] } };
      expect({ source: source.id, matched: matchesPattern(pattern, event) }).toEqual({ source: source.id, matched: source.delivery.mode === 'events' && source.id !== 'ciss-arrests' });
    }
  });

  it('wakes the arrest indexer on AVAILABLE and adjudicated packets, and on the end of a packet execution (HISTORICAL publishes no event)', () => {
    expect(matchesPattern(eventRules['search-arrest-published'].pattern, sample('arrest-data-available'))).toBe(true);
    expect(matchesPattern(eventRules['search-arrest-published'].pattern, sample('arrest-packet-adjudicated'))).toBe(true);
    expect(matchesPattern(eventRules['search-arrest-published'].pattern, sample('arrest-packet-received'))).toBe(false);
    const ended = sample('tasks-execution-ended') as { detail: Record<string, unknown> };
    const historical = eventRules['search-arrest-historical'].pattern;
    expect(matchesPattern(historical, { ...ended, detail: { ...ended.detail, name: 'ap-3f9c2b7d1e4a5c6b7d8e9f01', status: 'SUCCEEDED' } })).toBe(true);
    expect(matchesPattern(historical, { ...ended, detail: { ...ended.detail, name: 'ap-3f9c2b7d1e4a5c6b7d8e9f01-v1-g2', status: 'SUCCEEDED' } })).toBe(true);
    expect(matchesPattern(historical, { ...ended, detail: { ...ended.detail, name: 'ap-3f9c2b7d1e4a5c6b7d8e9f01', status: 'FAILED' } })).toBe(false);
    expect(matchesPattern(historical, { ...ended, detail: { ...ended.detail, name: 'pkt-0001', status: 'SUCCEEDED' } })).toBe(false);
  });

  it("wakes dissemination on the records search wrote (SearchRecordsWritten) of a source a rule names, never on the source's own event, before they are in the index", () => {
    const rule = eventRules['dissemination-source-records'].pattern;
    const written = sample('search-records-written') as { detail: Record<string, unknown> };
    expect(matchesPattern(rule, written)).toBe(true);
    expect(matchesPattern(rule, { ...written, detail: { ...written.detail, source: 'jud-crmvs' } })).toBe(false);
    expect(matchesPattern(rule, { ...sample('search-records-changed'), source: 'ciss.search.jud-por' })).toBe(false);
    expect(matchesPattern(eventRules['search-records-changed'].pattern, written)).toBe(false);
  });

  it('polls at least as often as the most frequent poll or batch source asks', () => {
    const periods = SOURCES.filter((s) => s.delivery.mode !== 'events').map((s) => s.delivery.everyMinutes ?? 15);
    expect(schedules['search-poll'].everyMinutes).toBeLessThanOrEqual(Math.min(...periods));
  });
});
