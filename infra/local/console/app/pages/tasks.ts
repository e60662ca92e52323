import type { PendingTask, PendingTaskList } from '../../../../../functions/ops/contract';
import { call, query } from '../api';
import { h, show } from '../dom';
import { duration, when } from '../format';
import { errorBox, executionHref, row, table } from '../ui';

const AGES: readonly (readonly [string, string])[] = [
  ['', 'any age'],
  ['1h', 'over an hour'],
  ['1d', 'over a day'],
  ['2d', 'over two days'],
  ['1w', 'over a week'],
];

function taskRow(t: PendingTask): HTMLTableRowElement {
  const tr = row(
    h('a', { attrs: { href: executionHref(t.executionArn) } }, t.subject.title),
    `${t.workflow} / ${t.step}`,
    h('span', { class: 'assignee' }, [t.assignee.role, t.assignee.ori, t.assignee.email].filter(Boolean).join(', ')),
    when(t.since),
    duration(t.ageSeconds * 1000),
    when(t.expiresAt),
  );
  tr.dataset['task'] = t.taskId;
  return tr;
}

export async function tasksPage(main: HTMLElement, params: URLSearchParams, isCurrent: () => boolean): Promise<void> {
  const olderThan = params.get('olderThan') ?? '';
  const picker = h(
    'select',
    { attrs: { name: 'olderThan', id: 'filter-olderThan' }, on: { change: () => (location.hash = `#/tasks${query({ olderThan: picker.value })}`) } },
    ...AGES.map(([value, label]) => h('option', { attrs: { value } }, label)),
  );
  picker.value = AGES.some(([v]) => v === olderThan) ? olderThan : '';
  const results = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  show(main, h('h2', {}, 'Pending human tasks'), h('form', { class: 'filters', on: { submit: (e) => e.preventDefault() } }, h('label', {}, 'Waiting ', picker)), results);
  try {
    const { items } = await call<PendingTaskList>(`/ops/tasks${query({ olderThan: olderThan || undefined })}`);
    if (!isCurrent()) return;
    show(results, table(['About', 'Workflow / step', 'Waiting on', 'Since', 'For', 'Expires'], items.map(taskRow), { class: 'tasks', empty: 'No human task is pending.', testid: 'tasks' }));
  } catch (error) {
    if (isCurrent()) show(results, errorBox(error));
  }
}
