import { AuditSubject } from '#shared/audit';
import { agencyOf } from '../domain/registry';
import type { AgencyStates } from '../ports';

export type ConnectOutcome = { readonly connected: true; readonly ori: string; readonly at: string } | { readonly connected: false; readonly reason: 'not in the registry' | 'already connected' };

/**
 * An agency's RMS sent a packet (ArrestPacketReceived, only an agency-rms client may send one):
 * the agency is live from then.
 * 1. an ORI outside the registry is left alone (said in the log)
 * 2. an agency this warm function has seen connected is left alone without a request:
 *    `connectedAt` is never unset, so the conditional write could only fail again
 * 3. the first packet sets `connectedAt` (when it was received) with `AgencyConnected`, once;
 *    later packets, and a repeated event, change nothing
 */
export async function connectAgency(
  input: { readonly ori: string; readonly packetId: string; readonly receivedAt: string },
  ports: { readonly states: AgencyStates; /** ORIs seen connected by this warm function (kept between invocations). */ readonly seen?: Set<string> },
): Promise<ConnectOutcome> {
  const agency = agencyOf(input.ori);
  if (!agency) return { connected: false, reason: 'not in the registry' };
  if (ports.seen?.has(agency.ori)) return { connected: false, reason: 'already connected' };
  const recorded = await ports.states.connected(agency.ori, input.receivedAt, input.packetId, {
    type: 'AgencyConnected',
    outcome: 'success',
    actor: 'system',
    component: 'agencies',
    subject: AuditSubject.of('agency', agency.ori),
    details: { packetId: input.packetId, kind: agency.kind },
  });
  ports.seen?.add(agency.ori);
  return recorded ? { connected: true, ori: agency.ori, at: input.receivedAt } : { connected: false, reason: 'already connected' };
}
