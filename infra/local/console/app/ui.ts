import type { ExecutionStatus, Subject } from '../../../../functions/ops/contract';
import { ApiError } from './api';
import { h, type Child } from './dom';

export function statusBadge(status: ExecutionStatus | string, stuck = false): HTMLElement {
  return h('span', { class: 'badges' }, h('span', { class: `badge status-${status.toLowerCase()}` }, status), stuck ? h('span', { class: 'badge stuck' }, 'STUCK') : null);
}

export const executionHref = (id: string): string => `#/executions/${encodeURIComponent(id)}`;

export function subjectText(subject: Subject | undefined, fallback: string): string {
  return subject ? `${subject.type} ${subject.id}` : fallback;
}

/** What went wrong, in words an operator can act on; never data. */
export function errorBox(error: unknown): HTMLElement {
  const status = error instanceof ApiError ? error.status : undefined;
  const headline =
    status === 401
      ? 'Not signed in: the token is missing, expired or not from this runtime’s issuer (401).'
      : status === 403
        ? 'This token does not carry the operations role, so nothing is shown (403).'
        : status === 404
          ? 'Not found (404).'
          : status !== undefined
            ? `The request failed (${status}).`
            : 'The console could not reach the API.';
  const detail = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError ? error.problems : [];
  return h(
    'div',
    { class: 'error', attrs: { role: 'alert', 'data-status': status === undefined ? undefined : String(status) } },
    h('strong', {}, headline),
    ' ',
    detail,
    problems.length ? h('ul', {}, ...problems.map((p) => h('li', {}, `${p.field}: ${p.rule}`))) : null,
  );
}

export function table(headers: readonly string[], rows: readonly HTMLTableRowElement[], props: { class?: string; empty: string; testid?: string }): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted empty', attrs: { 'data-testid': props.testid } }, props.empty);
  return h(
    'table',
    { class: props.class, attrs: { 'data-testid': props.testid } },
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { attrs: { scope: 'col' } }, x)))),
    h('tbody', {}, ...rows),
  );
}

export const row = (...cells: Child[]): HTMLTableRowElement => h('tr', {}, ...cells.map((c) => h('td', {}, c)));

/** A definition list from label/value pairs, skipping values that are not there. */
export function facts(pairs: readonly (readonly [string, Child])[]): HTMLElement {
  return h('dl', { class: 'facts' }, ...pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function json(value: unknown): HTMLElement {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2) ?? 'undefined');
}
