import { useState } from 'preact/hooks';
import { DECIDER_ROLES } from '../../../functions/shared/roles';
import type { TaskView } from '../../../functions/tasks/use-cases/api';
import { ApiError, useLoad, usePortal } from '../api';
import { Done, Facts, Failure, Loading, Page, Status, When } from '../ui/components';
import { TextArea } from '../ui/form';
import { href } from '../router';
import type { Section } from '../kinds';
import { stepKey } from '../kinds';
import { STEP_VIEWS } from '../steps';

const workflowName: Readonly<Record<string, string>> = { 'access-request': 'CCHRS access request', 'arrest-packet': 'Arrest packet', approval: 'Approval', 'search-certification': 'CISS Search certification' };

/** GET /tasks: what waits for this person, oldest first. */
function TaskList() {
  const tasks = useLoad((api) => api.get<{ tasks: TaskView[] }>('/tasks'), []);
  return (
    <Page title="Waiting for you" lead="Decisions that wait for you or your unit, agency or court, the oldest first.">
      {tasks.loading && !tasks.data ? <Loading what="your tasks" /> : null}
      {tasks.error ? <Failure error={tasks.error} /> : null}
      {tasks.data ? <TaskTable tasks={[...tasks.data.tasks].sort((a, b) => a.createdAt.localeCompare(b.createdAt))} /> : null}
    </Page>
  );
}

export function TaskTable(props: { readonly tasks: readonly TaskView[]; readonly caption?: string }) {
  if (!props.tasks.length) return <p>Nothing waits for you.</p>;
  return (
    <table>
      {props.caption ? <caption>{props.caption}</caption> : null}
      <thead>
        <tr>
          <th scope="col">Waiting since</th>
          <th scope="col">Workflow</th>
          <th scope="col">About</th>
          <th scope="col">Question</th>
          <th scope="col">Due</th>
        </tr>
      </thead>
      <tbody>
        {props.tasks.map((t) => (
          <tr key={t.taskId}>
            <td>
              <When at={t.createdAt} />
            </td>
            <td>{workflowName[t.workflow] ?? t.workflow}</td>
            <td>
              <a href={href(`/tasks/${t.taskId}`)}>{t.subject.title}</a>
            </td>
            <td>{t.question}</td>
            <td>
              <When at={t.expiresAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One task: the facts (or its step's own view), and the decision, as its e-mail offers it. */
function TaskPage(props: { readonly taskId: string }) {
  const task = useLoad((api) => api.get<TaskView>(`/tasks/${encodeURIComponent(props.taskId)}`), [props.taskId]);
  if (task.error) {
    return (
      <Page title="Task">
        <Failure error={task.error instanceof ApiError && task.error.status === 404 ? new Error('No such task is waiting for you. It may belong to another agency or court, or the link is wrong.') : task.error} />
      </Page>
    );
  }
  if (!task.data) return <Loading what="the task" />;
  const t = task.data;
  const View = STEP_VIEWS[stepKey(t)];
  return (
    <Page title={t.subject.title} lead={t.question}>
      <p>
        <Status value={t.status} /> {workflowName[t.workflow] ?? t.workflow}, opened <When at={t.createdAt} />, due <When at={t.expiresAt} />
        {t.reminder ? ` (reminder ${t.reminder})` : ''}.
      </p>
      {View ? <View task={t} onChanged={task.reload} /> : <Facts items={t.subject.facts.map((f) => [f.label, f.value] as const)} label="Facts" />}
      {t.status === 'PENDING' ? <Decide task={t} onDecided={task.reload} /> : <Decided task={t} />}
    </Page>
  );
}

function Decided(props: { readonly task: TaskView }) {
  const d = props.task.decision;
  if (!d) return <p>This task is {props.task.status.toLowerCase()}{props.task.closedReason ? `: ${props.task.closedReason}` : ''}.</p>;
  const label = props.task.choices.find((c) => c.id === d.choice)?.label ?? d.choice;
  return (
    <Done>
      Decided “{label}” by {d.decidedBy}, <When at={d.decidedAt} />
      {d.comment ? `: ${d.comment}` : ''}.
    </Done>
  );
}

/** The task's choices as buttons; a choice that needs a reason asks for it first. */
export function Decide(props: { readonly task: TaskView; readonly onDecided: () => void }) {
  const { api } = usePortal();
  const [comment, setComment] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const needsComment = props.task.choices.some((c) => c.commentRequired);

  async function decide(choice: TaskView['choices'][number]) {
    if (choice.commentRequired && !comment.trim()) {
      setProblems({ comment: `must say why (“${choice.label}” needs a reason)` });
      return;
    }
    setProblems({});
    setError(undefined);
    setBusy(true);
    try {
      await api.post(`/tasks/${encodeURIComponent(props.task.taskId)}/decision`, { choice: choice.id, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      props.onDecided();
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setProblems(Object.fromEntries(e.problems.map((p) => [p.field, p.rule])));
      else setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card decide" onSubmit={(e) => e.preventDefault()} aria-label="Decision">
      <h2>Your decision</h2>
      {needsComment ? <TextArea name="comment" label="Reason or comment" hint="Required where the choice says so; the agency reads it." problems={problems} value={comment} onValue={setComment} /> : null}
      {error ? <Failure error={error} /> : null}
      <div class="actions">
        {props.task.choices.map((c) => (
          <button key={c.id} type="button" class={c.commentRequired ? 'secondary' : 'primary'} disabled={busy} onClick={() => void decide(c)}>
            {c.label}
          </button>
        ))}
      </div>
    </form>
  );
}

export const taskPages: Section = {
  id: 'tasks',
  title: 'Waiting for you',
  summary: 'The decisions that wait for you, and the page for each one that an e-mail links to.',
  roles: DECIDER_ROLES,
  home: '/tasks',
  routes: [
    { pattern: '/tasks', render: () => <TaskList /> },
    { pattern: '/tasks/:taskId', render: (p) => <TaskPage taskId={p['taskId'] ?? ''} /> },
  ],
};
