import * as z from 'zod/mini';
import { recordAudit } from '#shared/audit';
import { NotFound } from '#shared/errors';
import { json, orElse, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { directoryOn, revokeGrantsOn } from './adapters/directory';
import { AccountStore } from './adapters/store';
import { reassignTasksOn } from './adapters/tasks';
import { actingOf, directoryEnv } from './adapters/wiring';
import { RemovalSchema } from './domain/account';
import { accountsRemove } from './routes';
import { removeAccount } from './use-cases/remove';

/** A malformed id reads as a missing one (404), never echoed. */
const AccountIdParam = z.object({ accountId: orElse(z.string().check(z.regex(/^[A-Za-z0-9._@-]{1,128}$/)), '') });

const env = directoryEnv();
const ports = {
  store: new AccountStore(env.TABLE_NAME),
  directory: directoryOn(env.USER_POOL_ID),
  revokeGrants: revokeGrantsOn(env.TABLE_NAME, env.USER_POOL_ID),
  reassignTasks: reassignTasksOn(env.TABLE_NAME, env.send, env.PORTAL_URL),
  audit: recordAudit,
  send: env.send,
  now: nowIso,
  unitEmail: env.CCHRS_UNIT_EMAIL,
};

/** POST /accounts/{accountId}/removal `{reason}`: 200 once access has ended (the same again: 200). */
export const handler = routeHandler(
  accountsRemove,
  async (event) => {
    if (!event.params.accountId) throw new NotFound('No such account');
    return json(200, await removeAccount(ports, event.params.accountId, () => parseJsonBody(event, RemovalSchema), actingOf(event)));
  },
  { params: AccountIdParam },
);
