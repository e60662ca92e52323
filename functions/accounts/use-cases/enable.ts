import { Conflict, NotFound } from '#shared/errors';
import { escapeHtml } from '#shared/html';
import type { Email } from '#shared/adapters/mailer';
import { accountAudit, type Enablement, type PersonAccount } from '../domain/account';
import type { Acting, Clock, Directory, RecordAudit, Send, Store } from '../ports';

export interface EnablePorts {
  readonly store: Pick<Store, 'get' | 'askEnablement' | 'enable'>;
  readonly directory: Pick<Directory, 'enable'>;
  readonly audit: RecordAudit;
  readonly send: Send;
  readonly now: Clock;
  readonly unitEmail: string;
  /** The portal's accounts page, when the portal's address is known. */
  readonly portalPage?: string;
}

export type EnablementOutcome =
  /** The agency administrator asked: the account stays DISABLED until the unit approves. */
  | { readonly accountId: string; readonly status: 'DISABLED'; readonly enablement: { readonly by: string; readonly at: string } }
  /** The unit approved: ACTIVE again. */
  | { readonly accountId: string; readonly status: 'ACTIVE'; readonly enabled: { readonly requestedBy: string; readonly approvedBy: string; readonly at: string } };

function mail(to: string, subject: string, lines: readonly string[]): Email {
  return { to: [to], subject, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

/** Why an account that is not DISABLED cannot be enabled, in words for the caller. */
function notDisabled(account: PersonAccount): Conflict {
  if (account.status === 'REMOVED') {
    return new Conflict(`Account ${account.accountId} was removed (the holder left${account.removal ? ` on ${account.removal.at.slice(0, 10)}` : ''}): a removed account is never enabled again; if the person is back, ask for a new account`);
  }
  return new Conflict(`Account ${account.accountId} is ${account.status}: only a DISABLED account (inactivity, or a review not confirmed) can be enabled`);
}

/**
 * A DISABLED account (90 days idle, or left unconfirmed by the quarter's review) enabled again,
 * with who asked and who approved (CJIS AC-2: accounts are enabled by those responsible for them,
 * and every change is audited):
 * 1. the account must be the agency administrator's agency's (another's reads as missing, 404,
 *    audited as denied); the unit sees every agency
 * 2. only a DISABLED account: a REMOVED one (the holder left) never comes back (409, saying so);
 *    an ACTIVE one has nothing to enable (409)
 * 3. the agency administrator asks: noted on the account (`AccountEnablementRequested`), the unit
 *    is e-mailed to approve; asking again answers the same
 * 4. the unit approves (whether or not the agency asked): ACTIVE again, its idle time counted from
 *    now, AdminEnableUser in AWS, `AccountEnabled` with who asked and who approved; the holder is
 *    e-mailed to sign in again
 */
export async function enableAccount(ports: EnablePorts, accountId: string, readBody: () => Enablement, { caller, source }: Acting): Promise<EnablementOutcome> {
  const account = await ports.store.get(accountId);
  if (!account) throw new NotFound(`No account ${accountId}`);
  const isUnit = caller.roles.includes('unit');
  if (!isUnit && (account.ori === undefined || account.ori !== caller.ori)) {
    await ports.audit(accountAudit('AccountEnablementRequested', accountId, caller.username, { ori: caller.ori ?? null }, 'denied', source));
    throw new NotFound(`No account ${accountId}`);
  }
  const { reason } = readBody();
  if (account.status !== 'DISABLED') throw notDisabled(account);
  const at = ports.now();

  if (!isUnit) {
    if (account.enablement) return { accountId, status: 'DISABLED', enablement: account.enablement };
    const enablement = { by: caller.username, at };
    const audit = accountAudit('AccountEnablementRequested', accountId, caller.username, { disabledReason: account.disabledReason ?? null, reasonGiven: true }, 'success', source);
    if (!(await ports.store.askEnablement(account, { ...enablement, reason }, audit))) throw new Conflict(`Account ${accountId} changed while its enablement was asked; try again.`);
    await ports.send(
      mail(ports.unitEmail, `Account enablement asked: ${accountId} (${account.ori ?? 'no agency'})`, [
        `The agency ${account.ori ?? ''} asks for account ${accountId} to be enabled again (disabled for ${account.disabledReason === 'review' ? 'a review left unconfirmed' : 'inactivity'}), asked by ${caller.username}.`,
        'Approve it on the portal’s Accounts page if the person still needs CISS access.',
        ...(ports.portalPage ? [ports.portalPage] : []),
      ]),
    );
    return { accountId, status: 'DISABLED', enablement };
  }

  const enabled = { requestedBy: account.enablement?.by ?? caller.username, approvedBy: caller.username, at };
  const audit = accountAudit('AccountEnabled', accountId, caller.username, { from: 'DISABLED', disabledReason: account.disabledReason ?? null, requestedBy: enabled.requestedBy, approvedBy: enabled.approvedBy, reasonGiven: true }, 'success', source);
  if (!(await ports.store.enable(account, { ...enabled, reason }, audit))) {
    const fresh = await ports.store.get(accountId);
    if (fresh && fresh.status !== 'DISABLED') throw notDisabled(fresh);
    throw new Conflict(`Account ${accountId} changed while it was being enabled; try again.`);
  }
  await ports.directory.enable(account.email);
  await ports.send(
    mail(account.email, 'Your CISS account is enabled again', [
      `Your CISS account was enabled again on ${new Date(at).toUTCString()}.`,
      'Sign in to use it: accounts not used for 90 days are disabled again (CJIS Security Policy AC-2(3)).',
      ...(ports.portalPage ? [`Sign in: ${ports.portalPage}`] : []),
    ]),
  );
  return { accountId, status: 'ACTIVE', enabled };
}
