import { AccessStore } from '#shared/adapters/access-store';
import { envMailer } from '#shared/adapters/mailer';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { actingOf, portalPageOf, requestIdOf, RequestIdParam } from './adapters/http';
import { AccountRemovalSchema } from './domain/request';
import { accessRemove } from './routes';
import { removeAccount } from './use-cases/remove';
import { endAccessFromEnv } from '../accounts/adapters/end-access';

const env = loadEnv({ TABLE_NAME: nonEmpty, CCHRS_UNIT_EMAIL: nonEmpty, PORTAL_URL: optionalText });
const mailer = envMailer();
const ports = {
  store: new AccessStore(env.TABLE_NAME),
  audit: recordAudit,
  send: (email: Parameters<typeof mailer.send>[0]) => mailer.send(email),
  now: nowIso,
  unitEmail: env.CCHRS_UNIT_EMAIL,
  ...(env.PORTAL_URL ? { portalPage: portalPageOf(env.PORTAL_URL) } : {}),
  // The accounts area's one revocation: a CCHRS removal ends the person's access as its own route does.
  endAccess: endAccessFromEnv(),
};

/** POST /access-requests/{requestId}/removal: 200 once the account is disabled (the same again: 200). */
export const handler = routeHandler(
  accessRemove,
  async (event) => json(200, await removeAccount(ports, requestIdOf(event.params), () => parseJsonBody(event, AccountRemovalSchema), actingOf(event))),
  { params: RequestIdParam },
);
