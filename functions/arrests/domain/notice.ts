import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import { problemMessage } from '#shared/messages';
import type { PacketRecord } from '../adapters/packet-store';
import { portalPage } from '#shared/portal';

/** What the agency is told about its packet: steps 2 (rejected), 3 (returned, no decision) and 5 (processed). */
export const NOTICE_KINDS = ['rejected', 'returned', 'review-timed-out', 'processed'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export type Noticed = Pick<PacketRecord, 'packetId' | 'version' | 'ori' | 'incidentNumber' | 'problems' | 'returnReason' | 'docketNumber'>;

/** The notice's subject and lines, in words for a police records clerk. */
export function noticeFor(kind: NoticeKind, p: Noticed): { subject: string; lines: string[] } {
  const ref = `arrest packet ${p.incidentNumber} (${p.ori}, version ${p.version}, id ${p.packetId})`;
  const amend = `To fix it, send a new version: POST /arrests/${p.packetId}/versions.`;
  switch (kind) {
    case 'rejected':
      return {
        subject: `Rejected: ${ref}`,
        lines: [`CISS rejected ${ref}. Every rule that failed:`, ...(p.problems ?? []).map((x) => `- ${problemMessage(x)}`), '', amend],
      };
    case 'returned':
      return { subject: `Returned by the court clerk: ${ref}`, lines: [`The clerk of the court returned ${ref}.`, `Reason: ${p.returnReason ?? '(none given)'}`, '', amend] };
    case 'review-timed-out':
      return { subject: `No clerk decision: ${ref}`, lines: [`The court clerk did not review ${ref} in time, after reminders. The packet was not accepted.`, '', amend] };
    case 'processed':
      return {
        subject: `Processed by Judicial: ${ref}`,
        lines: [`Judicial has processed ${ref}: the court clerk accepted it and the Division of Criminal Justice took it into its case management system.`, `CMS docket number: ${p.docketNumber ?? '(pending)'}`],
      };
  }
}

/**
 * The notice as an e-mail to the agency's contact, ending with where its status is kept: the
 * API's address for the RMS and, when the portal's address is known, the packet's page there
 * for the agency's people (after sign-in: status, timeline, every rule in words, the docket).
 */
export function noticeEmail(kind: NoticeKind, record: Noticed & { readonly contactEmail: string }, portalUrl?: string): Email {
  const { subject, lines } = noticeFor(kind, record);
  const { packetId } = record;
  const portal = portalUrl ? portalPage(portalUrl, 'arrests', packetId) : undefined;
  return {
    to: [record.contactEmail],
    subject,
    text: `${lines.join('\n')}\n\nStatus: GET /arrests/${packetId}\n${portal ? `Open in the CISS portal (sign-in): ${portal}\n` : ''}`,
    html: `<p>${lines.map(escapeHtml).join('<br>')}</p><p>Status: GET /arrests/${escapeHtml(packetId)}</p>${portal ? `<p><a href="${escapeHtml(portal)}">Open in the CISS portal</a> (sign-in)</p>` : ''}`,
  };
}
