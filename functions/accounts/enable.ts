import * as z from 'zod/mini';
import { recordAudit } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { json, orElse, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { directoryOn } from './adapters/directory';
import { AccountStore } from './adapters/store';
import { actingOf, directoryEnv } from './adapters/wiring';
import { EnablementSchema } from './domain/account';
import { accountsEnable } from './routes';
import { enableAccount } from './use-cases/enable';

/** A malformed id reads as a missing one (404), never echoed. */
const AccountIdParam = z.object({ accountId: orElse(z.string().check(z.regex(/^[A-Za-z0-9._@-]{1,128}$/)), '') });

const env = directoryEnv();
const ports = {
  store: new AccountStore(env.TABLE_NAME),
  directory: directoryOn(env.USER_POOL_ID),
  audit: recordAudit,
  send: env.send,
  now: nowIso,
  unitEmail: env.CCHRS_UNIT_EMAIL,
  ...(env.PORTAL_URL ? { portalPage: env.PORTAL_URL } : {}),
};

/**
 * POST /accounts/{accountId}/enablement `{reason}`: the agency administrator asks (202, still
 * DISABLED), the unit approves (200, ACTIVE); a removed account answers 409.
 */
export const handler = routeHandler(
  accountsEnable,
  async (event) => {
    if (!event.params.accountId) throw new NotFound('No such account');
    const outcome = await enableAccount(ports, event.params.accountId, () => parseJsonBody(event, EnablementSchema), actingOf(event));
    return json(outcome.status === 'ACTIVE' ? 200 : 202, outcome);
  },
  { params: AccountIdParam },
);
