import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ses } from '#shared/clients/ses';
import { loadEnv, nonEmpty, optionalText } from '../env';

export interface Email {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  send(email: Email): Promise<{ messageId: string }>;
}

/** SES (v2 SendEmail) through the configuration set, so bounces and complaints are tracked. */
export function sesMailer(from: string, configurationSet?: string): Mailer {
  return {
    async send(email) {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [...email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            },
          },
          ConfigurationSetName: configurationSet,
        }),
      );
      return { messageId: out.MessageId ?? '' };
    },
  };
}

/** The mailer a function's environment names: its sender (SENDER_EMAIL) and configuration set (SES_CONFIGURATION_SET, optional). */
export function envMailer(): Mailer {
  const env = loadEnv({ SENDER_EMAIL: nonEmpty, SES_CONFIGURATION_SET: optionalText });
  return sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);
}
