import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Email } from '#shared/adapters/mailer';
import { escapeHtml as e } from '#shared/html';
import { logger } from '#shared/observability';
import type { Task } from './domain/task';
import type { TaskLink } from './domain/use-cases';
import type { LinkOutcome } from './use-cases/links';
import { portalPage } from '#shared/portal';

/**
 * Pages a link opens: plain server-rendered HTML that works without JavaScript, may not be
 * framed, cached or referred, and loads nothing from anywhere.
 */
const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
} as const;

const style = 'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}dt{font-weight:600}textarea{width:100%}button{font-size:1rem;padding:.5rem 1rem}';

export function page(statusCode: number, title: string, body: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...pageHeaders },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${e(title)}</title><style>${style}</style></head><body><h1>${e(title)}</h1>${body}</body></html>`,
  };
}

function facts(task: Task): string {
  const rows = task.subject.facts.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('');
  return `<p><strong>${e(task.subject.title)}</strong></p>${rows ? `<dl>${rows}</dl>` : ''}`;
}

export function confirmPage(task: Task, choice: string, expires: string, signature: string): APIGatewayProxyResult {
  const c = task.choices.find((x) => x.id === choice);
  const label = c?.label ?? choice;
  const comment = `<p><label for="comment">${c?.commentRequired ? 'Reason (required)' : 'Comment (optional)'}</label><br><textarea id="comment" name="comment" rows="4" maxlength="2000"${c?.commentRequired ? ' required' : ''}></textarea></p>`;
  return page(
    200,
    `Confirm: ${label}`,
    `<p>${e(task.question)}</p>${facts(task)}<p>You are deciding as <strong>${e(task.assignee.email)}</strong>. Nothing has been decided yet.</p>` +
      `<form method="post"><input type="hidden" name="choice" value="${e(choice)}"><input type="hidden" name="expires" value="${e(expires)}"><input type="hidden" name="sig" value="${e(signature)}">${comment}<button type="submit">${e(label)}</button></form>` +
      `<p>This link expires ${e(new Date(task.expiresAt).toUTCString())}.</p>`,
  );
}

export function decidedPage(task: Task): APIGatewayProxyResult {
  const d = task.decision;
  const label = task.choices.find((c) => c.id === d?.choice)?.label ?? d?.choice ?? '';
  return page(200, 'Decision recorded', `<p>Your decision, <strong>${e(label)}</strong>, was recorded and the workflow has moved on.</p>${facts(task)}`);
}

export function alreadyDecidedPage(task: Task): APIGatewayProxyResult {
  const d = task.decision;
  const label = task.choices.find((c) => c.id === d?.choice)?.label ?? d?.choice ?? '';
  return page(409, 'Already decided', `<p>This was already decided: <strong>${e(label)}</strong> by ${e(d?.decidedBy ?? 'someone')} at ${e(d ? new Date(d.decidedAt).toUTCString() : '')}. Nothing was changed.</p>${facts(task)}`);
}

export function expiredPage(task: Task): APIGatewayProxyResult {
  return page(410, 'This link has expired', `<p>The time to decide ended ${e(new Date(task.expiresAt).toUTCString())}${task.closedReason ? ` (${e(task.closedReason)})` : ''}. If a reminder was sent, use the link in the newest e-mail.</p>`);
}

export function cancelledPage(task: Task): APIGatewayProxyResult {
  return page(410, 'No longer needed', `<p>The workflow stopped waiting for this decision${task.closedReason ? ` (${e(task.closedReason)})` : ''}, so nothing was recorded.</p>`);
}

export function invalidPage(problem: string): APIGatewayProxyResult {
  return page(400, 'Please check your decision', `<p>${e(problem)}</p><p>Go back to the previous page to try again.</p>`);
}

/** A choice that needs something done first: nothing was decided and the task stays open. */
export function notReadyPage(task: Task, problem: string): APIGatewayProxyResult {
  return page(409, 'Not yet', `<p>${e(problem)}</p><p>Nothing was decided; this task stays open until ${e(new Date(task.expiresAt).toUTCString())}.</p>${facts(task)}`);
}

export const forbiddenPage = (): APIGatewayProxyResult => page(403, 'This link is not valid', '<p>The link was changed or is not meant for this task. Use the link exactly as it arrived in your e-mail.</p>');
export const unknownPage = (): APIGatewayProxyResult => page(404, 'No such task', '<p>There is no task at this address.</p>');
export const unavailablePage = (): APIGatewayProxyResult => page(503, 'Please try again', '<p>The decision could not be handed to the workflow just now, so it was not recorded. Please try the link again in a minute.</p>');

/** The page for how a link was followed (use-cases/links.ts). */
export function linkPage(outcome: LinkOutcome): APIGatewayProxyResult {
  switch (outcome.kind) {
    case 'unknown':
      return unknownPage();
    case 'forbidden':
      return forbiddenPage();
    case 'confirm':
      return confirmPage(outcome.task, outcome.choice, outcome.expires, outcome.signature);
    case 'decided':
      return decidedPage(outcome.task);
    case 'already-decided':
      return alreadyDecidedPage(outcome.task);
    case 'expired':
      return expiredPage(outcome.task);
    case 'cancelled':
      return cancelledPage(outcome.task);
    case 'invalid':
      return invalidPage(outcome.problem);
    case 'not-ready':
      return notReadyPage(outcome.task, outcome.problem);
    case 'unavailable':
      return unavailablePage();
  }
}

/** Whatever went wrong behind a link page: a page that says nothing was decided, and the reference to quote. */
export function linkErrorPage(error: unknown, correlationId: string): APIGatewayProxyResult {
  logger.error('approval page failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
  return page(500, 'Something went wrong', `<p>Nothing was decided. Please try again later; if it keeps failing, quote this reference: ${e(correlationId)}.</p>`);
}

/** Longest subject line sent; mail clients cut or hide longer ones. */
export const SUBJECT_MAX = 200;

/**
 * `Reminder n of m: question (title)` on one line. When too long, the question is shortened at a
 * word with "…", so that the title, which says which case it is, always shows whole.
 */
export function subjectFor(task: Pick<Task, 'reminder' | 'maxReminders' | 'question' | 'subject'>): string {
  const line = (s: string) => s.replace(/\s+/g, ' ').trim();
  const reminder = task.reminder > 0 ? `Reminder ${task.reminder} of ${task.maxReminders}: ` : '';
  const title = ` (${line(task.subject.title)})`;
  const question = line(task.question);
  const room = SUBJECT_MAX - reminder.length - title.length;
  if (question.length <= room) return `${reminder}${question}${title}`;
  const cut = question.slice(0, Math.max(room - 1, 0));
  const atWord = cut.lastIndexOf(' ') > room / 2 ? cut.slice(0, cut.lastIndexOf(' ')) : cut;
  return `${reminder}${atWord}…${title}`.slice(0, SUBJECT_MAX);
}

/** The e-mail to the assignee: what to decide, the facts, one link per choice. */
export function emailFor(task: Task, links: readonly TaskLink[], portalUrl?: string): Email {
  const subject = subjectFor(task);
  const expires = new Date(task.expiresAt).toUTCString();
  const notice = `These links work once, only for ${task.assignee.email}, until ${expires}. Opening a link shows a confirmation page; nothing is decided until you confirm there.`;
  // The same step in the CISS portal, after sign-in: the page shows what the links' pages show, and more.
  const portal = portalUrl ? portalPage(portalUrl, 'tasks', task.taskId) : undefined;
  const text = [task.question, '', task.subject.title, ...task.subject.facts.map((f) => `  ${f.label}: ${f.value}`), '', ...links.map((l) => `${l.choice.label}: ${l.url}`), '', notice, ...(portal ? ['', `Open in the CISS portal (sign-in): ${portal}`] : [])].join('\n');
  const html =
    `<p>${e(task.question)}</p>${facts(task)}` +
    `<p>${links.map((l) => `<a href="${e(l.url)}">${e(l.choice.label)}</a>`).join(' &nbsp; ')}</p><p>${e(notice)}</p>` +
    (portal ? `<p><a href="${e(portal)}">Open in the CISS portal</a> (sign-in)</p>` : '');
  return { to: [task.assignee.email], subject, text, html };
}
