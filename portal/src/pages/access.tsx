import { useState } from 'preact/hooks';
import { ACCESS_STATUSES, AccountRemovalSchema, NewAccessRequestSchema, REMOVABLE_STATUSES, stepOf, type AccessStatus } from '../../../functions/access/domain/request';
import type { RequestSummary } from '../../../functions/access/use-cases/list';
import type { TaskView } from '../../../functions/tasks/use-cases/api';
import { ApiError, useLoad, usePages, usePortal, type ListPage } from '../api';
import { href, navigate } from '../router';
import type { Section } from '../kinds';
import { Done, Failure, Loading, More, Page, Status, When, TableRegion } from '../ui/components';
import { SelectField, TextArea, TextField, useSchemaForm } from '../ui/form';
import { EmployeeRequestForm } from './employee-request';
import { TaskTable } from './tasks';
import { ACCESS_STEPS, NextStep, openTaskFor, RequestFacts, TrainingList, useAccessRequest, type AccessRequestView } from './access-words';

/**
 * CCHRS access (DESIGN 1.1) in the portal. The agency administrator requests access for an
 * employee, follows the agency's requests (status, step, what happens next), attests the
 * trainings (the task page's step view, access-steps.tsx) and asks for an account's removal when
 * the employee leaves. The CCHRS unit works its queue by step, reviews, records the training
 * evidence, reissues an expired temporary password and unlocks a locked first login.
 */

const isUnit = (roles: readonly string[]) => roles.includes('unit');
const statusWords = (s: string) => s.replace(/_/g, ' ').toLowerCase();

/** The signed-in person's open tasks (GET /tasks), to link each request to the step that waits for them. */
const useMyTasks = () => useLoad((api) => api.get<{ tasks: TaskView[] }>('/tasks'), []);

/** The requests this person may see, 25 a page. */
const useRequestPages = (status: string) => usePages((api, nextToken) => api.get<ListPage<RequestSummary>>('/access-requests', { status, limit: 25, nextToken }), [status]);

