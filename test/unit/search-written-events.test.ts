import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { SearchRecordsWritten } from '../../events/search-records-written';
import { announceWritten, writtenEntries } from '../../functions/search/adapters/written-events';

const BUS = 'ciss-test-bus';
const written = (source: string, n: number) => Array.from({ length: n }, (_, i) => ({ source, id: `R-${i}`, version: i + 1 }));
const details = (entries: { Detail?: string }[]) => entries.map((e) => JSON.parse(e.Detail!) as { source: string; records: { id: string }[] });

describe('SearchRecordsWritten: the records search wrote, told on the bus', () => {
  const bridge = mockClient(EventBridgeClient);
  afterEach(() => {
    bridge.reset();
  });

  it('is one event per source and up to 500 records, ids and versions only, each passing its schema', () => {
    const entries = writtenEntries(BUS, [...written('jud-por', 1001), ...written('jud-crmvs', 2)]);
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual(Array(4).fill([BUS, 'ciss.search', 'SearchRecordsWritten']));
    expect(details(entries).map((d) => [d.source, d.records.length])).toEqual([
      ['jud-por', 500],
      ['jud-por', 500],
      ['jud-por', 1],
      ['jud-crmvs', 2],
    ]);
    expect(details(entries)[0]).toEqual({ version: '1', source: 'jud-por', records: written('jud-por', 500).map(({ id, version }) => ({ id, version })) });
    for (const d of details(entries)) expect(SearchRecordsWritten.detail.safeParse(d).success).toBe(true);
    expect(() => writtenEntries(BUS, [{ source: 'jud-por', id: '', version: 1 }])).toThrow();
  });

  it('puts at most ten entries a call, and fails when EventBridge refuses one (the source event is tried again)', async () => {
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await announceWritten(BUS)([...Array.from({ length: 11 }, (_, i) => written(`src-${i}`, 1)[0]!)]);
    expect(bridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 1]);
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(announceWritten(BUS)(written('jud-por', 1))).rejects.toThrow(/EventBridge refused SearchRecordsWritten: \["InternalFailure"\]/);
  });
});
