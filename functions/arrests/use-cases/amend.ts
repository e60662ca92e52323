import { AuditSubject } from '#shared/audit';
import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import { SUBJECT_TYPE } from '../adapters/packet-store';
import { actsFor } from '../domain/audience';
import { contentHash, executionNameOf, type ArrestPacket } from '../domain/packet';
import { AMENDABLE } from '../domain/status';
import { startExecution, summary, visiblePacket, type PacketSummary } from './packet';
import type { ArrestPorts, PacketRequest } from './ports';
import { checkOri } from './receive';

export type AmendPorts = Pick<ArrestPorts, 'store' | 'workflow' | 'events' | 'now' | 'apiUrl'>;

/**
 * POST /arrests/{packetId}/versions: a new version of a packet not yet accepted.
 * 1. the packet first: an id that names no packet the caller may see is 404, whatever the body
 *    (so the body is read only then); only the packet's own agency amends it (404 for others)
 * 2. the incident number stays the same (400): a different incident is a new packet
 * 3. the same content again → `changed: false` (a retry; the execution is started if it was not)
 * 4. only a packet not yet accepted can be amended (409)
 * 5. store version n+1 RECEIVED with its audit event; stop the old version's execution (its
 *    clerk task is cancelled), start the new one's, announce it
 */
export async function amendPacket(request: PacketRequest & { readonly body: () => ArrestPacket }, ports: AmendPorts): Promise<{ changed: boolean; packet: PacketSummary }> {
  const current = await visiblePacket(request, ports);
  const body = request.body();
  const { caller } = request;
  if (!actsFor(caller, current.ori)) throw new NotFound(`No arrest packet ${current.packetId}`);
  checkOri(caller, body);
  if (body.incidentNumber !== current.incidentNumber) {
    throw new ValidationFailed([{ field: 'incidentNumber', rule: `must stay ${current.incidentNumber}: a different incident is a new packet (POST /arrests)` }]);
  }
  const hash = contentHash(body);
  if (hash === current.contentHash) {
    if (current.status === 'RECEIVED') await startExecution(current, ports);
    return { changed: false, packet: summary(current, ports.apiUrl) };
  }
  if (!AMENDABLE.includes(current.status)) throw new Conflict(`Packet ${current.packetId} is ${current.status}: only a packet not yet accepted can be amended`);
  const version = current.version + 1;
  const amended = await ports.store.amend(
    current,
    body,
    hash,
    executionNameOf(current.packetId, version),
    {
      type: 'ArrestPacketReceived',
      outcome: 'success',
      actor: caller.username,
      component: 'arrests',
      subject: AuditSubject.of(SUBJECT_TYPE, current.packetId),
      source: request.source,
      details: { from: current.status, to: 'RECEIVED', version },
    },
    ports.now(),
  );
  await ports.workflow.stop(current.executionName, `Superseded by version ${version}`);
  await startExecution(amended, ports);
  await ports.events.publish(amended);
  return { changed: true, packet: summary(amended, ports.apiUrl) };
}
