import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleMail, MailPage } from '../../mails';
import { isRedrivable, type ExecutionDetail, type ExecutionSummary, type PendingTask, type RedriveResult, type TimelineStep } from '../../../functions/ops/contract';
import { ApiError, useLoad, usePortal } from '../api';
import { Done, Facts, Failure, Loading, Page, TableRegion } from '../ui/components';
import { StateMachineGraph } from './ops-graph';
import { age, assigneeText, duration, executionHref, ExecutionStatus, OpsNav, subjectText, when } from './ops-parts';

/** The local mailbox's view (infra/local/console/mails.ts), beside the portal; there is none in AWS. */
const MAILS_PATH = 'api/mails';

const Json = (props: { readonly value: unknown }) => <pre class="json">{JSON.stringify(props.value, null, 2) ?? 'undefined'}</pre>;

function Timeline(props: { readonly detail: ExecutionDetail }) {
  const { detail } = props;
  const running = detail.status === 'RUNNING';
  if (!detail.timeline.length) return <p class="muted empty">No state entered yet.</p>;
  return (
    <TableRegion label="Timeline">
      <table class="timeline-table" data-testid="timeline">
        <caption>Every state entered, in order</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Type</th>
            <th scope="col">Entered</th>
            <th scope="col">Took</th>
            <th scope="col">Retries</th>
            <th scope="col">Error</th>
            <th scope="col">Cause</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {detail.timeline.map((step: TimelineStep, i) => (
            <tr key={`${step.state}-${i}`} data-state={step.state} class={step.error ? 'failed-step' : undefined}>
              <td>{step.state}</td>
              <td>{step.type}</td>
              <td>{when(step.enteredAt)}</td>
              <td>{step.leftAt !== undefined ? duration(step.durationMs) : running ? 'still here' : 'ended here'}</td>
              <td>{String(step.retries || 0)}</td>
              <td>{step.error ? <code class="err">{step.error}</code> : ''}</td>
              <td>{step.cause ? <span class="cause">{step.cause}</span> : ''}</td>
              <td>
                {detail.revealed && (step.input !== undefined || step.output !== undefined) ? (
                  <details>
                    <summary>input / output</summary>
                    {step.input !== undefined ? <Json value={step.input} /> : null}
                    {step.output !== undefined ? <Json value={step.output} /> : null}
                  </details>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function PendingTaskCard(props: { readonly task: PendingTask }) {
  const t = props.task;
  return (
    <section class="card" data-testid="pending-task" aria-labelledby="pending-task-title">
      <h2 id="pending-task-title">Waiting for a person</h2>
      <Facts
        items={[
          ['Waiting on', <span data-testid="assignee">{assigneeText(t)}</span>],
          ['Since', `${when(t.since)} (${duration(t.ageSeconds * 1000)} ago)`],
          ['Expires', when(t.expiresAt)],
          ['Step', t.step],
          ['About', t.subject.title],
          ['Task', <code>{t.taskId}</code>],
        ]}
      />
    </section>
  );
}

/**
 * The e-mails about this execution's subject in the local mailbox. The panel shows only when the
 * mailbox view answers its JSON: in AWS the path is the portal's bucket (404 or not JSON), and the
 * panel is left out rather than shown as an error.
 */
function Mails(props: { readonly subject: NonNullable<ExecutionDetail['subject']> }) {
  const { session } = usePortal();
  const { type, id } = props.subject;
  const [state, setState] = useState<{ items?: readonly ConsoleMail[]; error?: Error; absent?: boolean }>({});
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const res = await fetch(`${MAILS_PATH}?${new URLSearchParams({ subjectType: type, subject: id }).toString()}`, { headers: { Authorization: `Bearer ${await session.token()}`, Accept: 'application/json' } });
        const json = (res.headers.get('content-type') ?? '').includes('application/json') ? ((await res.json()) as Partial<MailPage> & { message?: string }) : undefined;
        if (!live) return;
        if (res.status === 404 || !json) return setState({ absent: true });
        if (!res.ok || !Array.isArray(json.items)) return setState({ error: new ApiError(res.status, String(res.status), json.message ?? `The mailbox answered ${res.status}`) });
        setState({ items: json.items });
      } catch (e) {
        if (live) setState({ error: e instanceof Error ? e : new Error(String(e)) });
      }
    })();
    return () => {
      live = false;
    };
  }, [type, id]);
  if (state.absent) return null;
  return (
    <section class="card" data-testid="mails" aria-labelledby="mails-title">
      <h2 id="mails-title">E-mails sent (local mailbox)</h2>
      {state.error ? <Failure error={state.error} /> : null}
      {!state.items && !state.error ? <Loading what="e-mails" /> : null}
      {state.items && !state.items.length ? <p class="muted empty">No e-mail in the local mailbox mentions this subject.</p> : null}
      {state.items?.length ? (
        <ul class="mails">
          {state.items.map((m) => (
            <li key={m.messageId} data-testid="mail">
              <details>
                <summary>
                  <strong>{m.subject}</strong> <span class="muted">{`to ${m.to.join(', ')}, ${when(m.sentAt)}`}</span>
                </summary>
                <pre class="mail-text">{m.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Redrive asks first (it runs a workflow again from where it stopped), then reloads the page. */
function Redrive(props: { readonly detail: ExecutionDetail; readonly onDone: () => void }) {
  const { api } = usePortal();
  const { detail } = props;
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RedriveResult>();
  const [error, setError] = useState<Error>();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);

  async function redrive() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.post<RedriveResult>(`/ops/executions/${encodeURIComponent(detail.executionArn)}/redrive`));
      setAsking(false);
      props.onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {isRedrivable(detail.status) && !asking ? (
        <button type="button" class="danger" onClick={() => setAsking(true)}>
          Redrive
        </button>
      ) : null}
      {asking ? (
        <div class="card confirm" role="group" aria-label="Confirm the redrive">
          <p>
            Redrive {detail.name} from {detail.currentState ?? 'the failed state'}? It runs again from there, with the same input.
          </p>
          <div class="actions">
            <button type="button" class="danger" ref={yes} disabled={busy} onClick={() => void redrive()}>
              Yes, redrive
            </button>
            <button type="button" disabled={busy} onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {result ? (
        <Done>
          Redriven at {when(result.redriveDate)}: {result.execution.status}.
        </Done>
      ) : null}
      {error ? <Failure error={error} /> : null}
    </>
  );
}

function OtherExecutions(props: { readonly others: readonly ExecutionSummary[] }) {
  return (
    <section class="card" aria-labelledby="others-title">
      <h2 id="others-title">Other executions for this subject</h2>
      <TableRegion label="Other executions">
        <table>
          <thead>
            <tr>
              <th scope="col">Execution</th>
              <th scope="col">Status</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {props.others.map((e) => (
              <tr key={e.executionArn}>
                <td>
                  <a href={executionHref(e.executionArn)}>{e.name}</a>
                </td>
                <td>
                  <ExecutionStatus status={e.status} stuck={e.stuck} />
                </td>
                <td>{e.currentState ?? '—'}</td>
                <td>{when(e.startDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}

/** GET /ops/executions/{id}: the execution, its graph, timeline, waiting task and e-mails; redrive when it stopped short. */
export function ExecutionPage(props: { readonly id: string; readonly reveal: boolean }) {
  const loaded = useLoad((api) => api.get<ExecutionDetail>(`/ops/executions/${encodeURIComponent(props.id)}`, { reveal: props.reveal ? 'true' : undefined }), [props.id, props.reveal]);
  if (loaded.error) {
    return (
      <Page title="Execution">
        <OpsNav />
        <Failure error={loaded.error instanceof ApiError && loaded.error.status === 404 ? new Error('No such execution. The link may be wrong, or the execution is older than Step Functions keeps.') : loaded.error} />
      </Page>
    );
  }
  const d = loaded.data;
  if (!d) return <Loading what="the execution" />;
  return (
    <div class="ops-execution">
      <Page title={subjectText(d.subject, d.name)}>
        <OpsNav />
        <p class="execution-title" data-testid="execution-title">
          <ExecutionStatus status={d.status} stuck={d.stuck} /> {d.workflow} execution
        </p>
        <Facts
          label="Execution"
          items={[
            ['Workflow', `${d.workflow} (${d.machine})`],
            ['Execution', <code>{d.executionArn}</code>],
            ['Started', when(d.startDate)],
            ['Ended', d.stopDate ? when(d.stopDate) : undefined],
            d.status === 'RUNNING'
              ? ['Now in', d.currentState ? `${d.currentState}${d.currentSince ? `, since ${when(d.currentSince)} (${age(d.currentSince)})` : ''}` : undefined]
              : ['Ended in', d.currentState ? `${d.currentState}${d.currentSince ? `, entered ${when(d.currentSince)}` : ''}` : undefined],
            ['Expected at most', d.expectedSeconds !== undefined ? duration(d.expectedSeconds * 1000) : undefined],
          ]}
        />
        <div class="actions">
          <button type="button" onClick={loaded.reload}>
            Refresh
          </button>
          {d.revealed ? (
            <a href={executionHref(props.id)}>Hide inputs and outputs</a>
          ) : (
            <a href={executionHref(props.id, true)} title="Shows execution data as it is; the reveal is audited">
              Reveal inputs and outputs (audited)
            </a>
          )}
          <Redrive key={d.executionArn} detail={d} onDone={loaded.reload} />
        </div>
        {d.error || d.cause ? (
          <section class="card failure" role="alert" data-testid="failure">
            <h2>Failed{d.currentState ? ` in ${d.currentState}` : ''}</h2>
            <p>
              <code class="err">{d.error ?? ''}</code>
            </p>
            <pre class="cause">{d.cause ?? ''}</pre>
          </section>
        ) : null}
        {d.pendingTask ? <PendingTaskCard task={d.pendingTask} /> : null}
        <section class="card" aria-labelledby="graph-title">
          <h2 id="graph-title">State machine</h2>
          <StateMachineGraph detail={d} />
        </section>
        <section class="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <Timeline detail={d} />
        </section>
        {d.subject ? <Mails subject={d.subject} /> : null}
        {d.otherExecutions?.length ? <OtherExecutions others={d.otherExecutions} /> : null}
        {d.revealed && (d.input !== undefined || d.output !== undefined) ? (
          <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">Execution input and output</h2>
            {d.input !== undefined ? <Json value={d.input} /> : null}
            {d.output !== undefined ? <Json value={d.output} /> : null}
          </section>
        ) : null}
      </Page>
    </div>
  );
}
