import { AuditSubject } from '#shared/audit';
import { withMessage } from '#shared/messages';
import { SUBJECT_TYPE } from '../adapters/packet-store';
import { seesExecutions } from '../domain/audience';
import { chargesInWords } from '../domain/charges';
import { summary, visiblePacket } from './packet';
import type { ArrestPorts, PacketRequest } from './ports';

export type ReadPorts = Pick<ArrestPorts, 'store' | 'apiUrl'> & { readonly workflow: Pick<ArrestPorts['workflow'], 'executionArn'> };

/**
 * GET /arrests/{packetId}: the packet, where it stands, and its timeline.
 * 1. a packet the caller may see (404 otherwise, audited)
 * 2. its timeline (its audit trail, reads left out) and its versions
 * 3. the read is audited
 * 4. the executions are shown to every caller but one only of the community
 */
export async function readPacket(request: PacketRequest, ports: ReadPorts) {
  const packet = await visiblePacket(request, ports);
  const [trail, versions] = await Promise.all([ports.store.timeline(packet.packetId), ports.store.versions(packet.packetId)]);
  await ports.store.audit({
    type: 'ArrestPacketRead',
    outcome: 'success',
    actor: request.caller.username,
    component: 'arrests',
    subject: AuditSubject.of(SUBJECT_TYPE, packet.packetId),
    source: request.source,
    details: { status: packet.status },
  });
  const timeline = trail
    .filter((e) => e['type'] !== 'ArrestPacketRead')
    .map((e) => ({ at: e['at'], type: e['type'], actor: e['actor'], outcome: e['outcome'], details: e['details'] ?? {} }));
  return {
    ...summary(packet, ports.apiUrl),
    problems: (packet.problems ?? []).map(withMessage),
    warnings: (packet.warnings ?? []).map(withMessage),
    charges: chargesInWords(packet.packet),
    decidedBy: packet.decidedBy ?? null,
    returnReason: packet.returnReason ?? null,
    docketNumber: packet.docketNumber ?? null,
    agencyNotifiedAt: packet.agencyNotifiedAt ?? null,
    dispositions: packet.dispositions ?? null,
    adjudicatedAt: packet.adjudicatedAt ?? null,
    packet: packet.packet,
    versions,
    timeline,
    ...(seesExecutions(request.caller) ? { execution: { current: ports.workflow.executionArn(packet.executionName), waitingForAdjudication: packet.waitingExecutionArn ?? null } } : {}),
  };
}
