import { isRedrivable, type ExecutionDetail, type ExecutionSummary, type PendingTask, type RedriveResult, type TimelineStep } from '../../../../../functions/ops/contract';
import type { ConsoleMail, MailPage } from '../../types';
import { ApiError, call, query } from '../api';
import { h, show } from '../dom';
import { age, duration, when } from '../format';
import { stateMachineGraph } from '../graph-view';
import { errorBox, executionHref, facts, json, row, statusBadge, subjectText, table } from '../ui';

function timelineRow(step: TimelineStep, revealed: boolean, running: boolean): HTMLTableRowElement {
  const tr = row(
    step.state,
    step.type,
    when(step.enteredAt),
    step.leftAt !== undefined ? duration(step.durationMs) : running ? 'still here' : 'ended here',
    step.retries ? String(step.retries) : '0',
    step.error ? h('code', { class: 'err' }, step.error) : '',
    step.cause ? h('span', { class: 'cause' }, step.cause) : '',
    revealed && (step.input !== undefined || step.output !== undefined)
      ? h('details', {}, h('summary', {}, 'input / output'), step.input !== undefined ? json(step.input) : null, step.output !== undefined ? json(step.output) : null)
      : '',
  );
  tr.dataset['state'] = step.state;
  if (step.error) tr.classList.add('failed-step');
  return tr;
}

function pendingTask(task: PendingTask): HTMLElement {
  const who = [task.assignee.role, task.assignee.ori ? `agency ${task.assignee.ori}` : undefined, task.assignee.email].filter(Boolean).join(', ');
  return h(
    'section',
    { class: 'card task', attrs: { 'data-testid': 'pending-task' } },
    h('h3', {}, 'Waiting for a person'),
    facts([
      ['Waiting on', h('span', { attrs: { 'data-testid': 'assignee' } }, who)],
      ['Since', `${when(task.since)} (${duration(task.ageSeconds * 1000)} ago)`],
      ['Expires', when(task.expiresAt)],
      ['Step', task.step],
      ['About', task.subject.title],
      ['Task', h('code', {}, task.taskId)],
    ]),
  );
}

function mailList(mails: readonly ConsoleMail[]): HTMLElement {
  if (mails.length === 0) return h('p', { class: 'muted empty' }, 'No e-mail in the local mailbox mentions this subject.');
  return h(
    'ul',
    { class: 'mails' },
    ...mails.map((m) =>
      h(
        'li',
        { attrs: { 'data-testid': 'mail' } },
        h('details', {}, h('summary', {}, h('strong', {}, m.subject), ' ', h('span', { class: 'muted' }, `to ${m.to.join(', ')}, ${when(m.sentAt)}`)), h('pre', { class: 'mail-text' }, m.text)),
      ),
    ),
  );
}

async function mailsSection(detail: ExecutionDetail, isCurrent: () => boolean): Promise<HTMLElement> {
  const box = h('section', { class: 'card', attrs: { 'data-testid': 'mails' } }, h('h3', {}, 'E-mails sent (local mailbox)'));
  if (!detail.subject) return (box.append(h('p', { class: 'muted' }, 'This execution has no subject to look e-mails up by.')), box);
  try {
    const { items } = await call<MailPage>(`/console/api/mails${query({ subjectType: detail.subject.type, subject: detail.subject.id })}`);
    if (isCurrent()) box.append(mailList(items));
  } catch (error) {
    box.append(errorBox(error));
  }
  return box;
}

async function redrive(detail: ExecutionDetail, status: HTMLElement, reload: () => void): Promise<void> {
  if (!confirm(`Redrive ${detail.name} from ${detail.currentState ?? 'the failed state'}?`)) return;
  try {
    const result = await call<RedriveResult>(`/ops/executions/${encodeURIComponent(detail.executionArn)}/redrive`, { method: 'POST' });
    show(status, h('p', { class: 'ok', attrs: { role: 'status' } }, `Redriven at ${when(result.redriveDate)}: ${result.execution.status}.`));
    reload();
  } catch (error) {
    show(status, errorBox(error));
  }
}

function otherExecutions(others: readonly ExecutionSummary[]): HTMLElement {
  return h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Other executions for this subject'),
    table(
      ['Execution', 'Status', 'State', 'Started'],
      others.map((e) => row(h('a', { attrs: { href: executionHref(e.executionArn) } }, e.name), statusBadge(e.status, e.stuck), e.currentState ?? '—', when(e.startDate))),
      { empty: 'None.' },
    ),
  );
}

