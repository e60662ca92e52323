import { z } from 'zod';
import { sesMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { escapeHtml } from '#shared/html';
import { taskHandler } from '#shared/task';

const env = loadEnv({ SENDER_EMAIL: nonEmpty, SES_CONFIGURATION_SET: z.string().optional() });
const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);

const Input = z.object({
  runId: z.string().min(1),
  reportTo: z.email(),
  attempts: z.number().int().positive(),
  acknowledgedBy: z.string().min(1),
});

/** Sends the run report: proof that mail leaves the system and reaches a mailbox. */
export const handler = taskHandler(Input, async ({ runId, reportTo, attempts, acknowledgedBy }) => {
  const lines = [`Diagnostics run ${runId} passed every step.`, `Check attempts: ${attempts}.`, `Acknowledged by: ${acknowledgedBy}.`];
  return mailer.send({
    to: [reportTo],
    subject: `CISS diagnostics run ${runId}: passed`,
    text: lines.join('\n'),
    html: `<p>${lines.map(escapeHtml).join('</p><p>')}</p>`,
  });
});
