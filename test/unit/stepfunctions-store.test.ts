import type { DynamoDbJson } from '../../infra/local/dynamodb-json';
import { marshallItem, unmarshallItem, type AttributeMap } from '../../infra/local/dynamodb-json';
import { HISTORY_ITEM_BYTES, SfnStore, historyItems, nextEventId, type ExecutionRecord, type HistoryEvent, type HistoryItem } from '../../infra/local/stepfunctions/store';

const ARN = 'arn:aws:states:us-east-1:000000000000:execution:m:e';

/** The events an item holds, in either form. */
function eventsOf(item: HistoryItem): HistoryEvent[] {
  if ('events' in item && typeof item.events === 'string') return JSON.parse(item.events) as HistoryEvent[];
  const { pk: _pk, sk: _sk, ...event } = item as { pk: string; sk: string } & HistoryEvent;
  return [event as HistoryEvent];
}

function event(id: number, input = `{"n":${id}}`): HistoryEvent {
  return { id, previousEventId: id - 1, timestamp: 1_764_547_200_000 + id, type: 'TaskStateEntered', stateEnteredEventDetails: { name: `S${id}`, input, inputDetails: { truncated: false } } };
}

/** A table of one key schema (pk, sk) that answers BatchWriteItem and Query as DynamoDB does, and counts requests. */
function tableStandIn(): { client: DynamoDbJson; items: Map<string, AttributeMap>; put: (item: AttributeMap) => void; requests: { operation: string; input: Record<string, unknown> }[] } {
  const items = new Map<string, AttributeMap>();
  const requests: { operation: string; input: Record<string, unknown> }[] = [];
  const key = (item: AttributeMap): string => `${JSON.stringify(item['pk'])}|${JSON.stringify(item['sk'])}`;
  const client = {
    async send(operation: string, input: Record<string, unknown>): Promise<unknown> {
      requests.push({ operation, input });
      if (operation === 'BatchWriteItem') {
        for (const writes of Object.values(input['RequestItems'] as Record<string, { PutRequest: { Item: AttributeMap } }[]>)) for (const w of writes) items.set(key(w.PutRequest.Item), w.PutRequest.Item);
        return {};
      }
      if (operation === 'Query') {
        const pk = JSON.stringify((input['ExpressionAttributeValues'] as AttributeMap)[':pk']);
        const found = [...items.entries()].filter(([k]) => k.startsWith(`${pk}|`)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
        return { Items: found };
      }
      throw new Error(`not in this stand-in: ${operation}`);
    },
  } as unknown as DynamoDbJson;
  return { client, items, put: (item) => items.set(key(item), item), requests };
}

describe('the local Step Functions store: history', () => {
  it('keeps a step’s events as one item, keyed by its first event, its events whole and in order', () => {
    const events = [3, 4, 5, 6, 7].map((id) => event(id));
    const items = historyItems(ARN, events);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pk: `H#${ARN}`, sk: '00000003' });
    expect(eventsOf(items[0] as HistoryItem)).toEqual(events);
  });

  it('starts another item before one would pass the item budget, counted in UTF-8 bytes', () => {
    const third = Math.floor(HISTORY_ITEM_BYTES / 3);
    // "é" is two bytes in UTF-8 and one character: a budget counted in characters would put all three together.
    const events = [1, 2, 3, 4].map((id) => event(id, 'é'.repeat(third / 2)));
    const items = historyItems(ARN, events);
    expect(items.map((i) => i.sk)).toEqual(['00000001', '00000003']);
    expect(items.map((i) => eventsOf(i).map((e) => e.id))).toEqual([[1, 2], [3, 4]]);
    for (const item of items) expect(Buffer.byteLength((item as { events: string }).events)).toBeLessThanOrEqual(HISTORY_ITEM_BYTES);
  });

  it('stores an event over the budget as an item of its own with its strings raw (escaped, a payload of quotes would double and pass DynamoDB’s 400 KB)', () => {
    const quotes = '"'.repeat(250_000);
    const events = [event(1), event(2, quotes), event(3)];
    const items = historyItems(ARN, events);
    expect(items.map((i) => i.sk)).toEqual(['00000001', '00000002', '00000003']);
    const big = items[1] as Record<string, unknown>;
    expect(big['events']).toBeUndefined();
    expect((big['stateEnteredEventDetails'] as { input: string }).input).toBe(quotes);
    expect(items.flatMap(eventsOf)).toEqual(events);
  });

  it('writes a step as one BatchWriteItem of its events’ item, its token and the record last, and reads the history back in order across steps', async () => {
    const { client, requests } = tableStandIn();
    const store = new SfnStore(client, 'sfn');
    const record = { executionArn: ARN, stateMachineArn: 'arn:m', name: 'e', status: 'RUNNING', input: '{}', startDate: 1, redriveCount: 0 } satisfies ExecutionRecord;
    const first = [1, 2, 3, 4].map((id) => event(id));
    const second = [5, 6, 7, 8, 9, 10].map((id) => event(id));
    await store.writeStep(ARN, first, record, [{ tokenHash: 'h1', executionArn: ARN, stateName: 'S4' }]);
    await store.writeStep(ARN, second, record);
    expect(requests.map((r) => r.operation)).toEqual(['BatchWriteItem', 'BatchWriteItem']);
    const written = (requests[0]?.input['RequestItems'] as Record<string, { PutRequest: { Item: AttributeMap } }[]>)['sfn'] ?? [];
    expect(written.map((w) => String(unmarshallItem(w.PutRequest.Item)['pk']))).toEqual([`H#${ARN}`, 'TOK#h1', 'EX#arn:m']);
    expect(await store.history(ARN)).toEqual([...first, ...second]);
  });

  it('writes a step again after a failure over the same item (its events and the ones since), never twice', async () => {
    const { client, items } = tableStandIn();
    const store = new SfnStore(client, 'sfn');
    await store.writeStep(ARN, [1, 2, 3].map((id) => event(id)));
    await store.writeStep(ARN, [1, 2, 3, 4, 5].map((id) => event(id)));
    expect(items.size).toBe(1);
    expect((await store.history(ARN)).map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('writes a step of several items again over the same items after a write that stored only some of them: no event twice', async () => {
    const { client, put } = tableStandIn();
    const half = Math.floor(HISTORY_ITEM_BYTES / 2);
    const first = [1, 2, 3].map((id) => event(id, 'x'.repeat(half - 200)));
    // The first attempt stored its second item (events 3…) and not its first (events 1–2), then failed.
    const [, second] = historyItems(ARN, first);
    put(marshallItem(second as Record<string, unknown>));
    const store = new SfnStore(client, 'sfn');
    await store.writeStep(ARN, [...first, event(4), event(5)]);
    expect((await store.history(ARN)).map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('numbers the next event after the last stored one, not after the count (a lost write leaves a gap)', () => {
    expect(nextEventId([])).toBe(1);
    expect(nextEventId([event(1), event(2), event(5)])).toBe(6);
  });

  it('still reads history kept an event to an item, as this store did before, beside items of several events', async () => {
    const { client, put } = tableStandIn();
    for (const e of [event(1), event(2)]) put(marshallItem({ pk: `H#${ARN}`, sk: String(e.id).padStart(8, '0'), ...e }));
    const store = new SfnStore(client, 'sfn');
    await store.writeStep(ARN, [3, 4].map((id) => event(id)));
    expect(await store.history(ARN)).toEqual([1, 2, 3, 4].map((id) => event(id)));
  });
});
