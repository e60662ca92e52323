/* global document, location */
/**
 * The local mailbox, read in the browser. The page holds no data: it reads the per-run secret
 * from its #fragment (never sent to a server by the browser) and asks `/store` with it. Mail is
 * shown as text only, built with DOM calls (no HTML from the mail is ever parsed), and only
 * http(s) links in it become links.
 */
const secret = new URLSearchParams(location.hash.slice(1)).get('secret') ?? '';
const headers = { 'X-Ciss-Local-Secret': secret };
const mails = document.getElementById('mails');
const status = document.getElementById('status');

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The text, with each http(s) URL in it as a link that opens apart, without a referrer. */
function linkified(text) {
  const pre = el('pre');
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    pre.append(text.slice(last, match.index));
    let url;
    try {
      url = new URL(match[0]);
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      const a = el('a', match[0]);
      a.href = url.href;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      pre.append(a);
    } else {
      pre.append(match[0]);
    }
    last = match.index + match[0].length;
  }
  pre.append(text.slice(last));
  return pre;
}

async function load() {
  if (!secret) {
    status.textContent = 'No secret in the link: open the Mailbox link that npm start printed.';
    return;
  }
  const res = await fetch('/store', { headers });
  if (!res.ok) {
    status.textContent = `The mailbox answered ${res.status}: open the Mailbox link of this run of npm start.`;
    return;
  }
  const { emails } = await res.json();
  mails.replaceChildren(
    ...emails
      .slice()
      .sort((a, b) => b.at - a.at)
      .map((m) => {
        const article = el('article');
        article.append(el('h2', m.subject || '(no subject)'));
        const to = (m.destination && m.destination.to) || [];
        article.append(el('p', `to ${to.join(', ')} · from ${m.from} · ${new Date(m.at * 1000).toISOString()}`, 'muted'));
        const body = m.body || {};
        article.append(body.text ? linkified(body.text) : el('p', 'This e-mail has no text part; its HTML part is not shown here.', 'muted'));
        return article;
      }),
  );
  status.textContent = `${emails.length} e-mail(s)`;
}

document.getElementById('reload').addEventListener('click', () => void load());
document.getElementById('clear').addEventListener('click', async () => {
  const res = await fetch('/clear-store', { method: 'POST', headers });
  status.textContent = res.ok ? 'Emptied.' : `The mailbox answered ${res.status}.`;
  await load();
});
void load();
