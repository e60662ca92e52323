import { formatDuration } from '../functions/ops/domain/duration';
import { isRedrivable, type ExecutionDetail, type ExecutionSummary, type PendingTask, type TimelineStep } from '../functions/ops/contract';

/** Plain-text tables: columns padded to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const at = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
const age = (iso: string | undefined, now: Date) => (iso ? formatDuration((now.getTime() - Date.parse(iso)) / 1000) : '');

export function executionsTable(items: readonly ExecutionSummary[], now: Date): string {
  if (items.length === 0) return 'No executions match.';
  return table(
    ['WORKFLOW', 'SUBJECT', 'STATUS', 'STATE', 'FOR', 'STARTED', 'NAME'],
    items.map((e) => [e.workflow, e.subject?.id ?? '', e.stuck ? `${e.status} (STUCK)` : e.status, e.currentState ?? '', e.status === 'RUNNING' ? age(e.currentSince, now) : '', at(e.startDate), e.name]),
  );
}

function stepLine(s: TimelineStep, running: boolean): string[] {
  return [s.state, s.type, at(s.enteredAt), s.durationMs === undefined ? (running ? 'now' : '-') : formatDuration(s.durationMs / 1000), s.retries ? String(s.retries) : '', s.error ? `${s.error}${s.cause ? `: ${s.cause}` : ''}` : ''];
}

export function executionReport(d: ExecutionDetail, now: Date): string {
  const lines = [
    `${d.workflow} execution ${d.name}   ${d.status}${d.stuck ? '   STUCK' : ''}`,
    `  ARN        ${d.executionArn}`,
    ...(d.subject ? [`  Subject    ${d.subject.type} ${d.subject.id}`] : []),
    `  Started    ${at(d.startDate)}${d.stopDate ? `   stopped ${at(d.stopDate)}` : ''}`,
    ...(d.currentState ? [`  ${d.status === 'RUNNING' ? 'In state  ' : 'Stopped in'} ${d.currentState} since ${at(d.currentSince)} (${age(d.currentSince, now)}${d.expectedSeconds !== undefined ? `; expected at most ${formatDuration(d.expectedSeconds)}` : ''})`] : []),
    ...(d.error ? [`  Error      ${d.error}`, ...(d.cause ? [`  Cause      ${d.cause}`] : [])] : []),
    ...(d.pendingTask
      ? [`  Waiting on ${d.pendingTask.assignee.role}${d.pendingTask.assignee.ori ? ` of ${d.pendingTask.assignee.ori}` : ''} <${d.pendingTask.assignee.email}> since ${at(d.pendingTask.since)} (task ${d.pendingTask.taskId})`]
      : []),
    '',
    table(['STATE', 'TYPE', 'ENTERED', 'DURATION', 'RETRIES', 'ERROR / CAUSE'], d.timeline.map((s) => stepLine(s, d.status === 'RUNNING'))),
  ];
  if (d.otherExecutions?.length) {
    lines.push('', 'Other executions of this subject:', executionsTable(d.otherExecutions, now));
  }
  lines.push('', d.revealed ? 'Inputs and outputs are REVEALED (this read was audited); --json shows them.' : 'Inputs and outputs are redacted; --reveal shows them (audited), --json prints them.');
  if (isRedrivable(d.status)) lines.push(`Redrive it with: ciss redrive ${d.subject?.id ?? d.executionArn}`);
  return lines.join('\n');
}

export function tasksTable(items: readonly PendingTask[]): string {
  if (items.length === 0) return 'No human task is waiting.';
  return table(
    ['WAITING', 'ON ROLE', 'ORI', 'E-MAIL', 'WORKFLOW', 'STEP', 'SUBJECT', 'SINCE', 'TASK'],
    items.map((t) => [formatDuration(t.ageSeconds), t.assignee.role, t.assignee.ori ?? '', t.assignee.email, t.workflow, t.step, t.subject.id, at(t.since), t.taskId]),
  );
}
