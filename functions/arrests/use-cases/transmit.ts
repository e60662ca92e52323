import type { PacketStore } from '../adapters/packet-store';
import type { StatusEventSubject } from '../adapters/events';
import type { CarriedPacket } from './validate';
import { CmsRejected, CmsUnavailable, type Cms } from '../adapters/cms';
import { executionNameOf } from '../domain/packet';

export interface TransmitPorts {
  readonly store: Pick<PacketStore, 'mustGet' | 'transition' | 'changeStatus'>;
  readonly cms: Cms;
  /** Announces the packet's new status (its event on the bus). */
  readonly announce: (packet: StatusEventSubject, detail: { docketNumber: string }) => Promise<void>;
  /** Counts one failed attempt to reach or satisfy CMS (the on-call metric). */
  readonly countFailure: () => void;
  readonly now: () => string;
}

/**
 * Step 4, DCJ takes the packet into its CMS.
 * 1. the accepted packet as the execution carries it; else read (already TRANSMITTED → its
 *    docket, nothing sent again)
 * 2. send it to CMS with the packet version as the idempotency key: a retry, or a redrive after
 *    CMS was down, gets the same docket and leaves one copy in CMS; each failed attempt is
 *    counted, so on-call sees CMS trouble while the machine is still retrying
 * 3. record TRANSMITTED with the docket number, and announce it: carried, on condition that the
 *    packet is ACCEPTED at this version (what a read would have checked; a retry after it was
 *    written changes nothing, CMS answered it with the same docket); read, on condition that it
 *    is still as read in 1 (no second read)
 */
export async function transmit(input: { readonly packetId: string; readonly version: number; readonly carried?: CarriedPacket }, ports: TransmitPorts): Promise<{ docketNumber: string }> {
  const { packetId, version, carried } = input;
  if (carried) {
    const docketNumber = await intake(input, carried, ports);
    const now = ports.now();
    await ports.store.changeStatus({ packetId, version, to: 'TRANSMITTED', actor: 'dcj-cms', set: { docketNumber }, details: { docketNumber }, now });
    await ports.announce({ packetId, version, ori: carried.ori, incidentNumber: carried.incidentNumber, status: 'TRANSMITTED', updatedAt: now }, { docketNumber });
    return { docketNumber };
  }
  const current = await ports.store.mustGet(packetId);
  if (current.status === 'TRANSMITTED' && current.version === version && current.docketNumber) return { docketNumber: current.docketNumber };

  const docketNumber = await intake(input, current, ports);
  const { packet } = await ports.store.transition({ packetId, version, to: 'TRANSMITTED', actor: 'dcj-cms', set: { docketNumber }, details: { docketNumber }, now: ports.now() }, current);
  await ports.announce(packet, { docketNumber });
  return { docketNumber };
}

/** The packet into CMS under the version's idempotency key; each failed attempt counted. */
async function intake(input: { readonly packetId: string; readonly version: number }, p: CarriedPacket, ports: TransmitPorts): Promise<string> {
  try {
    return await ports.cms.intake({ packetId: input.packetId, packetVersion: input.version, ori: p.ori, incidentNumber: p.incidentNumber, packet: p.packet }, executionNameOf(input.packetId, input.version));
  } catch (error) {
    if (error instanceof CmsUnavailable || error instanceof CmsRejected) ports.countFailure();
    throw error;
  }
}
