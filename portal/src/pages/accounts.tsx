import { useState } from 'preact/hooks';
import type { AccessReview } from '../../../functions/accounts/domain/account';
import { EnablementSchema, RemovalSchema } from '../../../functions/accounts/domain/schemas';
import type { AccountView } from '../../../functions/accounts/use-cases/review';
import { useLoad, usePortal } from '../api';
import type { Section } from '../kinds';
import { navigate, useLocation } from '../router';
import { Done, Failure, Loading, Page, Status, When, TableRegion } from '../ui/components';
import { TextField, useSchemaForm } from '../ui/form';

/**
 * Accounts that end (issue 17): an agency administrator sees the agency's accounts (access, last
 * sign-in, how each ended), removes a leaver's account, asks for a disabled one to be enabled
 * again, and confirms the quarter's access review; the unit sees any agency's and enables. The API decides who may do what; this page only asks.
 */

const ORI = /^[A-Z]{2}[A-Z0-9]{7}$/;

/** What a form on an account asks the API: a leaver's removal, or a disabled account enabled again (asked, or approved by the unit). */
type AccountAction = 'removal' | 'ask-enablement' | 'enable';

const ACTION_TEXT: Readonly<Record<AccountAction, { title: string; lead: string; label: string; hint: string; submit: string }>> = {
  removal: {
    title: 'Remove',
    lead: 'Access ends at once: the person is signed out, their grants are suspended, and their open tasks come to you. The record stays, for audit.',
    label: 'Why the account is removed',
    hint: 'e.g. left the department on 27 November',
    submit: 'now',
  },
  'ask-enablement': {
    title: 'Ask to enable',
    lead: 'The CCHRS unit approves the enablement; the account stays disabled until then. A removed account is never enabled again.',
    label: 'Why the person still needs CISS access',
    hint: 'e.g. back from leave; still runs records checks',
    submit: 'now',
  },
  enable: {
    title: 'Enable',
    lead: 'The account may sign in again at once, and has 90 days to do so. Who asked and who approved are recorded.',
    label: 'Why the account is enabled again',
    hint: 'e.g. confirmed with the agency administrator',
    submit: 'now',
  },
};

function AccountActionForm(props: { readonly accountId: string; readonly action: AccountAction; readonly onDone: () => void; readonly onCancel: () => void }) {
  const { api } = usePortal();
  const [reason, setReason] = useState('');
  const form = useSchemaForm(props.action === 'removal' ? RemovalSchema : EnablementSchema);
  const id = props.accountId;
  const text = ACTION_TEXT[props.action];
  const path = `/accounts/${encodeURIComponent(id)}/${props.action === 'removal' ? 'removal' : 'enablement'}`;
  return (
    <form
      class="card"
      aria-labelledby="account-action"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ reason }, (body) => api.post(path, body).then(props.onDone));
      }}
    >
      <h3 id="account-action">
        {text.title} {id}
      </h3>
      <p>{text.lead}</p>
      <TextField name="reason" label={text.label} hint={text.hint} problems={form.problems} value={reason} onValue={setReason} maxLength={500} autoComplete="off" />
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>
          {text.title} {id} {text.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {form.error ? <Failure error={form.error} /> : null}
    </form>
  );
}

const DONE_TEXT: Readonly<Record<AccountAction, string>> = {
  removal: 'removed: its access ended at once.',
  'ask-enablement': 'is to be enabled again: the CCHRS unit has been asked to approve.',
  enable: 'enabled again: the person may sign in.',
};

