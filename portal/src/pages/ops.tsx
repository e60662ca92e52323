import { EXECUTION_STATUSES, WORKFLOWS, type ExecutionPage, type ExecutionSummary, type PendingTaskList } from '../../../functions/ops/contract';
import { useLoad, usePages } from '../api';
import { navigate, useLocation } from '../router';
import type { Section } from '../kinds';
import { Failure, Loading, More, Page, TableRegion } from '../ui/components';
import { SelectField } from '../ui/form';
import { ExecutionPage as ExecutionView } from './ops-execution';
import { age, assigneeText, duration, executionHref, ExecutionStatus, OpsNav, subjectText, when } from './ops-parts';

/**
 * The operations section (role operations): what the local operations console showed, on the
 * portal's frame, in both back-ends: executions with filters, one execution's state graph and
 * timeline with redrive, and the human tasks still waiting. Data comes from the ops API
 * (functions/ops/contract.ts), as the `ciss` CLI reads it; every call is audited there.
 */

interface Filters {
  readonly workflow?: string;
  readonly status?: string;
  readonly stuck: boolean;
}

const filtersOf = (q: URLSearchParams): Filters => ({
  workflow: (WORKFLOWS as readonly string[]).includes(q.get('workflow') ?? '') ? (q.get('workflow') ?? undefined) : undefined,
  status: (EXECUTION_STATUSES as readonly string[]).includes(q.get('status') ?? '') ? (q.get('status') ?? undefined) : undefined,
  stuck: q.get('stuck') === 'true',
});

const go = (f: Filters) => navigate('/ops', { workflow: f.workflow, status: f.status, stuck: f.stuck ? 'true' : undefined });

