import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SearchRecordsWritten } from '#events/search-records-written';
import { putEvents } from '#shared/adapters/events';
import type { WrittenRecord } from '../use-cases/ingest';

/** Records per event (an event's detail holds up to 1,000; 500 ids of 128 characters stay far below EventBridge's 256 KB). */
const RECORDS_PER_EVENT = 500;

/** The events that tell which records search wrote: one per source and up to RECORDS_PER_EVENT records, each checked against its schema. */
export function writtenEntries(busName: string, written: readonly WrittenRecord[]): PutEventsRequestEntry[] {
  const bySource = new Map<string, { id: string; version: number }[]>();
  for (const { source, id, version } of written) {
    let records = bySource.get(source);
    if (!records) bySource.set(source, (records = []));
    records.push({ id, version });
  }
  return [...bySource].flatMap(([source, records]) =>
    Array.from({ length: Math.ceil(records.length / RECORDS_PER_EVENT) }, (_, i) => ({
      EventBusName: busName,
      Source: SearchRecordsWritten.source,
      DetailType: SearchRecordsWritten.detailType,
      Detail: JSON.stringify(SearchRecordsWritten.detail.parse({ version: '1', source, records: records.slice(i * RECORDS_PER_EVENT, (i + 1) * RECORDS_PER_EVENT) })),
      Resources: [],
    })),
  );
}

/**
 * Publishes SearchRecordsWritten on the bus for the records an ingest wrote. A refused entry
 * fails the call: the source's event is tried again, its changes skip as replays, and the
 * records are told again (a consumer keys on record and version).
 */
export const announceWritten =
  (busName: string) =>
  (written: readonly WrittenRecord[]): Promise<void> =>
    putEvents(writtenEntries(busName, written));