function Accounts(props: { readonly ori?: string; readonly admin: boolean; readonly unit: boolean }) {
  const list = useLoad((api) => api.get<{ ori: string; items: AccountView[] }>('/accounts', { ori: props.ori }), [props.ori]);
  const [done, setDone] = useState<{ accountId: string; action: AccountAction }>();
  const [acting, setActing] = useState<{ accountId: string; action: AccountAction }>();
  if (!list.data) return list.error ? <Failure error={list.error} /> : <Loading what="the accounts" />;
  const rows = list.data.items;
  /** What the caller may do with an account, if anything: the agency administrator removes and asks; the unit enables. */
  const actionsFor = (a: AccountView): AccountAction[] => {
    if (a.status === 'REMOVED') return [];
    const mine: AccountAction[] = [];
    if (props.admin && !props.unit) mine.push('removal');
    if (a.status === 'DISABLED' && props.unit) mine.push('enable');
    if (a.status === 'DISABLED' && props.admin && !props.unit && !a.enablement) mine.push('ask-enablement');
    return mine;
  };
  const anyActions = rows.some((a) => actionsFor(a).length > 0);
  return (
    <section aria-labelledby="accounts">
      <h2 id="accounts">Accounts of {list.data.ori}</h2>
      {done ? (
        <Done>
          Account {done.accountId} {DONE_TEXT[done.action]}
        </Done>
      ) : null}
      {!rows.length ? <p>No account of this agency has signed in yet.</p> : null}
      {rows.length ? (
        <TableRegion label="Accounts">
          <table class="accounts">
            <caption>Who holds which access, and when they last signed in</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Status</th>
                <th scope="col">Access</th>
                <th scope="col">Last sign-in</th>
                {anyActions ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.accountId} data-account={a.accountId}>
                  <th scope="row">{a.accountId}</th>
                  <td>
                    <Status value={a.status} />
                    {a.disabledReason ? ` (${a.disabledReason === 'inactive' ? 'no sign-in for 90 days' : 'not confirmed in the review'})` : ''}
                    {a.removal ? ` by ${a.removal.by}` : ''}
                    {a.enablement ? `; enablement asked by ${a.enablement.by}, waiting for the unit` : ''}
                    {a.status === 'ACTIVE' && a.enabled ? `; enabled again (asked by ${a.enabled.requestedBy}, approved by ${a.enabled.approvedBy})` : ''}
                  </td>
                  <td>{a.roles.join(', ')}</td>
                  <td>
                    <When at={a.lastSignInAt} />
                  </td>
                  {anyActions ? (
                    <td>
                      {actionsFor(a).map((action) => (
                        <button key={action} type="button" onClick={() => setActing({ accountId: a.accountId, action })}>
                          {ACTION_TEXT[action].title} {a.accountId}…
                        </button>
                      ))}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {acting ? (
        <AccountActionForm
          key={`${acting.accountId}-${acting.action}`}
          accountId={acting.accountId}
          action={acting.action}
          onCancel={() => setActing(undefined)}
          onDone={() => {
            setDone(acting);
            setActing(undefined);
            list.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function ReviewCard(props: { readonly review: AccessReview; readonly canConfirm: boolean; readonly onChanged: () => void }) {
  const { api } = usePortal();
  const r = props.review;
  const open = r.entries.filter((e) => !e.confirmedAt).map((e) => e.accountId);
  const [chosen, setChosen] = useState<readonly string[]>(open);
  const [error, setError] = useState<Error>();
  return (
    <article class="card" aria-labelledby={`review-${r.reviewId}`}>
      <h3 id={`review-${r.reviewId}`}>
        Access review {r.quarter}, {r.ori}: <Status value={r.status} />
      </h3>
      <p>
        Listed <When at={r.listedAt} />; to be confirmed by <When at={r.dueAt} />. An account not confirmed by then is disabled.
      </p>
      <form
        noValidate
        aria-label={`Confirm the review ${r.reviewId}`}
        onSubmit={(e) => {
          e.preventDefault();
          api.post(`/access-reviews/${r.reviewId}/confirmation`, { accountIds: chosen }).then(props.onChanged, (err: unknown) => setError(err instanceof Error ? err : new Error(String(err))));
        }}
      >
        <fieldset>
          <legend>Accounts that still need their access</legend>
          <ul class="review-entries">
            {r.entries.map((e) => (
              <li key={e.accountId}>
                <label>
                  <input
                    type="checkbox"
                    name="accountIds"
                    value={e.accountId}
                    disabled={!props.canConfirm || r.status !== 'OPEN' || Boolean(e.confirmedAt)}
                    checked={Boolean(e.confirmedAt) || chosen.includes(e.accountId)}
                    onChange={(ev) => setChosen((c) => ((ev.target as HTMLInputElement).checked ? [...c, e.accountId] : c.filter((x) => x !== e.accountId)))}
                  />{' '}
                  {e.accountId}: {e.roles.join(', ')}; last sign-in <When at={e.lastSignInAt} />
                  {e.confirmedAt ? ` (confirmed by ${e.confirmedBy ?? 'the agency'})` : ''}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {props.canConfirm && r.status === 'OPEN' ? (
          <button type="submit" class="primary" disabled={!chosen.length}>
            Confirm the chosen accounts
          </button>
        ) : null}
        {error ? <Failure error={error} /> : null}
      </form>
    </article>
  );
}

function Reviews(props: { readonly ori?: string; readonly canConfirm: boolean }) {
  const list = useLoad((api) => api.get<{ items: AccessReview[] }>('/access-reviews', { ori: props.ori }), [props.ori]);
  if (!list.data) return list.error ? <Failure error={list.error} /> : <Loading what="the access reviews" />;
  return (
    <section aria-labelledby="reviews">
      <h2 id="reviews">Quarterly access reviews</h2>
      {!list.data.items.length ? <p>No access review has been listed yet.</p> : null}
      {list.data.items.map((r) => (
        <ReviewCard key={`${r.reviewId}-${r.status}-${r.entries.filter((e) => e.confirmedAt).length}`} review={r} canConfirm={props.canConfirm} onChanged={list.reload} />
      ))}
    </section>
  );
}

function AccountsPage() {
  const { session } = usePortal();
  const loc = useLocation();
  const roles = session.person?.roles ?? [];
  const unit = roles.includes('unit');
  const admin = roles.includes('agency-admin');
  const asked = loc.query.get('ori') ?? '';
  const ori = ORI.test(asked) ? asked : undefined;
  const [draft, setDraft] = useState(asked);
  return (
    <Page title="Accounts" lead="Who holds which access, when they last signed in, and how accounts end: removal when someone leaves, 90 days without a sign-in, and the quarterly review.">
      {unit ? (
        <form
          class="card"
          role="search"
          aria-label="Choose an agency"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            navigate('/accounts', { ori: draft.trim().toUpperCase() });
          }}
        >
          <TextField name="ori" label="Agency (ORI)" hint="e.g. CT0000100" problems={asked && !ori ? { ori: 'must be 2 letters and 7 letters or digits, e.g. CT0000100' } : {}} value={draft} onValue={setDraft} maxLength={9} autoComplete="off" />
          <div class="actions">
            <button type="submit" class="primary">
              Show the agency
            </button>
          </div>
        </form>
      ) : null}
      {admin || ori ? <Accounts key={ori ?? 'own'} ori={unit ? ori : undefined} admin={admin} unit={unit} /> : null}
      <Reviews key={ori ?? 'all'} ori={unit ? ori : undefined} canConfirm={admin && !unit} />
    </Page>
  );
}

export const accountPages: Section = {
  id: 'accounts',
  title: 'Accounts',
  summary: "The agency's accounts: access, last sign-in, removal of a leaver, and the quarterly access review.",
  roles: ['agency-admin', 'unit'],
  home: '/accounts',
  routes: [{ pattern: '/accounts', render: () => <AccountsPage /> }],
};
