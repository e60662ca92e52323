import { recordAudit } from '#shared/audit';
import type { Acting } from '../ports';
import { accountByEmail, endAccess } from '../use-cases/remove';
import { directoryOn, revokeGrantsOn } from './directory';
import { AccountStore } from './store';
import { reassignTasksOn } from './tasks';
import { directoryEnv } from './wiring';

/** Ends a person's access, known by e-mail in their agency: what another lifecycle's removal calls. */
export type EndAccessOf = (person: { readonly email: string; readonly ori: string }, removal: { readonly at: string; readonly reason: string }, acting: Acting) => Promise<unknown>;

/**
 * The accounts' one revocation (use-cases/remove.ts `endAccess`), wired on its adapters from the
 * function's environment (TABLE_NAME, USER_POOL_ID, CCHRS_UNIT_EMAIL, PORTAL_URL and the mail
 * sender), for a route of another area: the CCHRS lifecycle's removal
 * (`POST /access-requests/{id}/removal`) ends access exactly as `POST /accounts/{id}/removal` does.
 */
export function endAccessFromEnv(): EndAccessOf {
  const env = directoryEnv();
  const store = new AccountStore(env.TABLE_NAME);
  const ports = {
    store,
    directory: directoryOn(env.USER_POOL_ID),
    revokeGrants: revokeGrantsOn(env.TABLE_NAME, env.USER_POOL_ID),
    reassignTasks: reassignTasksOn(env.TABLE_NAME, env.send, env.PORTAL_URL),
    audit: recordAudit,
  };
  return async (person, removal, acting) => endAccess(ports, { ...person, account: await accountByEmail(store, person.email, person.ori) }, removal, acting);
}
