import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import type { NoticeField } from './notice';

/** What an e-mail says of a notice: the rule's title, the fields, why the receiver has it, where it is in the portal. */
export interface NoticeMail {
  readonly noticeId: string;
  readonly address: string;
  readonly rule: { readonly id: string; readonly version: number; readonly title: string; readonly mutable: boolean };
  readonly packetId: string;
  readonly fields: readonly NoticeField[];
  /** The portal's address (`…/portal/`), when known. */
  readonly portalUrl?: string;
}

/** The notice's page in the portal (after sign-in). */
export const noticePage = (portalUrl: string, noticeId: string): string => `${portalUrl}#/notices/${encodeURIComponent(noticeId)}`;

/**
 * The e-mail: the subject names the rule and the packet id only (subjects show in lists and
 * logs); the body holds the fields the rule sends, which the receiver's role may see.
 */
export function noticeEmail(n: NoticeMail): Email {
  const page = n.portalUrl ? noticePage(n.portalUrl, n.noticeId) : undefined;
  const why = `You receive this by the CISS dissemination rule "${n.rule.title}" (${n.rule.id}, version ${n.rule.version}).`;
  const mute = n.rule.mutable ? 'You may mute this rule for yourself in the portal (Notices).' : 'This rule cannot be muted.';
  const lines = n.fields.map((f) => `${f.label}: ${f.value}`);
  return {
    to: [n.address],
    subject: `CISS notice: ${n.rule.title} (packet ${n.packetId})`,
    text: [...lines, '', why, mute, `Packet: GET /arrests/${n.packetId}`, ...(page ? [`Open in the CISS portal (sign-in): ${page}`] : [])].join('\n') + '\n',
    html:
      `<dl>${n.fields.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join('')}</dl>` +
      `<p>${escapeHtml(why)} ${escapeHtml(mute)}</p>` +
      (page ? `<p><a href="${escapeHtml(page)}">Open in the CISS portal</a> (sign-in)</p>` : ''),
  };
}
