import { adoptTokenFromFragment, token, tokenClaims } from './api';
import { h, show } from './dom';
import { when } from './format';
import { executionPage } from './pages/execution';
import { executionsPage } from './pages/executions';
import { tasksPage } from './pages/tasks';
import { errorBox } from './ui';

/**
 * The console's one script: a token gate, then three pages routed by the fragment
 * (`#/executions?…`, `#/executions/<id>`, `#/tasks`), so the server only ever serves one page
 * and no id or filter reaches its logs.
 */

let generation = 0;

function signIn(main: HTMLElement, reason: unknown): void {
  const input = h('input', { attrs: { type: 'password', name: 'token', id: 'token', autocomplete: 'off', required: '', spellcheck: 'false' } });
  show(
    main,
    h('h2', {}, 'Sign in'),
    errorBox(reason),
    h('p', {}, 'Open the console link that ', h('code', {}, 'npm start'), ' prints (it carries an operations token), or paste a token with the operations role (', h('code', {}, 'npm run token -- --role operations'), ').'),
    h(
      'form',
      {
        class: 'sign-in',
        on: {
          submit: (e) => {
            e.preventDefault();
            token.set(input.value);
            location.hash = '#/executions';
            void route();
          },
        },
      },
      h('label', { attrs: { for: 'token' } }, 'Token '),
      input,
      h('button', { attrs: { type: 'submit' } }, 'Use this token'),
    ),
  );
}

function header(): void {
  const who = document.getElementById('who');
  if (!who) return;
  const claims = tokenClaims();
  if (!claims) return show(who);
  show(
    who,
    h('span', {}, `${claims.username ?? 'unknown'} (${claims.roles.join(', ') || 'no role'})`),
    claims.expires ? h('span', { class: 'muted' }, ` until ${when(claims.expires.toISOString())}`) : null,
    ' ',
    h(
      'button',
      {
        attrs: { type: 'button' },
        on: {
          click: () => {
            token.clear();
            void route();
          },
        },
      },
      'Sign out',
    ),
  );
}

async function route(): Promise<void> {
  const main = document.getElementById('main');
  if (!main) return;
  const mine = ++generation;
  const isCurrent = () => mine === generation;
  header();
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-nav]')) {
    link.classList.toggle('active', link.dataset['nav'] === (parts[0] === 'tasks' ? 'tasks' : 'executions'));
  }
  if (!token.get()) return signIn(main, new Error('No operations token in this tab.'));
  try {
    if (parts[0] === 'tasks') return await tasksPage(main, params, isCurrent);
    if (parts[0] === 'executions' && parts[1]) return await executionPage(main, decodeURIComponent(parts[1]), params, isCurrent);
    return await executionsPage(main, params, isCurrent);
  } catch (error) {
    if (isCurrent()) show(main, errorBox(error));
  }
}

adoptTokenFromFragment();
window.addEventListener('hashchange', () => void route());
void route();
