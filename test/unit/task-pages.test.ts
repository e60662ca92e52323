import fc from 'fast-check';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Task } from '../../functions/tasks/domain/task';
import type { TaskLink } from '../../functions/tasks/domain/use-cases';
import {
  alreadyDecidedPage,
  cancelledPage,
  confirmPage,
  decidedPage,
  emailFor,
  expiredPage,
  forbiddenPage,
  invalidPage,
  unavailablePage,
  unknownPage,
} from '../../functions/tasks/pages';
import { assertProperty } from './property';
import { aTask } from './task-fixtures';

const ATTACKS = ['<script>alert(1)</script>', '"><img src=x onerror=1>', "'><svg onload=alert(1)>", '</textarea><b>x</b>'];

/** A task whose every free-text field (and choice label, decider and reason) carries `text`. */
function hostileTask(text: string): Task {
  const base = aTask();
  return aTask({
    subject: { type: 'approval', id: text, title: `Title ${text}`, facts: [{ label: `Label ${text}`, value: `Value ${text}` }] },
    assignee: { ...base.assignee, email: `x${text}@example.org` },
    question: `Question ${text}`,
    choices: [
      { id: 'approve', label: `Approve ${text}`, commentRequired: false },
      { id: 'reject', label: `Reject ${text}`, commentRequired: true },
    ],
    decision: { choice: 'approve', comment: text, decidedBy: `by ${text}`, decidedAt: base.createdAt, channel: 'api' },
    closedReason: `reason ${text}`,
  });
}

function linksFor(task: Task, text = ''): TaskLink[] {
  return task.choices.map((c) => ({ choice: c, url: `https://api.example/approvals/${task.taskId}?choice=${c.id}&x=${text}` }));
}

/** Every page, by name, for a task (and hostile strings where a page takes them). */
function allPages(task: Task, text: string): [string, APIGatewayProxyResult][] {
  return [
    ['confirm (known choice)', confirmPage(task, 'approve', text, text)],
    ['confirm (unknown choice)', confirmPage(task, text, '1', 'sig')],
    ['decided', decidedPage(task)],
    ['already decided', alreadyDecidedPage(task)],
    ['already decided (unlisted choice)', alreadyDecidedPage({ ...task, decision: { ...task.decision!, choice: text } })],
    ['expired', expiredPage(task)],
    ['cancelled', cancelledPage(task)],
    ['invalid', invalidPage(text)],
  ];
}

describe('task pages escape attacker-controlled text', () => {
  it.each(ATTACKS)('never put %s into a page unescaped', (attack) => {
    for (const [name, page] of allPages(hostileTask(attack), attack)) {
      expect([name, page.body.includes(attack)]).toEqual([name, false]);
      expect([name, /<(script|img|svg|b)\b/i.test(page.body)]).toEqual([name, false]);
    }
  });

  it.each(ATTACKS)('never put %s into the e-mail html unescaped', (attack) => {
    const task = hostileTask(attack);
    const { html } = emailFor(task, linksFor(task, attack));

    expect(html.includes(attack)).toBe(false);
    expect(html).not.toMatch(/<(script|img|svg|b)\b/i);
  });

  it('shows the escaped text (the title reaches the page, as text)', () => {
    const page = confirmPage(hostileTask('<script>alert(1)</script>'), 'approve', '1', 's');

    expect(page.body).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps any text inside its element or attribute, for any string (no raw <, >, " or \' from the input)', () => {
    const marker = 'ZQ';
    assertProperty(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        fc.pre(!/[ZQ]/.test(raw));
        const text = `${marker}${raw}${marker}`;
        const task = hostileTask(text);
        const bodies = [...allPages(task, text).map(([, p]) => p.body), emailFor(task, linksFor(task)).html];
        return bodies.every((body) =>
          [...body.matchAll(/ZQ([\s\S]*?)ZQ/g)].every((m) => !/[<>"']/.test(m[1] ?? '')),
        );
      }),
    );
  });
});

describe('task page headers and status codes', () => {
  const task = aTask({ decision: { choice: 'approve', decidedBy: 'a@b.example', decidedAt: aTask().createdAt, channel: 'api' } });
  const pages: [string, number, APIGatewayProxyResult][] = [
    ['confirm', 200, confirmPage(task, 'approve', '1', 's')],
    ['decided', 200, decidedPage(task)],
    ['already decided', 409, alreadyDecidedPage(task)],
    ['expired', 410, expiredPage(task)],
    ['cancelled', 410, cancelledPage(task)],
    ['forbidden', 403, forbiddenPage()],
    ['unknown', 404, unknownPage()],
    ['invalid', 400, invalidPage('problem')],
    ['unavailable', 503, unavailablePage()],
  ];

  it.each(pages)('answers %s with status %d', (_name, status, page) => {
    expect(page.statusCode).toBe(status);
  });

  it.each(pages)('sends %s (status %d) as uncached, unreferred HTML that loads nothing from anywhere', (_name, _status, page) => {
    const headers = page.headers ?? {};

    expect(String(headers['Content-Security-Policy'])).toMatch(/^default-src 'none'(;|$)/);
    expect(String(headers['Content-Security-Policy'])).toContain("frame-ancestors 'none'");
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Cache-Control']).toBe('no-store');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).toContain('<meta name="robots" content="noindex">');
  });

  it('gives every page its own copy of the headers', () => {
    const a = unknownPage();
    (a.headers as Record<string, string>)['Cache-Control'] = 'public';

    expect(unknownPage().headers?.['Cache-Control']).toBe('no-store');
  });
});

describe('confirmPage', () => {
  const task = aTask();
  const hidden = (body: string) => Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));

  it('posts a form to itself with the choice, expiry and signature hidden in it', () => {
    const { body } = confirmPage(task, 'approve', '1800000000', 'SIG_-x');

    expect(body).toMatch(/<form method="post">/);
    expect(body).not.toMatch(/<form[^>]*action=/);
    expect(hidden(body)).toEqual({ choice: 'approve', expires: '1800000000', sig: 'SIG_-x' });
  });

  it('requires a reason for a comment-required choice', () => {
    const { body } = confirmPage(task, 'reject', '1', 's');

    expect(body).toMatch(/<textarea id="comment" name="comment"[^>]* required><\/textarea>/);
    expect(body).toContain('Reason (required)');
  });

  it('offers an optional comment for other choices', () => {
    const { body } = confirmPage(task, 'approve', '1', 's');

    expect(body).toMatch(/<textarea id="comment" name="comment"[^>]*><\/textarea>/);
    expect(body).not.toMatch(/<textarea[^>]* required/);
    expect(body).toContain('Comment (optional)');
  });

  it('says nothing has been decided yet and shows the choice on the button', () => {
    const { body } = confirmPage(task, 'reject', '1', 's');

    expect(body).toContain('Nothing has been decided yet');
    expect(body).toContain('<button type="submit">Reject</button>');
    expect(body).toContain('<title>Confirm: Reject</title>');
  });
});

