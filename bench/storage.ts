/**
 * The storage ceiling: the very DynamoDB requests one item (packet, request) made on its
 * automated path, recorded by the pipe, issued again straight at the same DynamoDB Local, one
 * copy per item, each copy's requests in their recorded order, copies in a closed loop at the
 * level's concurrency. Written keys are renamed per copy (dynamo.ts) so each copy's conditional
 * writes meet the item states the original met. No runtime, no Lambda, no engine: what DynamoDB
 * Local alone allows on this machine.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';
import { consumedUnits, kindOf, rewriteKeys, writtenKeyValues, type KeySchemas, type WireRequest } from './dynamo';
import { pool, summarize, type Summary } from '../drive/stats';

export interface StorageResult {
  readonly requestsPerItem: number;
  readonly concurrency: number;
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly transactionsPerSecond: number;
  readonly latencyMs: Summary;
  /** Answers other than 200 (a condition that failed, a throttle): should be 0. */
  readonly errors: number;
  readonly firstError?: string;
}

/** One closed-loop run of copies: each copy's latency (ms), the run's length, and the answers other than 200. */
export interface ReplayRun {
  readonly latencies: readonly number[];
  readonly seconds: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** Capacity units one copy consumed, as DynamoDB Local reports them (ReturnConsumedCapacity). */
export interface Capacity {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly errors: readonly string[];
}

export class StorageReplay {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private copy = 0;

  /**
   * @param name unique per replay in one DynamoDB Local: copies are suffixed `<name><n>`, so two
   * replays of overlapping requests never meet each other's items.
   */
  constructor(
    private readonly port: number,
    private readonly requests: readonly WireRequest[],
    private readonly schemas: KeySchemas,
    private readonly name: string,
  ) {}

  /** Key schemas of every table the recorded requests name, asked of DynamoDB Local. */
  static async schemas(port: number, tables: Iterable<string>): Promise<KeySchemas> {
    const out: Record<string, string[]> = {};
    const agent = new Agent();
    for (const table of tables) {
      const res = await send(port, agent, 'DescribeTable', JSON.stringify({ TableName: table }), {});
      const parsed = JSON.parse(res.body) as { Table?: { KeySchema?: { AttributeName: string }[] } };
      out[table] = (parsed.Table?.KeySchema ?? []).map((k) => k.AttributeName);
    }
    agent.destroy();
    return out;
  }

  private bodies(extra: Record<string, unknown> = {}): string[] {
    const written = writtenKeyValues(this.requests, this.schemas);
    const suffix = `${this.name}${this.copy++}`;
    return this.requests.map((r) => {
      const body = rewriteKeys(r, this.schemas, written, suffix);
      return Object.keys(extra).length ? JSON.stringify({ ...(JSON.parse(body) as object), ...extra }) : body;
    });
  }

  /** One copy with ReturnConsumedCapacity: TOTAL; sums what it consumed. */
  async capacity(): Promise<Capacity> {
    const bodies = this.bodies({ ReturnConsumedCapacity: 'TOTAL' });
    let readUnits = 0;
    let writeUnits = 0;
    const errors: string[] = [];
    for (const [i, r] of this.requests.entries()) {
      const res = await send(this.port, this.agent, r.operation, bodies[i] ?? '', r.headers);
      if (res.status !== 200) {
        errors.push(`${r.operation} ${res.status} ${res.body.slice(0, 200)}`);
        continue;
      }
      const u = consumedUnits(res.body, kindOf(r.operation));
      readUnits += u.read;
      writeUnits += u.write;
    }
    return { readUnits, writeUnits, errors };
  }

  /** One copy with ReturnConsumedCapacity: TOTAL; what each request consumed, in order. */
  async capacityEach(): Promise<{ readUnits: number; writeUnits: number; error?: string }[]> {
    const bodies = this.bodies({ ReturnConsumedCapacity: 'TOTAL' });
    const out: { readUnits: number; writeUnits: number; error?: string }[] = [];
    for (const [i, r] of this.requests.entries()) {
      const res = await send(this.port, this.agent, r.operation, bodies[i] ?? '', r.headers);
      if (res.status !== 200) {
        out.push({ readUnits: 0, writeUnits: 0, error: `${r.operation} ${res.status} ${res.body.slice(0, 200)}` });
        continue;
      }
      const u = consumedUnits(res.body, kindOf(r.operation));
      out.push({ readUnits: u.read, writeUnits: u.write });
    }
    return out;
  }

  /** Replays `items` copies at `concurrency`; `onDone` hears each copy finish. */
  async level(concurrency: number, items: number, onDone?: (done: number) => void): Promise<StorageResult> {
    return this.result(concurrency, [await this.copies(concurrency, items, onDone)]);
  }

  /**
   * Replays `items` copies at `concurrency`, closed loop, each copy's requests in order; `onDone`
   * hears each copy finish. One run of a ceiling that may be measured in parts (`result`).
   */
  async copies(concurrency: number, items: number, onDone?: (done: number) => void): Promise<ReplayRun> {
    const copies = Array.from({ length: items }, () => this.bodies());
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const start = performance.now();
    await pool(items, concurrency, async (i) => {
      const t0 = performance.now();
      const bodies = copies[i] ?? [];
      for (const [j, r] of this.requests.entries()) {
        const res = await send(this.port, this.agent, r.operation, bodies[j] ?? '', r.headers);
        if (res.status !== 200) {
          errors++;
          firstError ??= `${r.operation} #${j}: ${res.body.slice(0, 200)}`;
        }
      }
      latencies.push(performance.now() - t0);
      onDone?.(latencies.length);
    });
    return { latencies, seconds: (performance.now() - start) / 1000, errors, ...(firstError ? { firstError } : {}) };
  }

  /** One ceiling from one or more runs at `concurrency` (the bench's: one just before a level and one just after it). */
  result(concurrency: number, runs: readonly ReplayRun[]): StorageResult {
    const items = runs.reduce((n, r) => n + r.latencies.length, 0);
    const seconds = runs.reduce((n, r) => n + r.seconds, 0);
    const transactions = this.requests.filter((r) => kindOf(r.operation) === 'transaction').length;
    const firstError = runs.find((r) => r.firstError)?.firstError;
    return {
      requestsPerItem: this.requests.length,
      concurrency,
      items,
      seconds,
      itemsPerSecond: items / seconds,
      requestsPerSecond: (items * this.requests.length) / seconds,
      transactionsPerSecond: (items * transactions) / seconds,
      latencyMs: summarize(runs.flatMap((r) => r.latencies)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      ...(firstError ? { firstError } : {}),
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One DynamoDB JSON request over keep-alive HTTP, signed headers as recorded (DynamoDB Local does not verify them). */
function send(port: number, agent: Agent, operation: string, body: string, recorded: Readonly<Record<string, string>>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          authorization: recorded['authorization'] ?? 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': recorded['x-amz-date'] ?? '20260101T000000Z',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
