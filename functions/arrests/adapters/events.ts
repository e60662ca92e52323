import type * as z from 'zod/mini';
import { ArrestDataAvailable } from '#events/arrest-data-available';
import { ArrestPacketAccepted } from '#events/arrest-packet-accepted';
import { ArrestPacketAdjudicated } from '#events/arrest-packet-adjudicated';
import { ArrestPacketReceived } from '#events/arrest-packet-received';
import { ArrestPacketRejected } from '#events/arrest-packet-rejected';
import { ArrestPacketReturned } from '#events/arrest-packet-returned';
import { ArrestPacketTransmitted } from '#events/arrest-packet-transmitted';
import { ArrestPacketValidated } from '#events/arrest-packet-validated';
import { putEvents } from '#shared/adapters/events';
import type { PacketStatus } from '../domain/status';
import type { PacketRecord } from './packet-store';

interface EventDefinition {
  readonly source: string;
  readonly detailType: string;
  readonly detail: z.ZodMiniType;
}

/** The event each status change publishes (the timeout of a clerk review and the archive publish none). */
const EVENTS: Partial<Record<PacketStatus, EventDefinition>> = {
  RECEIVED: ArrestPacketReceived,
  VALIDATED: ArrestPacketValidated,
  REJECTED: ArrestPacketRejected,
  ACCEPTED: ArrestPacketAccepted,
  RETURNED: ArrestPacketReturned,
  TRANSMITTED: ArrestPacketTransmitted,
  AVAILABLE: ArrestDataAvailable,
  ADJUDICATED: ArrestPacketAdjudicated,
};

/** What a status event says of the packet: the workflow carries it, so a step need not read the packet for it. */
export type StatusEventSubject = Pick<PacketRecord, 'packetId' | 'version' | 'ori' | 'incidentNumber' | 'status' | 'updatedAt'>;

/** Whether a status change publishes an event at all. */
export const publishes = (status: PacketStatus): boolean => EVENTS[status] !== undefined;

/**
 * Publishes the event of a packet's status change on the bus, checked against its schema first
 * (a malformed event fails here, not in a consumer). A retried step publishes again: consumers
 * key on packetId, packetVersion and status.
 */
export async function publishStatusEvent(busName: string, packet: StatusEventSubject, extra: Record<string, unknown> = {}): Promise<void> {
  const definition = EVENTS[packet.status];
  if (!definition) return;
  const detail = definition.detail.parse({
    version: '1',
    packetId: packet.packetId,
    packetVersion: packet.version,
    ori: packet.ori,
    incidentNumber: packet.incidentNumber,
    status: packet.status,
    occurredAt: packet.updatedAt,
    ...extra,
  });
  await putEvents([{ EventBusName: busName, Source: definition.source, DetailType: definition.detailType, Detail: JSON.stringify(detail), Resources: [] }]);
}

/** The status events as the use cases see them (use-cases/ports.ts): published on this bus. */
export const statusEvents = (busName: string) => ({ publish: (packet: PacketRecord, extra?: Record<string, unknown>) => publishStatusEvent(busName, packet, extra) });
