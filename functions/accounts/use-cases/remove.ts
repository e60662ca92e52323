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

/**
 * An agency administrator removes the account of an employee who left (CJIS AC-2: promptly).
 * 1. the account must be the caller's agency's: another agency's reads as missing (404), audited as denied
 * 2. already removed (a retry): answered as done
 * 3. one conditional write with its audit event (`AccountRemoved`, who asked): the account is
 *    REMOVED and its not-before is now, so every token issued before this is refused by the next
 *    request's account check, and the issuer refuses new ones (sign-in and refresh alike)
 * 4. access revoked: the lifecycle grants suspended (the Cognito group removed), and in AWS the
 *    user signed out everywhere (refresh tokens revoked) and disabled; `AccessRevoked`, who asked
 * 5. open human tasks assigned to the person go to the administrator who asked, each audited
 * 6. the unit is e-mailed; the record stays for audit
 */
export async function removeAccount(ports: RemovePorts, accountId: string, readBody: () => Removal, { caller, source }: Acting): Promise<RemovalOutcome> {
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
  const removal = { by: caller.username, at };
  if (!(await ports.store.remove(account, { ...removal, reason }, accountAudit('AccountRemoved', accountId, caller.username, { from: account.status, reasonGiven: true }, 'success', source)))) {
    const fresh = await ports.store.get(accountId);
    const retried = fresh && done(fresh);
    if (retried) return retried;
    throw new Conflict(`Account ${accountId} changed while its removal was asked; try again.`);
  }
  const revoked = await ports.revokeGrants(account.email, at, 'removed');
  await ports.directory.signOut(account.email);
  await ports.directory.disable(account.email);
  await ports.audit(accountAudit('AccessRevoked', accountId, caller.username, { roles: revoked.join(' '), refreshTokens: 'revoked', tokensBefore: at }, 'success', source));
  const tasksReassigned = caller.email ? await ports.reassignTasks({ accountId, email: account.email, ori: account.ori, roles: account.roles }, caller.email, caller.username) : [];
  const lines = [
    `The agency ${account.ori} removed account ${accountId} (the holder left), asked by ${caller.username} at ${new Date(at).toUTCString()}.`,
    `Access ended at once: ${revoked.length ? `grants suspended (${revoked.join(', ')}), ` : ''}sessions signed out, tokens issued before the removal refused.`,
    tasksReassigned.length ? `Open tasks handed to the administrator who asked: ${tasksReassigned.join(', ')}.` : 'No open tasks were assigned to the account.',
  ];
  await ports.send({ to: [ports.unitEmail], subject: `Account removed: ${accountId} (${account.ori})`, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
  return { accountId, status: 'REMOVED', removal, revoked, tasksReassigned };
}
