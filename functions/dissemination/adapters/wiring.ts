/**
 * The dissemination entries' adapters, made once per process from the environment, at their first use: the store
 * (TABLE_NAME), and for the entries that send, the mailer (SENDER_EMAIL, SES_CONFIGURATION_SET)
 * and the portal's address for the notice's link (PORTAL_URL, optional).
 */
import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import type { DeliveryPorts } from '../ports';
import { DynamoNoticeStore } from './notice-store';

/** The store, made at its first use (an entry asks for it at import: the environment's check is no cold start's cost). */
export const noticeStore = (): DynamoNoticeStore => lazy(() => new DynamoNoticeStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME));

/** What an entry that sends notices needs, made at its first use (as the store). */
export function deliveryPorts(): DeliveryPorts {
  return lazy((): DeliveryPorts => {
    const env = loadEnv({ TABLE_NAME: nonEmpty, PORTAL_URL: optionalText });
    const mailer = envMailer();
    return { store: new DynamoNoticeStore(env.TABLE_NAME), send: (email) => mailer.send(email), now: nowIso, ...(env.PORTAL_URL ? { portalUrl: env.PORTAL_URL } : {}) };
  });
}
