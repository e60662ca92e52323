import { marshallItem, unmarshallItem, type AttributeMap, type DynamoDbJson } from '../dynamodb-json';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface MachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: number;
}

/** Where an execution stands, enough to carry it on after a restart. */
export interface Cursor {
  readonly stateName: string;
  /** The state's raw input, JSON. */
  readonly input: string;
}

/** A `.waitForTaskToken` task the execution is parked on. The token itself is never stored. */
export interface Parked {
  readonly stateName: string;
  readonly tokenHash: string;
  readonly deadline: number;
  readonly heartbeatSeconds?: number;
  readonly heartbeatDeadline?: number;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: string;
  readonly startDate: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly stopDate?: number;
  readonly redriveCount: number;
  readonly redriveDate?: number;
  readonly cursor?: Cursor;
  readonly parked?: Parked;
  /** Epoch ms a Wait state will end. */
  readonly waitUntil?: number;
}

/** What ListExecutions shows of an execution. */
export type ExecutionSummary = Pick<ExecutionRecord, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate' | 'redriveCount'>;
const SUMMARY_FIELDS: readonly (keyof ExecutionSummary)[] = ['executionArn', 'stateMachineArn', 'name', 'status', 'startDate', 'stopDate', 'redriveCount'];

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export type TokenStatus = 'PARKED' | 'DONE' | 'CLOSED';

/** A task token registered as a callback task parks (only its hash is stored). */
export interface StoredToken {
  readonly tokenHash: string;
  readonly executionArn: string;
  readonly stateName: string;
}

/**
 * The local Step Functions service keeps its machines, executions, history and task tokens in
 * DynamoDB Local (its own table), so `npm start` can stop and start again without losing them.
 */
export class SfnStore {
  /**
   * DynamoDB requests made by every store in this process, by operation (`PutItem`, …): the
   * bench counts the emulator's own storage apart from the application's (which the edge sees).
   */
  static readonly requests = new Map<string, number>();

  /** `client`: DynamoDB's JSON protocol straight to DynamoDB Local (dynamodb-json.ts: no SDK, the runtime's per-request cost). */
  constructor(private readonly client: DynamoDbJson, readonly tableName: string) {}

