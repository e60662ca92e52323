import type { Email } from '#shared/adapters/mailer';
import { AuditSubject } from '#shared/audit';
import { SUBJECT_TYPE, type PacketStore } from '../adapters/packet-store';
import { noticeEmail, type NoticeKind } from '../domain/notice';

export interface NotifyAgencyPorts {
  readonly store: Pick<PacketStore, 'mustGet' | 'audit'>;
  readonly send: (email: Email) => Promise<{ messageId: string }>;
  readonly now: () => string;
  /** The portal's address (`…/portal/`); the e-mail links to the packet's page there when it is set. */
  readonly portalUrl?: string;
}

/**
 * Tells the agency what happened to its packet (steps 2, 3 and 5).
 * 1. load the packet: the notice says what its record says now (problems, reason, docket)
 * 2. e-mail the agency's contact, with the packet's portal page
 * 3. record the notice on the packet's trail, with the message id (no content: it names people)
 * 4. answer when: for `processed`, the workflow records it as `agencyNotifiedAt` (what the RMS
 *    polls) with the packet's next status, AVAILABLE, in that change's one write
 */
export async function notifyAgency(input: { readonly packetId: string; readonly version: number; readonly kind: NoticeKind }, ports: NotifyAgencyPorts): Promise<{ messageId: string; notifiedAt: string }> {
  const { packetId, version, kind } = input;
  const packet = await ports.store.mustGet(packetId);
  const { messageId } = await ports.send(noticeEmail(kind, packet, ports.portalUrl));
  const notifiedAt = ports.now();
  await ports.store.audit({ type: 'AgencyNotified', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { kind, version, messageId } });
  return { messageId, notifiedAt };
}
