import type { Email } from '#shared/adapters/mailer';
import { AuditSubject } from '#shared/audit';
import { SUBJECT_TYPE, type PacketStore } from '../adapters/packet-store';
import { noticeEmail, type NoticeKind, type Noticed } from '../domain/notice';

export interface NotifyAgencyPorts {
  readonly store: Pick<PacketStore, 'mustGet' | 'audit'>;
  readonly send: (email: Email) => Promise<{ messageId: string }>;
  readonly now: () => string;
  /** The portal's address (`…/portal/`); the e-mail links to the packet's page there when it is set. */
  readonly portalUrl?: string;
}

/**
 * What the notice says of the packet, carried by the execution (ValidatePacket's answer, the
 * clerk's reason, TransmitToCms's docket): the same as the packet's record says, without reading it.
 */
export type NoticeAbout = Omit<Noticed, 'packetId' | 'version'> & { readonly contactEmail: string };

/**
 * Tells the agency what happened to its packet (steps 2, 3 and 5).
 * 1. what the notice says of the packet: carried by the execution (`about`), or, for an
 *    execution started before it carried it, the packet as read (problems, reason, docket)
 * 2. e-mail the agency's contact, with the packet's portal page
 * 3. record the notice on the packet's trail, with the message id (no content: it names people)
 * 4. answer when: for `processed`, the workflow records it as `agencyNotifiedAt` (what the RMS
 *    polls) with the packet's next status, AVAILABLE, in that change's one write
 */
export async function notifyAgency(
  input: { readonly packetId: string; readonly version: number; readonly kind: NoticeKind; readonly about?: NoticeAbout },
  ports: NotifyAgencyPorts,
): Promise<{ messageId: string; notifiedAt: string }> {
  const { packetId, version, kind, about } = input;
  const noticed = about ? { ...about, packetId, version } : await packetNoticed(packetId, ports);
  const { messageId } = await ports.send(noticeEmail(kind, noticed, ports.portalUrl));
  const notifiedAt = ports.now();
  await ports.store.audit({ type: 'AgencyNotified', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { kind, version, messageId } });
  return { messageId, notifiedAt };
}

async function packetNoticed(packetId: string, ports: NotifyAgencyPorts): Promise<Noticed & { contactEmail: string }> {
  const packet = await ports.store.mustGet(packetId);
  return { ...packet, contactEmail: packet.packet.agency.contactEmail };
}
