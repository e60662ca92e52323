import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';

export interface ReportInput {
  readonly runId: string;
  readonly reportTo: string;
  readonly attempts: number;
  readonly acknowledgedBy: string;
}

/** The run report: every step passed, how many check attempts it took, who acknowledged the callback. */
export function reportEmail({ runId, reportTo, attempts, acknowledgedBy }: ReportInput): Email {
  const lines = [`Diagnostics run ${runId} passed every step.`, `Check attempts: ${attempts}.`, `Acknowledged by: ${acknowledgedBy}.`];
  return { to: [reportTo], subject: `CISS diagnostics run ${runId}: passed`, text: lines.join('\n'), html: `<p>${lines.map(escapeHtml).join('</p><p>')}</p>` };
}

/** Sends the run report: proof that mail leaves the system and reaches a mailbox. */
export function report(input: ReportInput, ports: { readonly send: (email: Email) => Promise<{ messageId: string }> }): Promise<{ messageId: string }> {
  return ports.send(reportEmail(input));
}
