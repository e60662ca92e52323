/**
 * The arrest workflow as a source: a packet enters search when it becomes AVAILABLE (step 6), and
 * is indexed again on adjudication and when it becomes HISTORICAL.
 *
 * 1. Read the packet as it now is (whatever event woke us: the event names it, the packet says).
 * 2. A packet not yet published (before AVAILABLE) is left out: the wider community may not read it.
 * 3. Otherwise it is ingested as the `ciss-arrests` source's record, mapped by that source's
 *    registry entry like any other; its version is the time of its last change (updatedAt, in
 *    milliseconds), so a late or repeated event never puts an older state back.
 */
import type { PacketRecord } from '../../arrests/adapters/packet-store';
import { PUBLISHED } from '../../arrests/domain/status';
import { ARRESTS_SOURCE, sourceOf } from '../domain/sources';
import { ingestFromSource, type IngestOutcome, type IngestPorts } from './ingest';

export interface IndexArrestPorts extends IngestPorts {
  readonly packet: (packetId: string) => Promise<PacketRecord | undefined>;
}

export type IndexArrestOutcome = { readonly indexed: false; readonly reason: 'absent' | 'not published' } | ({ readonly indexed: true } & IngestOutcome);

/** The packet as the ciss-arrests source delivers it: only what its fields map reads, and op/version. */
export function arrestChange(record: PacketRecord): Record<string, unknown> {
  return {
    op: 'upsert',
    version: Date.parse(record.updatedAt),
    packetId: record.packetId,
    status: record.status,
    ori: record.ori,
    incidentNumber: record.incidentNumber,
    docketNumber: record.docketNumber,
    dispositions: record.dispositions,
    packet: record.packet,
  };
}

export async function indexArrest(packetId: string, ports: IndexArrestPorts): Promise<IndexArrestOutcome> {
  const record = await ports.packet(packetId);
  if (!record) return { indexed: false, reason: 'absent' };
  if (!PUBLISHED.includes(record.status)) return { indexed: false, reason: 'not published' };
  const outcome = await ingestFromSource(sourceOf(ARRESTS_SOURCE)!, [arrestChange(record)], ports);
  return { indexed: true, ...outcome };
}
