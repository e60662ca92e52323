import { Conflict, NotFound } from '#shared/errors';
import { escapeHtml } from '#shared/html';
import { accountAudit, type PersonAccount, type Removal } from '../domain/account';
import type { Acting, Clock, Directory, ReassignTasks, RecordAudit, RevokeGrants, Send, Store } from '../ports';

export interface RemovePorts {
  readonly store: Pick<Store, 'get' | 'remove'>;
  readonly directory: Pick<Directory, 'disable' | 'signOut'>;
  readonly revokeGrants: RevokeGrants;
  readonly reassignTasks: ReassignTasks;
  readonly audit: RecordAudit;
  readonly send: Send;
  readonly now: Clock;
  readonly unitEmail: string;
}

export interface RemovalOutcome {
  readonly accountId: string;
  readonly status: 'REMOVED';
  readonly removal: { readonly by: string; readonly at: string };
  /** The roles whose grants were suspended, and the tasks handed to the administrator (this call only; empty on a retry). */
  readonly revoked: readonly string[];
  readonly tasksReassigned: readonly string[];
}

const done = (account: PersonAccount): RemovalOutcome | undefined =>
  account.status === 'REMOVED' && account.removal ? { accountId: account.accountId, status: 'REMOVED', removal: account.removal, revoked: [], tasksReassigned: [] } : undefined;

/** What ended with a removal: the roles whose grants were suspended, the tasks handed over. */
export interface AccessEnded {
  readonly revoked: readonly string[];
  readonly tasksReassigned: readonly string[];
}

export type EndAccessPorts = Pick<RemovePorts, 'store' | 'directory' | 'revokeGrants' | 'reassignTasks' | 'audit'>;

/**
 * The one revocation of a leaver's access (CJIS AC-2: promptly), whichever route asked for it —
 * the accounts route (`POST /accounts/{id}/removal`) or the CCHRS lifecycle's
 * (`POST /access-requests/{id}/removal`, whose employee is known by e-mail):
 * 1. the account record (if the person ever signed in) becomes REMOVED with its not-before now,
 *    one conditional write with `AccountRemoved`: every token issued before is refused by the
 *    next request's account check, and the issuer refuses new ones (sign-in and refresh)
 * 2. the lifecycle grants suspended (the Cognito group removed), and in AWS the user signed out
 *    everywhere (refresh tokens revoked) and disabled; `AccessRevoked` on the account
 * 3. open human tasks assigned to the person go to the administrator who asked, each audited
 * Undefined when the account was removed already (a retry, or the other route first).
 */
export async function endAccess(ports: EndAccessPorts, person: { readonly email: string; readonly ori?: string; readonly account?: PersonAccount }, removal: { readonly at: string; readonly reason: string }, { caller, source }: Acting): Promise<AccessEnded | undefined> {
  const { account } = person;
  if (account) {
    if (account.status === 'REMOVED') return undefined;
    const written = await ports.store.remove(account, { by: caller.username, at: removal.at, reason: removal.reason }, accountAudit('AccountRemoved', account.accountId, caller.username, { from: account.status, reasonGiven: true }, 'success', source));
    if (!written) {
      const fresh = await ports.store.get(account.accountId);
      if (fresh?.status === 'REMOVED') return undefined;
      throw new Conflict(`Account ${account.accountId} changed while its removal was asked; try again.`);
    }
  }
  const revoked = await ports.revokeGrants(person.email, removal.at, 'removed');
  await ports.directory.signOut(person.email);
  await ports.directory.disable(person.email);
  if (account) await ports.audit(accountAudit('AccessRevoked', account.accountId, caller.username, { roles: revoked.join(' '), refreshTokens: 'revoked', tokensBefore: removal.at }, 'success', source));
  const tasksReassigned = caller.email && account ? await ports.reassignTasks({ accountId: account.accountId, email: person.email, ori: person.ori, roles: account.roles }, caller.email, caller.username) : [];
  return { revoked, tasksReassigned };
}

/** The person's account record in their agency, found by e-mail (the CCHRS lifecycle knows its employee so). */
export async function accountByEmail(store: Pick<Store, 'ofAgency'>, email: string, ori: string): Promise<PersonAccount | undefined> {
  const wanted = email.toLowerCase();
  return (await store.ofAgency(ori)).find((a) => a.email.toLowerCase() === wanted);
}

/**
 * An agency administrator removes the account of an employee who left (CJIS AC-2: promptly).
 * 1. the account must be the caller's agency's: another agency's reads as missing (404), audited as denied
 * 2. already removed (a retry): answered as done
 * 3. access ends at once (`endAccess`: the record REMOVED with who asked, tokens, grants, sign-out, tasks)
 * 4. the unit is e-mailed; the record stays for audit
 */
export async function removeAccount(ports: RemovePorts, accountId: string, readBody: () => Removal, acting: Acting): Promise<RemovalOutcome> {
  const { caller, source } = acting;
  const account = await ports.store.get(accountId);
  if (!account) throw new NotFound(`No account ${accountId}`);
  if (account.ori === undefined || account.ori !== caller.ori) {
    await ports.audit(accountAudit('AccountRemovalRequested', accountId, caller.username, { ori: caller.ori ?? null }, 'denied', source));
    throw new NotFound(`No account ${accountId}`);
  }
  const { reason } = readBody();
  const already = done(account);
  if (already) return already;
  const at = ports.now();
  const ended = await endAccess(ports, { email: account.email, ori: account.ori, account }, { at, reason }, acting);
  if (!ended) {
    const fresh = await ports.store.get(accountId);
    const retried = fresh && done(fresh);
    if (retried) return retried;
    throw new Conflict(`Account ${accountId} changed while its removal was asked; try again.`);
  }
  const { revoked, tasksReassigned } = ended;
  const lines = [
    `The agency ${account.ori} removed account ${accountId} (the holder left), asked by ${caller.username} at ${new Date(at).toUTCString()}.`,
    `Access ended at once: ${revoked.length ? `grants suspended (${revoked.join(', ')}), ` : ''}sessions signed out, tokens issued before the removal refused.`,
    tasksReassigned.length ? `Open tasks handed to the administrator who asked: ${tasksReassigned.join(', ')}.` : 'No open tasks were assigned to the account.',
  ];
  await ports.send({ to: [ports.unitEmail], subject: `Account removed: ${accountId} (${account.ori})`, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
  return { accountId, status: 'REMOVED', removal: { by: caller.username, at }, revoked, tasksReassigned };
}
