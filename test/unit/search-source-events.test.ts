import type { Clock } from '../../infra/local/clock';
import { LocalEventBridge } from '../../infra/local/eventbridge';
import type { LocalLambda } from '../../infra/local/lambda';
import { localSourceAccessKeyId, mayPutEventSource } from '../../infra/local/search/names';

const BUS = 'ciss-unit-bus';
const changed = (source: string) => ({ EventBusName: BUS, Source: source, DetailType: 'SearchRecordsChanged', Detail: JSON.stringify({ changes: [{ op: 'erase', version: 2, docketNo: 'H14H-CR25-0000001-S' }] }) });

describe("a CISS Search source puts only its own events on the bus (the bus policy's local equivalent)", () => {
  const invoked: string[] = [];
  const lambda = { invoke: async (target: string) => (invoked.push(target), {}), arnOf: (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}` } as unknown as LocalLambda;
  const clock = { now: () => Date.parse('2026-11-30T10:00:00Z') } as unknown as Clock;
  const bridge = new LocalEventBridge(BUS, lambda, clock);
  afterEach(() => void (invoked.length = 0));

  it("accepts ciss.search.<id> from source <id>'s own key and delivers it to search-ingest", async () => {
    const out = await bridge.handle('PutEvents', { Entries: [changed('ciss.search.jud-crmvs')] }, { accessKeyId: localSourceAccessKeyId('jud-crmvs') });
    expect(out).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    await bridge.idle();
    expect(invoked).toEqual(['search-ingest']);
  });

  it("refuses another source's ciss.search.<id>, and the application's own key putting any ciss.search.<id>, as EventBridge refuses a source (NotAuthorizedForSourceException)", async () => {
    const out = await bridge.handle('PutEvents', { Entries: [changed('ciss.search.jud-crmvs')] }, { accessKeyId: localSourceAccessKeyId('jud-por') });
    expect(out).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: expect.any(String) }] });
    const unsigned = await bridge.handle('PutEvents', { Entries: [changed('ciss.search.jud-crmvs')] });
    expect(unsigned).toMatchObject({ FailedEntryCount: 1 });
    const app = await bridge.handle('PutEvents', { Entries: [changed('ciss.search.rms-incidents')] }, { accessKeyId: 'local' });
    expect(app).toMatchObject({ FailedEntryCount: 1 });
    await bridge.idle();
    expect(invoked).toEqual([]);
  });

  it("keeps a source's key to its own source: not the arrest workflow's events, nor another application source", () => {
    const key = { accessKeyId: localSourceAccessKeyId('rms-incidents') };
    expect(mayPutEventSource(key, 'ciss.search.rms-incidents')).toBe(true);
    expect(mayPutEventSource(key, 'ciss.arrests')).toBe(false);
    expect(mayPutEventSource(key, 'ciss.search.rms-incidents-2')).toBe(false);
    expect(mayPutEventSource({ accessKeyId: 'local' }, 'ciss.arrests')).toBe(true);
  });
});
