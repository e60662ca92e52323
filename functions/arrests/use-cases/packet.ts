import { AuditSubject } from '#shared/audit';
import { CLERK_REVIEW } from '../domain/review';
import { NotFound } from '#shared/errors';
import { correlate } from '#shared/observability';
import { SUBJECT_TYPE, type PacketRecord } from '../adapters/packet-store';
import { maySee } from '../domain/audience';
import { CURRENT_STEP } from '../domain/status';
import type { ArrestPorts, PacketRequest } from './ports';

/** Absolute, as an access request's is: a client follows it as it is. */
export const statusUrl = (apiUrl: string, packetId: string): string => `${apiUrl}/arrests/${packetId}`;

/** A packet as every arrests answer sums it up. */
export function summary(p: PacketRecord, apiUrl: string) {
  return { packetId: p.packetId, version: p.version, status: p.status, currentStep: CURRENT_STEP[p.status], ori: p.ori, incidentNumber: p.incidentNumber, receivedAt: p.receivedAt, updatedAt: p.updatedAt, statusUrl: statusUrl(apiUrl, p.packetId) };
}
export type PacketSummary = ReturnType<typeof summary>;

/**
 * A packet the caller may see, or 404 exactly as for a missing one.
 * 1. a malformed id cannot name a packet: answered as a missing one, without reading the table
 *    (and audited without it: a path value of any length is not an id to keep)
 * 2. another agency's (or court's) packet and a missing one are both audited, alike: the same
 *    answer, the same work
 */
export async function visiblePacket(request: PacketRequest, ports: Pick<ArrestPorts, 'store'>): Promise<PacketRecord> {
  const { packetId, caller } = request;
  const packet = packetId ? await ports.store.get(packetId) : undefined;
  if (packet && maySee(caller, packet)) return packet;
  await ports.store.audit({
    type: 'ArrestPacketRead',
    outcome: packet ? 'denied' : 'failure',
    actor: caller.username,
    component: 'arrests',
    subject: AuditSubject.of(SUBJECT_TYPE, packetId ?? '(malformed)'),
    source: request.source,
    details: { route: request.resource },
  });
  throw new NotFound(packetId ? `No arrest packet ${packetId}` : 'No such arrest packet');
}

/**
 * The largest packet (its JSON) an execution carries in its input; a larger one (up to
 * MAX_PACKET_BYTES) is read by the steps that need it, well inside Step Functions' 256 KB.
 */
export const CARRIED_PACKET_BYTES = 64 * 1024;

/**
 * Starts the packet version's execution (a retried start is the same one), with the packet as
 * stored, so that validating and transmitting it read nothing (its input is ours, never a caller's).
 */
export async function startExecution(packet: PacketRecord, ports: Pick<ArrestPorts, 'workflow'>): Promise<void> {
  correlate({ packetId: packet.packetId });
  const carried = Buffer.byteLength(JSON.stringify(packet.packet)) <= CARRIED_PACKET_BYTES ? { packet: packet.packet, ori: packet.ori, incidentNumber: packet.incidentNumber } : {};
  const executionArn = await ports.workflow.start(packet.executionName, { packetId: packet.packetId, version: packet.version, ...carried, review: CLERK_REVIEW });
  correlate({ executionArn });
}
