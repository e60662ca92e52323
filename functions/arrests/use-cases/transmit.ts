import type { PacketRecord, PacketStore } from '../adapters/packet-store';
import { CmsRejected, CmsUnavailable, type Cms } from '../adapters/cms';
import { executionNameOf } from '../domain/packet';

export interface TransmitPorts {
  readonly store: Pick<PacketStore, 'mustGet' | 'transition'>;
  readonly cms: Cms;
  /** Announces the packet's new status (its event on the bus). */
  readonly announce: (packet: PacketRecord, detail: { docketNumber: string }) => Promise<void>;
  /** Counts one failed attempt to reach or satisfy CMS (the on-call metric). */
  readonly countFailure: () => void;
  readonly now: () => string;
}

/**
 * Step 4, DCJ takes the packet into its CMS.
 * 1. load the accepted packet (already TRANSMITTED → its docket, nothing sent again)
 * 2. send it to CMS with the packet version as the idempotency key: a retry, or a redrive after
 *    CMS was down, gets the same docket and leaves one copy in CMS; each failed attempt is
 *    counted, so on-call sees CMS trouble while the machine is still retrying
 * 3. record TRANSMITTED with the docket number (on condition that the packet is still as read in
 *    1: no second read), and announce it
 */
export async function transmit(input: { readonly packetId: string; readonly version: number }, ports: TransmitPorts): Promise<{ docketNumber: string }> {
  const { packetId, version } = input;
  const current = await ports.store.mustGet(packetId);
  if (current.status === 'TRANSMITTED' && current.version === version && current.docketNumber) return { docketNumber: current.docketNumber };

  let docketNumber: string;
  try {
    docketNumber = await ports.cms.intake({ packetId, packetVersion: version, ori: current.ori, incidentNumber: current.incidentNumber, packet: current.packet }, executionNameOf(packetId, version));
  } catch (error) {
    if (error instanceof CmsUnavailable || error instanceof CmsRejected) ports.countFailure();
    throw error;
  }
  const { packet } = await ports.store.transition({ packetId, version, to: 'TRANSMITTED', actor: 'dcj-cms', set: { docketNumber }, details: { docketNumber }, now: ports.now() }, current);
  await ports.announce(packet, { docketNumber });
  return { docketNumber };
}
