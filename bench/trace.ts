/**
 * `npm run bench -- trace`: every DynamoDB request of one arrest packet's and one access
 * request's whole life, in order, with the function that made it and the request units it
 * consumed: what the request counts of `npm run bench` are made of, step by step.
 *
 * The runtime is the bench's (embedded.ts): its own DynamoDB Local behind the recording pipe, a
 * manual clock, the drivers of arrests.ts and access.ts. One warm-up item each first; then one
 * item alone, recorded by the pipe and attributed by the Lambda invocations running when each
 * request reached the edge (one item alone: the steps run one after another). Units come from
 * replaying the recorded requests on renamed keys with ReturnConsumedCapacity (storage.ts).
 */
import { AccessDriver } from './access';
import { ArrestDriver } from './arrests';
import { sourceOf, tablesOf, type WireRequest } from './dynamo';
import { BenchRuntime, type WorkflowDriver } from './embedded';
import { StorageReplay } from './storage';
import { table } from './stats';

type Attr = Record<string, unknown>;

/** `pk/sk` of a key, ids shortened (the trace is read by a person). */
function keyText(key: Attr | undefined): string {
  if (!key) return '?';
  const value = (a: unknown): string => String((a as { S?: string; N?: string } | undefined)?.S ?? (a as { N?: string } | undefined)?.N ?? '?');
  const short = (s: string): string => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>').replace(/arn:aws:states:[^#]*/g, '<execution>').replace(/(AR|PK)-\d{8}-[0-9A-F]+/g, '<id>');
  return [key['pk'], key['sk']].filter((x) => x !== undefined).map((x) => short(value(x))).join(' / ');
}

/** What one request touches: its items' keys (a transaction's each, with what it does). */
export function describeRequest(request: WireRequest): string {
  const body = JSON.parse(request.body) as Attr;
  const item = (o: Attr | undefined): Attr | undefined => (o?.['Key'] as Attr | undefined) ?? (o?.['Item'] as Attr | undefined);
  if (request.operation === 'TransactWriteItems' || request.operation === 'TransactGetItems') {
    return ((body['TransactItems'] as Attr[] | undefined) ?? []).map((t) => Object.entries(t).map(([kind, inner]) => `${kind} ${keyText(item(inner as Attr))}`).join('')).join('; ');
  }
  if (request.operation === 'Query') return `${String(body['IndexName'] ?? 'table')} ${JSON.stringify(body['ExpressionAttributeValues'] ?? {}).slice(0, 80)}`;
  if (request.operation === 'BatchGetItem') {
    return Object.values((body['RequestItems'] as Record<string, { Keys?: Attr[] }> | undefined) ?? {}).flatMap((t) => (t.Keys ?? []).map((k) => `Get ${keyText(k)}`)).join('; ');
  }
  return keyText(item(body));
}

async function traceOne(bench: BenchRuntime, driver: WorkflowDriver): Promise<void> {
  await driver.init();
  await driver.finish(await driver.one('trace-warm'));
  await bench.quiesce();
  const who: string[] = [];
  const tap = bench.runtime.edge.taps.push((request) => {
    if (request.service === 'dynamodb') who.push([...bench.watch.running.keys()].join('+') || '(engine)');
    return undefined;
  });
  bench.pipe.record();
  const id = await driver.one('trace');
  await bench.quiesce();
  await driver.finish(id);
  await bench.quiesce();
  bench.runtime.edge.taps.splice(tap - 1, 1);
  const requests = bench.pipe.stop().filter((r) => r.operation && sourceOf(r.body, bench.emulatorTable) === 'application');
  const tables = new Set(requests.flatMap((r) => tablesOf(r.body)));
  const replay = new StorageReplay(bench.dynamo.port, requests, await StorageReplay.schemas(bench.dynamo.port, tables), `trace-${driver.workflow}-`);
  const units = await replay.capacityEach();
  replay.close();
  console.log(`\n== ${driver.workflow === 'arrest' ? 'Arrest packet' : 'Access request'} ${id}: ${requests.length} DynamoDB requests over its whole life${who.length === requests.length ? '' : ` (the edge saw ${who.length}: functions may be misattributed)`}`);
  console.log(
    table(
      ['#', 'function', 'operation', 'items (pk / sk)', 'RRU', 'WRU'],
      requests.map((r, i) => [i + 1, who[i] ?? '?', r.operation, describeRequest(r).slice(0, 140), units[i]?.readUnits ?? '-', units[i]?.writeUnits ?? '-']),
    ),
  );
  const sum = units.reduce((s, u) => ({ r: s.r + u.readUnits, w: s.w + u.writeUnits }), { r: 0, w: 0 });
  console.log(`Total: ${sum.r} RRU, ${sum.w} WRU${units.some((u) => u.error) ? `; replay errors: ${units.filter((u) => u.error).map((u) => u.error).join(' | ')}` : ''}`);
}

export async function trace(): Promise<void> {
  const bench = await BenchRuntime.start();
  try {
    await traceOne(bench, new ArrestDriver(bench));
    await traceOne(bench, new AccessDriver(bench));
  } finally {
    await bench.stop();
    await bench.stopDynamo();
  }
}