describe('emailFor', () => {
  it('goes to the assignee with one link per choice, in the text and in the html', () => {
    const task = aTask();
    const links = linksFor(task);

    const mail = emailFor(task, links);

    expect(mail.to).toEqual([task.assignee.email]);
    for (const link of links) {
      expect(mail.text.split(link.url)).toHaveLength(2);
      expect(mail.text).toContain(`${link.choice.label}: ${link.url}`);
      expect(mail.html.split(`href="${link.url.replace(/&/g, '&amp;')}"`)).toHaveLength(2);
    }
    expect(mail.html.match(/<a href=/g)).toHaveLength(links.length);
  });

  it('names the question and the subject in the mail subject, with no reminder prefix the first time', () => {
    expect(emailFor(aTask(), []).subject).toBe('Approve this request? (Access for J. Doe)');
  });

  it('says "Reminder n of m" in the subject of a reminder', () => {
    expect(emailFor(aTask({ reminder: 1, maxReminders: 2 }), []).subject).toBe('Reminder 1 of 2: Approve this request? (Access for J. Doe)');
    expect(emailFor(aTask({ reminder: 2, maxReminders: 2 }), []).subject).toMatch(/^Reminder 2 of 2: /);
  });

  it('keeps the subject on one line and at most 200 characters, whatever the title', () => {
    assertProperty(
      fc.property(fc.string({ minLength: 1, maxLength: 400 }), (title) => {
        const subject = emailFor(aTask({ subject: { ...aTask().subject, title: `${title}\r\nBcc: x@evil.example` } }), []).subject;
        return !/[\r\n]/.test(subject) && subject.length <= 200;
      }),
    );
  });

  it('tells the assignee the links work once, only for them, and decide nothing until confirmed', () => {
    const { text } = emailFor(aTask(), []);

    expect(text).toContain('These links work once, only for clerk@court.ct.example');
    expect(text).toContain('nothing is decided until you confirm there');
  });

  it("links the step's page in the CISS portal, in the text and in the html, when the portal is known", () => {
    const task = aTask();
    const mail = emailFor(task, [], 'https://ciss.example/portal/');
    const page = `https://ciss.example/portal/#/tasks/${task.taskId}`;

    expect(mail.text).toContain(`Open in the CISS portal (sign-in): ${page}`);
    expect(mail.html).toContain(`<a href="${page}">Open in the CISS portal</a>`);
    expect(emailFor(task, []).text).not.toContain('CISS portal');
  });
});