function RequestTable(props: { readonly items: readonly RequestSummary[]; readonly unit: boolean; readonly tasks?: readonly TaskView[]; readonly caption: string }) {
  if (!props.items.length) return <p>No requests.</p>;
  return (
    <TableRegion label={`Requests: ${props.caption}`}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Employee</th>
            <th scope="col">Status</th>
            <th scope="col">Current step</th>
            <th scope="col">What happens next</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((r) => (
            <tr key={r.requestId}>
              <td>
                <a href={href(`/access-requests/${r.requestId}`)}>{r.employee}</a>
                {props.unit ? <span class="muted"> · {r.ori}</span> : null}
              </td>
              <td>
                <Status value={r.status} />
              </td>
              <td>{stepOf(r.status)}</td>
              <td>
                <NextStep status={r.status} unit={props.unit} task={openTaskFor(props.tasks, r.requestId)} />
              </td>
              <td>
                <When at={r.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** The agency administrator's start: their agency's requests, newest first, and a new one. */
function AgencyRequests() {
  const list = useRequestPages('');
  const tasks = useMyTasks();
  return (
    <section aria-labelledby="agency-requests">
      <h2 id="agency-requests">Your agency’s requests</h2>
      <p>
        <a class="button primary" href={href('/access-requests/new')}>
          Request access for an employee
        </a>
      </p>
      {list.error ? <Failure error={list.error} /> : null}
      {list.loading && !list.items.length ? <Loading what="your agency’s requests" /> : <RequestTable items={list.items} unit={false} tasks={tasks.data?.tasks} caption="Newest first" />}
      <More nextToken={list.nextToken} onMore={list.more} loading={list.loading} />
    </section>
  );
}

/** The unit's start: its open tasks by step, then every request by status. */
function UnitQueue() {
  const tasks = useMyTasks();
  const [status, setStatus] = useState('');
  const list = useRequestPages(status);
  const access = (tasks.data?.tasks ?? []).filter((t) => t.workflow === 'access-request').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <>
      <section aria-labelledby="unit-queue">
        <h2 id="unit-queue">Waiting for the unit, by step</h2>
        {tasks.error ? <Failure error={tasks.error} /> : null}
        {tasks.loading && !tasks.data ? <Loading what="the unit’s tasks" /> : null}
        {tasks.data
          ? ['business-need-review', 'training-verification'].map((step) => (
              <div class="access-step" key={step}>
                <h3>
                  {ACCESS_STEPS[step]} ({access.filter((t) => t.step === step).length})
                </h3>
                <TableRegion label={`${ACCESS_STEPS[step] ?? step} tasks`}>
                  <TaskTable tasks={access.filter((t) => t.step === step)} caption={`${ACCESS_STEPS[step] ?? step}, oldest first`} />
                </TableRegion>
              </div>
            ))
          : null}
      </section>
      <section aria-labelledby="unit-requests">
        <h2 id="unit-requests">Requests by status</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the requests">
          <SelectField name="status" label="Status" problems={{}} value={status} onValue={setStatus} options={[['', 'Any status'], ...ACCESS_STATUSES.map((s) => [s, statusWords(s)] as const)]} />
        </form>
        {list.error ? <Failure error={list.error} /> : null}
        {list.loading && !list.items.length ? <Loading what="the requests" /> : <RequestTable items={list.items} unit tasks={tasks.data?.tasks} caption={status ? `${statusWords(status)}, newest first` : 'Every request, newest first'} />}
        <More nextToken={list.nextToken} onMore={list.more} loading={list.loading} />
      </section>
    </>
  );
}

function AccessHome() {
  const roles = usePortal().session.person?.roles ?? [];
  return (
    <Page title="CCHRS access" lead="Criminal History Request System access for agency employees: requests, their steps, and the accounts they lead to.">
      {roles.includes('agency-admin') ? <AgencyRequests /> : null}
      {isUnit(roles) ? <UnitQueue /> : null}
    </Page>
  );
}

/** POST /access-requests, on the API's own schema: each field's problem beside the field. */
function NewRequest() {
  const { api, session } = usePortal();
  const ori = session.person?.ori ?? '';
  const form = useSchemaForm(NewAccessRequestSchema);
  const [fields, setFields] = useState({ fullName: '', email: '', jobTitle: '', phone: '', justification: '' });
  const set = (key: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [key]: value }));

  const submit = () =>
    form.submit(
      {
        employee: { fullName: fields.fullName, email: fields.email, jobTitle: fields.jobTitle, ...(fields.phone.trim() ? { mfaPhones: [fields.phone.trim()] } : {}) },
        ori,
        justification: fields.justification,
      },
      async (body) => navigate(`/access-requests/${(await api.post<{ requestId: string }>('/access-requests', body)).requestId}`),
    );

  return (
    <Page title="Request CCHRS access for an employee" lead="The CCHRS unit reviews the business need; then the employee completes two trainings on CJIS Online, you attest them, and the unit verifies them.">
      <EmployeeRequestForm
        ori={ori}
        form={form}
        employee={fields}
        onEmployee={set}
        emailHint="The temporary password goes to this address."
        moreEmployee={
          <>
            <TextField name="employee.jobTitle" label="Job title" autoComplete="off" problems={form.problems} value={fields.jobTitle} onValue={set('jobTitle')} />
            <TextField name="employee.mfaPhones.0" label="Phone for sign-in codes (optional)" type="tel" autoComplete="off" problems={form.problems} value={fields.phone} onValue={set('phone')} />
          </>
        }
        shown={['employee.jobTitle', 'employee.mfaPhones.0', 'justification']}
        cancelTo="/access-requests"
        onSubmit={() => void submit()}
      >
        <TextArea
          name="justification"
          label="Business need"
          hint="Which of the employee’s duties require criminal history record information (at least 40 characters)."
          rows={5}
          problems={form.problems}
          value={fields.justification}
          onValue={set('justification')}
        />
      </EmployeeRequestForm>
    </Page>
  );
}

const eventWords = (type: string, status?: string) =>
  type === 'AccessRequestStatusChanged' && status
    ? `Status: ${statusWords(status)}`
    : (
        {
          TemporaryPasswordReissueRequested: 'New temporary password requested',
          TemporaryPasswordReissued: 'Temporary password issued again',
          AccountUnlocked: 'First login unlocked',
          TaskCreated: 'Task opened',
          TaskDecided: 'Decision recorded',
          TaskReminderSent: 'Reminder sent',
        } as Record<string, string>
      )[type] ??
      type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** Events a reader of the timeline does not need: someone opened a task's page. */
const HIDDEN_EVENTS = ['TaskRead'];

function Timeline(props: { readonly request: AccessRequestView }) {
  return (
    <ol class="timeline" aria-label="Timeline">
      {props.request.timeline
        .filter((t) => !HIDDEN_EVENTS.includes(t.type))
        .map((t, i) => (
          <li key={i}>
            <When at={t.at} /> — {eventWords(t.type, t.status)} <span class="muted">by {t.actor}</span>
            {t.note ? <span class="muted"> ({t.note})</span> : null}
          </li>
        ))}
    </ol>
  );
}

/** The agency asks for the account's removal: the employee left. */
function Removal(props: { readonly request: AccessRequestView; readonly onDone: () => void }) {
  const { api } = usePortal();
  const form = useSchemaForm(AccountRemovalSchema);
  const [reason, setReason] = useState('');
  const submit = () => form.submit({ reason }, (body) => api.post(`/access-requests/${encodeURIComponent(props.request.requestId)}/removal`, body).then(props.onDone));
  return (
    <form
      class="card"
      aria-labelledby="removal"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="removal">The employee left? Remove the account</h2>
      <p>The account is disabled at once and can no longer log in; the CCHRS unit is told.</p>
      <TextArea name="reason" label="Why is the account to be removed?" hint="For example: left the agency on 30 November. The CCHRS unit reads it." rows={3} problems={form.problems} value={reason} onValue={setReason} />
      {form.error ? <Failure error={form.error} /> : null}
      <div class="actions">
        <button type="submit" class="danger" disabled={form.busy}>
          Remove the account
        </button>
      </div>
    </form>
  );
}

/** The unit's account actions: a new temporary password after one expired, and ending a first-login lock. */
function UnitActions(props: { readonly request: AccessRequestView; readonly onDone: () => void }) {
  const { api } = usePortal();
  const r = props.request;
  const [outcome, setOutcome] = useState<{ done?: string; error?: Error }>({});
  const [busy, setBusy] = useState(false);
  async function act(path: 'reissue' | 'unlock', done: string) {
    setBusy(true);
    setOutcome({});
    try {
      await api.post(`/access-requests/${encodeURIComponent(r.requestId)}/${path}`);
      setOutcome({ done });
      props.onDone();
    } catch (e) {
      setOutcome({ error: e instanceof ApiError && e.status === 409 ? new Error(e.message) : e instanceof Error ? e : new Error(String(e)) });
    } finally {
      setBusy(false);
    }
  }
  const canUnlock = r.firstLoginLocked !== null;
  if (r.status !== 'PASSWORD_EXPIRED' && !canUnlock && !outcome.done && !outcome.error) return null;
  return (
    <section class="card" aria-labelledby="account-actions">
      <h2 id="account-actions">The account</h2>
      {outcome.done ? <Done>{outcome.done}</Done> : null}
      {outcome.error ? <Failure error={outcome.error} /> : null}
      <div class="actions">
        {r.status === 'PASSWORD_EXPIRED' ? (
          <button type="button" class="primary" disabled={busy} onClick={() => void act('reissue', 'A new temporary password is being issued; it is e-mailed to the employee and lasts 24 hours.')}>
            Reissue a temporary password
          </button>
        ) : null}
        {canUnlock ? (
          <button type="button" disabled={busy} onClick={() => void act('unlock', 'The first login is unlocked: the employee can try again now.')}>
            Unlock the first login
          </button>
        ) : null}
      </div>
      {canUnlock ? <p class="muted">Unlocking lets the employee try the temporary password again at once; the lock otherwise ends by itself.</p> : null}
    </section>
  );
}

/** One request: where it stands, what happens next, the trainings, the timeline, and the reader's actions. */
function RequestPage(props: { readonly requestId: string }) {
  const roles = usePortal().session.person?.roles ?? [];
  const unit = isUnit(roles);
  const request = useAccessRequest(props.requestId);
  const tasks = useMyTasks();
  const [removed, setRemoved] = useState(false);
  if (request.error) {
    return (
      <Page title="Access request">
        <Failure error={request.error instanceof ApiError && request.error.status === 404 ? new Error('No such access request for you. It may belong to another agency, or the link is wrong.') : request.error} />
      </Page>
    );
  }
  if (!request.data) return <Loading what="the request" />;
  const r = request.data;
  const task = openTaskFor(tasks.data?.tasks, r.requestId);
  return (
    <Page title={`CCHRS access for ${r.employee.fullName}`} lead={r.step}>
      <p>
        <Status value={r.status} /> Last change <When at={r.updatedAt} />.
      </p>
      <div class="card next">
        <h2>What happens next</h2>
        <p>
          <NextStep status={r.status} unit={unit} task={task} expiresAt={r.temporaryPasswordExpiresAt} />
        </p>
        {task ? (
          <p>
            <a class="button primary" href={href(`/tasks/${task.taskId}`)}>
              {task.step === 'training-attestation' ? 'Attest the trainings' : task.step === 'training-verification' ? 'Record the training evidence' : 'Review the business need'}
            </a>
          </p>
        ) : null}
      </div>
      {r.firstLoginLocked ? (
        <div class="error" role="status">
          <p>
            The employee’s first login is locked after 5 wrong temporary passwords
            {r.firstLoginLocked.until ? (
              <>
                {' '}
                until <When at={r.firstLoginLocked.until} />
              </>
            ) : null}
            . {unit ? 'You can unlock it now.' : 'The CCHRS unit can unlock it sooner.'}
          </p>
        </div>
      ) : null}
      {removed ? <Done>The account is removed: it can no longer log in, and the CCHRS unit has been told.</Done> : null}
      {unit ? <UnitActions request={r} onDone={request.reload} /> : null}
      {!unit && REMOVABLE_STATUSES.includes(r.status as AccessStatus) ? (
        <Removal
          request={r}
          onDone={() => {
            setRemoved(true);
            request.reload();
          }}
        />
      ) : null}
      <h2>The request</h2>
      <RequestFacts request={r} />
      <h2>Trainings</h2>
      <TrainingList request={r} />
      <h2>Timeline</h2>
      <Timeline request={r} />
      <p>
        <a href={href('/access-requests')}>All requests</a>
      </p>
    </Page>
  );
}

export const accessPages: Section = {
  id: 'access',
  title: 'CCHRS access',
  summary: 'Access requests for the Criminal History Request System: request, follow, attest, verify, and remove an account when an employee leaves.',
  roles: ['agency-admin', 'unit'],
  home: '/access-requests',
  routes: [
    { pattern: '/access-requests', render: () => <AccessHome /> },
    { pattern: '/access-requests/new', render: () => <NewRequest /> },
    { pattern: '/access-requests/:requestId', render: (p) => <RequestPage requestId={p['requestId'] ?? ''} /> },
  ],
};