export async function executionPage(main: HTMLElement, id: string, params: URLSearchParams, isCurrent: () => boolean): Promise<void> {
  const reveal = params.get('reveal') === 'true';
  show(main, h('p', { class: 'muted' }, 'Loading…'));
  let detail: ExecutionDetail;
  try {
    detail = await call<ExecutionDetail>(`/ops/executions/${encodeURIComponent(id)}${query({ reveal: reveal ? 'true' : undefined })}`);
  } catch (error) {
    if (isCurrent()) show(main, h('h2', {}, 'Execution'), h('p', {}, h('a', { attrs: { href: '#/executions' } }, '← executions')), errorBox(error));
    if (!(error instanceof ApiError)) throw error;
    return;
  }
  if (!isCurrent()) return;
  const actionStatus = h('div', { class: 'action-status' });
  const reload = () => void executionPage(main, id, params, isCurrent);
  const actions = h(
    'p',
    { class: 'actions' },
    h('button', { attrs: { type: 'button' }, on: { click: reload } }, 'Refresh'),
    detail.revealed
      ? h('a', { attrs: { href: executionHref(id) } }, 'Hide inputs and outputs')
      : h('a', { attrs: { href: `${executionHref(id)}?reveal=true`, title: 'Shows execution data as it is; the reveal is audited' } }, 'Reveal inputs and outputs (audited)'),
    isRedrivable(detail.status)
      ? h('button', { class: 'danger', attrs: { type: 'button' }, on: { click: () => void redrive(detail, actionStatus, reload) } }, 'Redrive')
      : null,
  );
  const failure = detail.error || detail.cause
    ? h('section', { class: 'card failure', attrs: { role: 'alert', 'data-testid': 'failure' } }, h('h3', {}, `Failed${detail.currentState ? ` in ${detail.currentState}` : ''}`), h('p', {}, h('code', { class: 'err' }, detail.error ?? '')), h('pre', { class: 'cause' }, detail.cause ?? ''))
    : null;
  const mails = await mailsSection(detail, isCurrent);
  if (!isCurrent()) return;
  show(
    main,
    h('p', {}, h('a', { attrs: { href: '#/executions' } }, '← executions')),
    h('h2', { attrs: { 'data-testid': 'execution-title' } }, subjectText(detail.subject, detail.name), ' ', statusBadge(detail.status, detail.stuck)),
    facts([
      ['Workflow', `${detail.workflow} (${detail.machine})`],
      ['Execution', h('code', {}, detail.executionArn)],
      ['Started', when(detail.startDate)],
      ['Ended', detail.stopDate ? when(detail.stopDate) : undefined],
      detail.status === 'RUNNING'
        ? ['Now in', detail.currentState ? `${detail.currentState}${detail.currentSince ? `, since ${when(detail.currentSince)} (${age(detail.currentSince)})` : ''}` : undefined]
        : ['Ended in', detail.currentState ? `${detail.currentState}${detail.currentSince ? `, entered ${when(detail.currentSince)}` : ''}` : undefined],
      ['Expected at most', detail.expectedSeconds !== undefined ? duration(detail.expectedSeconds * 1000) : undefined],
    ]),
    actions,
    actionStatus,
    failure,
    detail.pendingTask ? pendingTask(detail.pendingTask) : null,
    h('section', { class: 'card' }, h('h3', {}, 'State machine'), stateMachineGraph(detail)),
    h(
      'section',
      { class: 'card' },
      h('h3', {}, 'Timeline'),
      table(['State', 'Type', 'Entered', 'Took', 'Retries', 'Error', 'Cause', ''], detail.timeline.map((s) => timelineRow(s, detail.revealed, detail.status === 'RUNNING')), { class: 'timeline', empty: 'No state entered yet.', testid: 'timeline' }),
    ),
    mails,
    detail.otherExecutions?.length ? otherExecutions(detail.otherExecutions) : null,
    detail.revealed && (detail.input !== undefined || detail.output !== undefined)
      ? h('section', { class: 'card' }, h('h3', {}, 'Execution input and output'), detail.input !== undefined ? json(detail.input) : null, detail.output !== undefined ? json(detail.output) : null)
      : null,
  );
}
