import type { PendingTask, Subject } from '../../../functions/ops/contract';
import { href } from '../router';
import { Status } from '../ui/components';

/** What the operations pages share: times in UTC, durations, links and badges. */

/** Times in UTC, as the logs and the audit trail give them, so an operator can match them up. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.floor(s);
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** How long ago, from now, for "since" columns. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? '—' : duration(Math.max(0, now - t));
}

export const executionHref = (id: string, reveal = false): string => href(`/ops/executions/${encodeURIComponent(id)}`, { reveal: reveal ? 'true' : undefined });

export const subjectText = (subject: Subject | undefined, fallback: string): string => (subject ? `${subject.type} ${subject.id}` : fallback);

/** An execution's status, and STUCK beside it when its step has taken longer than it should. */
export function ExecutionStatus(props: { readonly status: string; readonly stuck?: boolean }) {
  return (
    <span class="badges">
      <Status value={props.status} />
      {props.stuck ? <span class="badge stuck">STUCK</span> : null}
    </span>
  );
}

export const assigneeText = (t: PendingTask): string => [t.assignee.role, t.assignee.ori ? `agency ${t.assignee.ori}` : undefined, t.assignee.email].filter(Boolean).join(', ');

/** The section's own pages, under its one navigation entry. */
export function OpsNav(props: { readonly current?: 'executions' | 'tasks' }) {
  return (
    <nav aria-label="Operations" class="ops-nav">
      <a href={href('/ops')} aria-current={props.current === 'executions' ? 'page' : undefined}>
        Executions
      </a>
      <a href={href('/ops/tasks')} aria-current={props.current === 'tasks' ? 'page' : undefined}>
        Pending tasks
      </a>
    </nav>
  );
}

