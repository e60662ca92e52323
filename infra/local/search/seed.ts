/**
 * `npm run search:seed -- --people 100000 [--seed N] [--edge URL] [--stage local]`: makes the
 * simulator's world of that many synthetic people and ingests every source's records into the
 * running local runtime's search database, through the edge's RDS Data API (the same statements
 * the functions run, search_apply in batches, as the ingest user), with a progress line on stderr.
 *
 * The seed ingests directly rather than through EventBridge: a batch per call of search_apply
 * either way, without a Lambda invocation and an event per batch in between, so 100,000 people
 * take minutes. The events path is the same use case (functions/search/ingest.ts) and has its
 * own test. Erasures and seals the world holds are audited in the runtime's audit table, as the
 * functions audit them.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { parseArgs } from 'node:util';
import { Progress } from '../../../bench/progress';
import { DataApiEngine } from '../../../functions/search/adapters/data-api';
import { sourceOf } from '../../../functions/search/domain/sources';
import type { IngestOutcome } from '../../../functions/search/use-cases/ingest';
import { ingestFromSource, recordDelivery } from '../../../functions/search/use-cases/ingest';
import { LOCAL_REGION } from '../lambda';
import { localSearchDbArn, localSearchDbSecretArn } from './names';
import { simulate } from './simulator';


const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    edge: { type: 'string', default: process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566' },
    stage: { type: 'string', default: 'local' },
    batch: { type: 'string', default: '2000' },
  },
});
const people = Number(values.people);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
if (!Number.isInteger(people) || people < 1) throw new Error('--people must be a whole number of people, at least 1');
if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');

// The runtime's names (infra/local/runtime.ts), and its audit table through the same edge.
const prefix = `ciss-${values.stage}`;
Object.assign(process.env, { AWS_ENDPOINT_URL: values.edge, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AUDIT_TABLE_NAME: process.env['AUDIT_TABLE_NAME'] ?? `${prefix}-audit` });
const { recordAudit } = await import('../../../functions/shared/audit');
const engine = new DataApiEngine(new RDSDataClient({ endpoint: values.edge, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), {
  SEARCH_DB_ARN: localSearchDbArn(values.stage),
  SEARCH_DB_SECRET_ARN: localSearchDbSecretArn(values.stage, 'ingest'),
  SEARCH_DB_NAME: 'ciss_search',
});
// Large batches: a bulk load makes few, big calls (the Data API takes up to 4 MiB a request).
const ports = { engine, audit: recordAudit, batchSize, batchBytes: 2 * 1024 * 1024, actor: 'search-seed' };

const totals = { records: 0, applied: 0, skipped: 0, removed: 0, rejected: 0 };
const buffers = new Map<string, unknown[]>();
let inFlight: Promise<void> = Promise.resolve();

/** Sends a source's buffered changes; at most one call in flight while the next batch is made. */
async function flush(source: string): Promise<void> {
  const changes = buffers.get(source) ?? [];
  if (changes.length === 0) return;
  buffers.set(source, []);
  await inFlight;
  inFlight = ingestFromSource(sourceOf(source)!, changes, ports).then((o: IngestOutcome) => {
    totals.records += changes.length;
    totals.applied += o.applied;
    totals.skipped += o.skipped;
    totals.removed += o.removed;
    totals.rejected += o.rejected.length;
  });
}

const progress = new Progress({ label: `search:seed ${people.toLocaleString('en-US')} people (seed ${seed})`, total: people, unit: 'people', note: () => `${totals.applied.toLocaleString('en-US')} records applied` });
const started = Date.now();
let done = 0;
for (const part of simulate({ seed, people })) {
  for (const d of part.deliveries) {
    const buffer = buffers.get(d.source) ?? [];
    buffer.push(d.change);
    buffers.set(d.source, buffer);
    if (buffer.length >= batchSize) await flush(d.source);
  }
  progress.update(++done);
}
for (const source of [...buffers.keys()]) await flush(source);
await inFlight;
const at = new Date().toISOString();
for (const source of buffers.keys()) await recordDelivery(engine, source, { ok: true }, at);
progress.finish();
const seconds = (Date.now() - started) / 1000;
console.log(
  `search:seed: ${people.toLocaleString('en-US')} people, ${totals.records.toLocaleString('en-US')} changes in ${seconds.toFixed(1)} s (${Math.round(totals.records / seconds).toLocaleString('en-US')} changes/s): ` +
    `${totals.applied.toLocaleString('en-US')} applied, ${totals.skipped.toLocaleString('en-US')} skipped, ${totals.removed.toLocaleString('en-US')} removed, ${totals.rejected} rejected`,
);