  /** One request, counted. */
  private send<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    SfnStore.requests.set(operation, (SfnStore.requests.get(operation) ?? 0) + 1);
    return this.client.send<T>(operation, input);
  }

  async ensureTable(): Promise<void> {
    try {
      await this.send('DescribeTable', { TableName: this.tableName });
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await this.send('CreateTable', {
        TableName: this.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      });
    }
  }

  async putMachine(machine: MachineRecord): Promise<void> {
    await this.send('PutItem', { TableName: this.tableName, Item: marshallItem({ pk: 'SM', sk: machine.arn, ...machine }) });
  }

  async getMachine(arn: string): Promise<MachineRecord | undefined> {
    const out = await this.send<{ Item?: AttributeMap }>('GetItem', { TableName: this.tableName, Key: marshallItem({ pk: 'SM', sk: arn }) });
    return out.Item ? strip<MachineRecord>(out.Item) : undefined;
  }

  async deleteMachine(arn: string): Promise<void> {
    await this.send('DeleteItem', { TableName: this.tableName, Key: marshallItem({ pk: 'SM', sk: arn }) });
  }

  async listMachines(): Promise<MachineRecord[]> {
    return this.queryAll<MachineRecord>('SM');
  }

  /** Creates the execution unless one of that name exists; returns the existing one then. */
  async createExecution(record: ExecutionRecord): Promise<ExecutionRecord | undefined> {
    try {
      await this.send('PutItem', {
        TableName: this.tableName,
        Item: marshallItem({ pk: execPk(record.stateMachineArn), sk: record.name, ...record }),
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return this.getExecution(record.stateMachineArn, record.name);
    }
  }

  async getExecution(machineArn: string, name: string): Promise<ExecutionRecord | undefined> {
    const out = await this.send<{ Item?: AttributeMap }>('GetItem', { TableName: this.tableName, Key: marshallItem({ pk: execPk(machineArn), sk: name }), ConsistentRead: true });
    return out.Item ? strip<ExecutionRecord>(out.Item) : undefined;
  }

  /** Sets fields (undefined removes a field). With `expectedStatus`, only from that status. */
  async updateExecution(
    machineArn: string,
    name: string,
    fields: Partial<Omit<ExecutionRecord, 'executionArn' | 'stateMachineArn' | 'name'>>,
    expectedStatus?: ExecutionStatus,
  ): Promise<boolean> {
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      names[`#${key}`] = key;
      if (value === undefined) remove.push(`#${key}`);
      else {
        set.push(`#${key} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    if (expectedStatus) {
      names['#expected'] = 'status';
      values[':expected'] = expectedStatus;
    }
    const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim();
    try {
      await this.send('UpdateItem', {
        TableName: this.tableName,
        Key: marshallItem({ pk: execPk(machineArn), sk: name }),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: marshallItem(values) } : {}),
        ConditionExpression: expectedStatus ? '#expected = :expected' : 'attribute_exists(pk)',
      });
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * A machine's executions, with only what ListExecutions shows of each (no input, output or
   * cursor: tens of thousands of executions are listed in seconds, not minutes).
   */
  async listExecutions(machineArn: string): Promise<ExecutionSummary[]> {
    return this.queryAll<ExecutionSummary>(execPk(machineArn), SUMMARY_FIELDS);
  }

  async runningExecutions(): Promise<ExecutionRecord[]> {
    const items: ExecutionRecord[] = [];
    let start: AttributeMap | undefined;
    do {
      const out = await this.send<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>('Scan', {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :ex) AND #status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshallItem({ ':ex': 'EX#', ':running': 'RUNNING' }),
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      items.push(...(out.Items ?? []).map((i) => strip<ExecutionRecord>(i)));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * One step's writes in one request: the history events gathered (`historyItems`: as few items
   * as the item size allows, usually one), then the execution record as it stands (written
   * whole: while an execution runs, its History is the record's only writer) and the task tokens
   * registered, in as few BatchWriteItem requests as DynamoDB allows (25 items each). The record
   * goes in the last batch, so a stored cursor never runs ahead of the stored history. Writing
   * the same items again is harmless (same keys; a step's events written again after a failure
   * start at the same event, so they overwrite the same item with the same events and perhaps
   * more).
   */
  async writeStep(executionArn: string, events: readonly HistoryEvent[], record?: ExecutionRecord, tokens: readonly StoredToken[] = []): Promise<void> {
    const items: Record<string, unknown>[] = historyItems(executionArn, events);
    for (const token of tokens) items.push({ pk: `TOK#${token.tokenHash}`, sk: 'T', executionArn: token.executionArn, stateName: token.stateName, status: 'PARKED' });
    if (record) items.push({ pk: execPk(record.stateMachineArn), sk: record.name, ...record });
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshallItem(item) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await this.send<{ UnprocessedItems?: Record<string, typeof requests> }>('BatchWriteItem', { RequestItems: { [this.tableName]: requests } });
        requests = out.UnprocessedItems?.[this.tableName] ?? [];
        if (requests.length && attempt > 20) throw new Error(`DynamoDB left ${requests.length} writes of ${executionArn} unprocessed`);
        if (requests.length) await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** An execution's history events, in order. */
  async history(executionArn: string): Promise<HistoryEvent[]> {
    const items = await this.queryAll<HistoryEvent | { events: string }>(historyPk(executionArn));
    // An item of one event: an event over the budget, or any event stored before 1 December 2026 (a store on disk may still hold them).
    return items.flatMap((item) => ('events' in item && typeof item.events === 'string' ? (JSON.parse(item.events) as HistoryEvent[]) : [item as HistoryEvent]));
  }

  async getToken(tokenHash: string): Promise<{ executionArn: string; stateName: string; status: TokenStatus; outcome?: string } | undefined> {
    const out = await this.send<{ Item?: AttributeMap }>('GetItem', { TableName: this.tableName, Key: marshallItem({ pk: `TOK#${tokenHash}`, sk: 'T' }), ConsistentRead: true });
    return out.Item ? strip(out.Item) : undefined;
  }

  /** Moves a token out of PARKED exactly once; false when it already was. */
  async closeToken(tokenHash: string, status: Exclude<TokenStatus, 'PARKED'>, outcome?: string): Promise<boolean> {
    try {
      // The outcome (SendTaskSuccess/Failure, JSON) is kept with the token: a runtime that dies
      // after accepting it and before the execution moved on hands it over when it starts again.
      await this.send('UpdateItem', {
        TableName: this.tableName,
        Key: marshallItem({ pk: `TOK#${tokenHash}`, sk: 'T' }),
        UpdateExpression: outcome === undefined ? 'SET #status = :status' : 'SET #status = :status, outcome = :outcome',
        ConditionExpression: '#status = :parked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshallItem({ ':status': status, ':parked': 'PARKED', ...(outcome === undefined ? {} : { ':outcome': outcome }) }),
      });
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Every item under `pk`; with `fields`, only those attributes of each. */
  private async queryAll<T>(pk: string, fields?: readonly string[]): Promise<T[]> {
    const items: T[] = [];
    let start: AttributeMap | undefined;
    do {
      const out = await this.send<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>('Query', {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshallItem({ ':pk': pk }),
        ...(fields ? { ProjectionExpression: fields.map((_, i) => `#f${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])) } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
        ConsistentRead: true,
      });
      items.push(...(out.Items ?? []).map((i) => strip<T>(i)));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** The most a history item of several events holds: their JSON in UTF-8 bytes (DynamoDB's item limit is 400 KB, keys and names included). */
export const HISTORY_ITEM_BYTES = 300_000;

/** A stored history item: several events as one JSON string, or one event as its own attributes. */
export type HistoryItem = { pk: string; sk: string; events: string } | ({ pk: string; sk: string } & HistoryEvent);

/**
 * An execution's events as items of the store: consecutive events together as one JSON string,
 * each item keyed by its first event's id (zero-padded, so items sort as events do) and at most
 * `HISTORY_ITEM_BYTES`. A step's events used to be an item each, 5 to 9 a step, and DynamoDB
 * Local's time for a write grows with its items (bench/README.md); no reader asks for one event
 * by key. An event larger than the budget keeps the one-event form, its strings stored raw: JSON
 * escapes them, and a 256 KB payload of quotes would pass DynamoDB's limit escaped.
 */
export function historyItems(executionArn: string, events: readonly HistoryEvent[]): HistoryItem[] {
  const pk = historyPk(executionArn);
  const sk = (id: number): string => String(id).padStart(8, '0');
  const items: HistoryItem[] = [];
  let run: string[] = [];
  let first = 0;
  /** The run's JSON in bytes: its brackets, and each event with its comma. */
  let bytes = 2;
  const close = (): void => {
    if (run.length) items.push({ pk, sk: sk(first), events: `[${run.join(',')}]` });
    run = [];
    bytes = 2;
  };
  for (const event of events) {
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + 1;
    if (size + 2 > HISTORY_ITEM_BYTES) {
      close();
      items.push({ pk, sk: sk(event.id), ...event });
      continue;
    }
    if (run.length && bytes + size > HISTORY_ITEM_BYTES) close();
    if (!run.length) first = event.id;
    run.push(json);
    bytes += size;
  }
  close();
  return items;
}

/** The id the next event of a stored history takes: after its last (ids are never reused, even past a gap a lost write left). */
export function nextEventId(events: readonly HistoryEvent[]): number {
  return (events.at(-1)?.id ?? 0) + 1;
}

function historyPk(executionArn: string): string {
  return `H#${executionArn}`;
}

function execPk(machineArn: string): string {
  return `EX#${machineArn}`;
}

function strip<T>(item: AttributeMap): T {
  const { pk: _pk, sk: _sk, ...rest } = unmarshallItem(item);
  return rest as T;
}