/** Counts of what the list shows, so a glance says what is running, failed and stuck. */
function Tally(props: { readonly items: readonly ExecutionSummary[] }) {
  const count = (p: (e: ExecutionSummary) => boolean) => props.items.filter(p).length;
  return (
    <p class="tally" data-testid="tally">
      <span class="badge tone-wait">{count((e) => e.status === 'RUNNING')} running</span>
      <span class="badge stuck">{count((e) => e.stuck)} stuck</span>
      <span class="badge tone-bad">{count((e) => ['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(e.status))} failed or stopped</span>
      <span class="muted"> of {props.items.length} shown</span>
    </p>
  );
}

function ExecutionTable(props: { readonly items: readonly ExecutionSummary[] }) {
  return (
    <TableRegion label="Executions">
      <table class="executions" data-testid="executions">
        <caption>Executions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Workflow</th>
            <th scope="col">Status</th>
            <th scope="col">State</th>
            <th scope="col">In it for</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((e) => (
            <tr key={e.executionArn} data-status={e.status} data-workflow={e.workflow} class={e.stuck ? 'is-stuck' : undefined}>
              <td>
                <a href={executionHref(e.executionArn)}>{subjectText(e.subject, e.name)}</a>
              </td>
              <td>{e.workflow}</td>
              <td>
                <ExecutionStatus status={e.status} stuck={e.stuck} />
              </td>
              <td>{e.currentState ?? '—'}</td>
              <td>{e.currentSince ? `${age(e.currentSince)} (${when(e.currentSince)})` : '—'}</td>
              <td>{when(e.startDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** GET /ops/executions with the filters in the address, 50 at a time. */
function Executions() {
  const loc = useLocation();
  const f = filtersOf(loc.query);
  const key = JSON.stringify(f);
  const list = usePages<ExecutionSummary>((api, nextToken) => api.get<ExecutionPage>('/ops/executions', { workflow: f.workflow, status: f.status, stuck: f.stuck ? 'true' : undefined, limit: 50, nextToken }), [key]);
  const { items, loading, error } = list;
  const loaded = list.pages > 0;

  return (
    <Page title="Executions" lead="Running, failed and stuck workflow executions, newest first. Times are UTC, as in the logs.">
      <OpsNav current="executions" />
      <form class="filters ops-filters" role="search" aria-label="Filter executions" onSubmit={(e) => e.preventDefault()}>
        <SelectField name="workflow" label="Workflow" problems={{}} value={f.workflow ?? ''} onValue={(v) => go({ ...f, workflow: v || undefined })} options={[['', 'all'], ...WORKFLOWS.map((w) => [w, w] as const)]} />
        <SelectField name="status" label="Status" problems={{}} value={f.status ?? ''} onValue={(v) => go({ ...f, status: v || undefined })} options={[['', 'all'], ...EXECUTION_STATUSES.map((s) => [s, s] as const)]} />
        <div class="field check">
          <label>
            <input type="checkbox" name="stuck" id="f-stuck" checked={f.stuck} onChange={(e) => go({ ...f, stuck: e.currentTarget.checked })} /> stuck only
          </label>
        </div>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </form>
      {error ? <Failure error={error} /> : null}
      {loading && !loaded ? <Loading what="executions" /> : null}
      {loaded && !items.length ? (
        <p class="muted empty" data-testid="executions">
          No executions match.
        </p>
      ) : null}
      {loaded && items.length ? (
        <>
          <Tally items={items} />
          <ExecutionTable items={items} />
        </>
      ) : null}
      <More nextToken={list.nextToken} loading={loading} onMore={list.more} />
    </Page>
  );
}

const AGES: readonly (readonly [string, string])[] = [
  ['', 'any age'],
  ['1h', 'over an hour'],
  ['1d', 'over a day'],
  ['2d', 'over two days'],
  ['1w', 'over a week'],
];

/** GET /ops/tasks: the human tasks still waiting, and on whom. */
function PendingTasks() {
  const loc = useLocation();
  const olderThan = AGES.some(([v]) => v === loc.query.get('olderThan')) ? (loc.query.get('olderThan') ?? '') : '';
  const tasks = useLoad((api) => api.get<PendingTaskList>('/ops/tasks', { olderThan }), [olderThan]);
  return (
    <Page title="Pending human tasks" lead="Decisions the workflows wait for, the oldest first, and on whom each waits.">
      <OpsNav current="tasks" />
      <form class="filters ops-filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter tasks">
        <SelectField name="olderThan" label="Waiting" problems={{}} value={olderThan} onValue={(v) => navigate('/ops/tasks', { olderThan: v })} options={AGES} />
      </form>
      {tasks.error ? <Failure error={tasks.error} /> : null}
      {tasks.loading && !tasks.data ? <Loading what="pending tasks" /> : null}
      {tasks.data && !tasks.data.items.length ? (
        <p class="muted empty" data-testid="tasks">
          No human task is pending.
        </p>
      ) : null}
      {tasks.data?.items.length ? (
        <TableRegion label="Pending tasks">
          <table class="tasks" data-testid="tasks">
            <caption>Pending tasks, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">About</th>
                <th scope="col">Workflow / step</th>
                <th scope="col">Waiting on</th>
                <th scope="col">Since</th>
                <th scope="col">For</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.items.map((t) => (
                <tr key={t.taskId} data-task={t.taskId}>
                  <td>
                    <a href={executionHref(t.executionArn)}>{t.subject.title}</a>
                  </td>
                  <td>
                    {t.workflow} / {t.step}
                  </td>
                  <td class="assignee">{assigneeText(t)}</td>
                  <td>{when(t.since)}</td>
                  <td>{duration(t.ageSeconds * 1000)}</td>
                  <td>{when(t.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
    </Page>
  );
}

export const opsPages: Section = {
  id: 'ops',
  title: 'Operations',
  summary: 'Workflow executions: failed and stuck ones, each with its state graph and timeline, redrive, and the human tasks still waiting.',
  roles: ['operations'],
  home: '/ops',
  routes: [
    { pattern: '/ops', render: () => <Executions /> },
    { pattern: '/ops/tasks', render: () => <PendingTasks /> },
    { pattern: '/ops/executions/:id', render: (p, q) => <ExecutionView id={p['id'] ?? ''} reveal={q.get('reveal') === 'true'} /> },
  ],
};
