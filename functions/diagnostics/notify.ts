import * as z from 'zod/mini';
import { sesMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { taskHandler } from '#shared/task';
import { report } from './use-cases/report';

const env = loadEnv({ SENDER_EMAIL: nonEmpty, SES_CONFIGURATION_SET: optionalText });
const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);

const Input = z.object({
  runId: z.string().check(z.minLength(1)),
  reportTo: z.email(),
  attempts: z.number().check(z.int(), z.positive()),
  acknowledgedBy: z.string().check(z.minLength(1)),
});

/** Sends the run report: proof that mail leaves the system and reaches a mailbox. */
export const handler = taskHandler(Input, (input) => report(input, { send: (email) => mailer.send(email) }));
