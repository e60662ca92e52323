import { EXECUTION_STATUSES, WORKFLOWS, type ExecutionPage, type ExecutionSummary } from '../../../../../functions/ops/contract';
import { call, query } from '../api';
import { h, show } from '../dom';
import { age, when } from '../format';
import { errorBox, executionHref, row, statusBadge, subjectText, table } from '../ui';

export interface ExecutionFilters {
  readonly workflow?: string;
  readonly status?: string;
  readonly stuck?: boolean;
}

export const filtersFrom = (params: URLSearchParams): ExecutionFilters => ({
  workflow: params.get('workflow') ?? undefined,
  status: params.get('status') ?? undefined,
  stuck: params.get('stuck') === 'true',
});

const href = (f: ExecutionFilters): string => `#/executions${query({ workflow: f.workflow, status: f.status, stuck: f.stuck ? 'true' : undefined })}`;

function select(name: string, label: string, values: readonly string[], current: string | undefined, onChange: (value: string | undefined) => void): HTMLElement {
  const el = h(
    'select',
    { attrs: { name, id: `filter-${name}` }, on: { change: () => onChange(el.value || undefined) } },
    h('option', { attrs: { value: '' } }, 'all'),
    ...values.map((v) => h('option', { attrs: { value: v } }, v)),
  );
  el.value = current && values.includes(current) ? current : '';
  return h('label', {}, `${label} `, el);
}

function filterBar(f: ExecutionFilters, reload: () => void): HTMLElement {
  const go = (next: ExecutionFilters) => {
    location.hash = href(next);
  };
  const stuck = h('input', { attrs: { type: 'checkbox', name: 'stuck', id: 'filter-stuck' }, on: { change: () => go({ ...f, stuck: stuck.checked }) } });
  stuck.checked = f.stuck === true;
  return h(
    'form',
    { class: 'filters', attrs: { role: 'search', 'aria-label': 'Filter executions' }, on: { submit: (e) => e.preventDefault() } },
    select('workflow', 'Workflow', WORKFLOWS, f.workflow, (workflow) => go({ ...f, workflow })),
    select('status', 'Status', EXECUTION_STATUSES, f.status, (status) => go({ ...f, status })),
    h('label', {}, stuck, ' stuck only'),
    h('button', { attrs: { type: 'button' }, on: { click: reload } }, 'Refresh'),
  );
}

function executionRow(e: ExecutionSummary): HTMLTableRowElement {
  const tr = row(
    h('a', { attrs: { href: executionHref(e.executionArn) } }, subjectText(e.subject, e.name)),
    e.workflow,
    statusBadge(e.status, e.stuck),
    e.currentState ?? '—',
    e.currentSince ? `${age(e.currentSince)} (${when(e.currentSince)})` : '—',
    when(e.startDate),
  );
  tr.dataset['status'] = e.status;
  tr.dataset['workflow'] = e.workflow;
  if (e.stuck) tr.classList.add('is-stuck');
  return tr;
}

/** Counts of what this page shows, so a glance says what is running, failed and stuck. */
function tally(items: readonly ExecutionSummary[]): HTMLElement {
  const count = (p: (e: ExecutionSummary) => boolean) => items.filter(p).length;
  return h(
    'p',
    { class: 'tally', attrs: { 'data-testid': 'tally' } },
    h('span', { class: 'badge status-running' }, `${count((e) => e.status === 'RUNNING')} running`),
    h('span', { class: 'badge stuck' }, `${count((e) => e.stuck)} stuck`),
    h('span', { class: 'badge status-failed' }, `${count((e) => ['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(e.status))} failed or stopped`),
    h('span', { class: 'muted' }, ` of ${items.length} shown`),
  );
}

export async function executionsPage(main: HTMLElement, params: URLSearchParams, isCurrent: () => boolean): Promise<void> {
  const f = filtersFrom(params);
  const results = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  const render = async () => {
    const items: ExecutionSummary[] = [];
    let nextToken: string | undefined;
    const more = h('button', { attrs: { type: 'button' }, on: { click: () => void load() } }, 'More');
    const load = async () => {
      try {
        const page = await call<ExecutionPage>(`/ops/executions${query({ workflow: f.workflow, status: f.status, stuck: f.stuck ? 'true' : undefined, limit: '50', nextToken })}`);
        if (!isCurrent()) return;
        items.push(...page.items);
        nextToken = page.nextToken ?? undefined;
        show(
          results,
          tally(items),
          table(['Subject', 'Workflow', 'Status', 'State', 'In it for', 'Started'], items.map(executionRow), { class: 'executions', empty: 'No executions match.', testid: 'executions' }),
          nextToken ? more : null,
        );
      } catch (error) {
        if (isCurrent()) show(results, errorBox(error));
      }
    };
    await load();
  };
  show(main, h('h2', {}, 'Executions'), filterBar(f, () => void render()), results);
  await render();
}
