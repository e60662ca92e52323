import { sourceOf } from '#shared/audit';
import { envMailer, type Email } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import type { Caller } from '#shared/http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Acting, Send } from '../ports';

export const actingOf = (event: APIGatewayProxyEvent & { caller: Caller }): Acting => ({ caller: event.caller, source: sourceOf(event) });

/** What the functions that end accounts read: the table, mail, the unit, the user pool and the portal. */
export function directoryEnv() {
  const env = loadEnv({ TABLE_NAME: nonEmpty, CCHRS_UNIT_EMAIL: nonEmpty, USER_POOL_ID: nonEmpty, PORTAL_URL: optionalText });
  const mailer = envMailer();
  const send: Send = (email: Email) => mailer.send(email);
  return { ...env, send };
}
