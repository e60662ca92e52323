import { z } from 'zod';
import { sesMailer } from '#shared/adapters/mailer';
import { AuditSubject } from '#shared/audit';
import { escapeHtml } from '#shared/html';
import { problemMessage } from '#shared/messages';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { SUBJECT_TYPE, type PacketRecord } from './adapters/packet-store';
import { env, store } from './ports';

const Input = z.object({
  packetId: z.string().min(1),
  version: z.number().int().positive(),
  kind: z.enum(['rejected', 'returned', 'review-timed-out', 'processed']),
});
type Kind = z.infer<typeof Input>['kind'];

const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);

/** The notice's subject and lines, in words for a police records clerk. */
export function noticeFor(kind: Kind, p: PacketRecord): { subject: string; lines: string[] } {
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
 * Tells the agency what happened to its packet (steps 2, 3 and 5): an e-mail to its contact,
 * recorded on the packet's trail. For `processed`, also when (the status the RMS polls).
 */
export const handler = taskHandler(Input, async ({ packetId, version, kind }) => {
  const packet = await store.mustGet(packetId);
  const { subject, lines } = noticeFor(kind, packet);
  const text = `${lines.join('\n')}\n\nStatus: GET /arrests/${packetId}\n`;
  const html = `<p>${lines.map(escapeHtml).join('<br>')}</p><p>Status: GET /arrests/${escapeHtml(packetId)}</p>`;
  const { messageId } = await mailer.send({ to: [packet.packet.agency.contactEmail], subject, text, html });
  const at = nowIso();
  if (kind === 'processed') await store.annotate(packetId, version, { agencyNotifiedAt: at });
  await store.audit({ type: 'AgencyNotified', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { kind, version, messageId } });
  return { messageId };
});
