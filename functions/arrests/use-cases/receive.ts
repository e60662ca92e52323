import { AuditSubject } from '#shared/audit';
import { Conflict, Forbidden } from '#shared/errors';
import { SUBJECT_TYPE, type PacketRecord } from '../adapters/packet-store';
import { contentHash, executionNameOf, packetIdOf, type ArrestPacket } from '../domain/packet';
import { startExecution, statusUrl, summary, type PacketSummary } from './packet';
import type { ArrestPorts, ArrestRequest } from './ports';

export type ReceivePorts = Pick<ArrestPorts, 'store' | 'workflow' | 'events' | 'packetIdKey' | 'now' | 'apiUrl'>;

/** The packet is for the caller's own agency, or the caller may not send it (403). */
export function checkOri(caller: ArrestRequest['caller'], packet: ArrestPacket): void {
  if (!caller.ori) throw new Forbidden('Your token names no agency (ORI)');
  if (packet.agency.ori !== caller.ori) throw new Forbidden(`The packet's agency.ori ${packet.agency.ori} is not your agency (${caller.ori})`);
}

/**
 * POST /arrests: an agency's RMS sends a packet (the body already checked against the schema).
 * 1. refuse one for another agency (403)
 * 2. derive the packet id from (ORI, incident number); store version 1 RECEIVED, once
 * 3. the same packet again → `created: false` with its id; a different one under the key → 409
 * 4. start the execution under a name derived from the packet (a retried start is the same one),
 *    and announce the packet
 */
export async function receivePacket(request: ArrestRequest & { readonly body: ArrestPacket }, ports: ReceivePorts): Promise<{ created: boolean; packet: PacketSummary }> {
  const { body, caller } = request;
  checkOri(caller, body);
  const packetId = packetIdOf(await ports.packetIdKey(), body.agency.ori, body.incidentNumber);
  const hash = contentHash(body);
  const now = ports.now();
  const record: PacketRecord = {
    packetId,
    version: 1,
    status: 'RECEIVED',
    ori: body.agency.ori,
    incidentNumber: body.incidentNumber,
    contentHash: hash,
    packet: body,
    receivedAt: now,
    updatedAt: now,
    executionName: executionNameOf(packetId, 1),
  };
  const created = await ports.store.create(record, {
    type: 'ArrestPacketReceived',
    outcome: 'success',
    actor: caller.username,
    component: 'arrests',
    subject: AuditSubject.of(SUBJECT_TYPE, packetId),
    source: request.source,
    details: { from: null, to: 'RECEIVED', version: 1 },
  });
  if (!created) {
    const existing = await ports.store.mustGet(packetId);
    const versions = await ports.store.versions(packetId);
    const same = versions.find((v) => v.contentHash === hash);
    if (!same) {
      const url = statusUrl(ports.apiUrl, packetId);
      throw new Conflict(`Agency ${body.agency.ori} already sent incident ${body.incidentNumber} as packet ${packetId} (${url}) with different content; send a change as a new version, POST ${url}/versions`);
    }
    // A retry: the first attempt may have stopped between storing and starting, or before it
    // announced the packet (its execution may be well on by now). Events are at least once, and
    // consumers key on packet, version and status, so the retry announces the packet again:
    // a repeated event is harmless, a lost one is not.
    if (existing.status === 'RECEIVED') await startExecution(existing, ports);
    await ports.events.publish({ ...existing, version: same.version, status: 'RECEIVED', updatedAt: same.receivedAt });
    return { created: false, packet: summary(existing, ports.apiUrl) };
  }
  await startExecution(record, ports);
  await ports.events.publish(record);
  return { created: true, packet: summary(record, ports.apiUrl) };
}
