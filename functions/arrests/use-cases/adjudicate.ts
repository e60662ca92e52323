import { Conflict, ValidationFailed } from '#shared/errors';
import { logger } from '#shared/observability';
import type { PacketRecord } from '../adapters/packet-store';
import type { Adjudication } from '../domain/adjudication';
import { summary, visiblePacket, type PacketSummary } from './packet';
import type { ArrestPorts, PacketRequest } from './ports';

export type { Adjudication } from '../domain/adjudication';

export type AdjudicatePorts = Pick<ArrestPorts, 'store' | 'events' | 'adjudication' | 'now' | 'apiUrl'>;

/**
 * POST /arrests/{packetId}/adjudication (Judicial), step 7.
 * 1. a packet the caller may see (404 otherwise), then the body
 * 2. the disposition of every charge, and of no other (400 naming each charge)
 * 3. already adjudicated: the same dispositions again are a retry (`changed: false`, and the
 *    waiting execution is woken if the first attempt stopped before it); others are 409
 * 4. only an AVAILABLE packet is adjudicated (409 otherwise)
 * 5. AVAILABLE → ADJUDICATED with the dispositions, one write with its audit event, on condition
 *    that the packet is as read in 1 (status, version, the waiting execution's token), and its event
 * 6. wake whichever execution waits (its sealed token, as read). If none waits at this moment (a
 *    continue-as-new in between), the next one finds the packet adjudicated and archives it.
 */
export async function adjudicatePacket(request: PacketRequest & { readonly body: () => Adjudication }, ports: AdjudicatePorts): Promise<{ changed: boolean; packet: PacketSummary }> {
  const packet = await visiblePacket(request, ports);
  const body = request.body();
  const actor = request.caller.username;
  const sequences = packet.packet.charges.map((c) => c.chargeSequenceID);
  const given = body.dispositions.map((d) => d.chargeSequenceID);
  const problems = [
    ...sequences.filter((s) => !given.includes(s)).map((s) => ({ field: 'dispositions', rule: `must give a disposition for the charge with chargeSequenceID ${s}` })),
    ...given.filter((s, i) => !sequences.includes(s) || given.indexOf(s) !== i).map((s) => ({ field: 'dispositions', rule: `must give each charge of this packet once; chargeSequenceID ${s} is not one of them, or is given twice` })),
  ];
  if (problems.length > 0) throw new ValidationFailed(problems);
  if (packet.status === 'ADJUDICATED' || packet.status === 'HISTORICAL') {
    if (JSON.stringify(packet.dispositions) !== JSON.stringify(body.dispositions)) throw new Conflict(`Packet ${packet.packetId} was already adjudicated on ${packet.adjudicatedAt ?? '?'}`);
    // A retry: the first attempt may have stopped before it woke the waiting execution.
    if (packet.status === 'ADJUDICATED') await wakeWaitingExecution(packet, body, packet.adjudicatedAt ?? ports.now(), actor, ports);
    return { changed: false, packet: summary(packet, ports.apiUrl) };
  }
  if (packet.status !== 'AVAILABLE') throw new Conflict(`Packet ${packet.packetId} is ${packet.status}: it can be adjudicated once it is AVAILABLE`);
  const now = ports.now();
  // On condition that the waiting execution is still the one read: the token woken below is then
  // the one on the packet when it became ADJUDICATED (a wait that registers later finds it so).
  const { packet: adjudicated } = await ports.store.transition(
    {
      packetId: packet.packetId,
      version: packet.version,
      to: 'ADJUDICATED',
      actor,
      set: { dispositions: body.dispositions, adjudicatedAt: now },
      details: { charges: body.dispositions.length },
      now,
      unchanged: ['sealedAdjudicationToken'],
    },
    packet,
  );
  await ports.events.publish(adjudicated, { dispositions: body.dispositions.map((d) => ({ chargeSequenceID: d.chargeSequenceID, disposition: d.disposition })) });
  await wakeWaitingExecution(adjudicated, body, now, actor, ports);
  return { changed: true, packet: summary(adjudicated, ports.apiUrl) };
}

/** Hands the adjudication to the execution that waits for it (its token as on the packet when read), if one waits. */
async function wakeWaitingExecution(waiting: PacketRecord, body: Adjudication, adjudicatedAt: string, adjudicatedBy: string, ports: Pick<AdjudicatePorts, 'adjudication'>): Promise<void> {
  const { packetId } = waiting;
  if (!waiting.sealedAdjudicationToken) return;
  const resumed = await ports.adjudication.resume(waiting.sealedAdjudicationToken, packetId, { dispositions: body.dispositions, adjudicatedAt, adjudicatedBy });
  if (!resumed) logger.warn('no execution waits for this adjudication now; the next one will archive the packet', { packetId });
}
