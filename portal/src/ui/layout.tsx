import type { ComponentChildren } from 'preact';
import type { Person } from '../auth';
import { usePortal } from '../api';
import type { Section } from '../kinds';

/** The frame of every signed-in page: a skip link, the sections this person may use, who is signed in, and sign-out. */
export function Layout(props: { readonly person: Person; readonly sections: readonly Section[]; readonly current?: string; readonly children: ComponentChildren }) {
  const { session } = usePortal();
  const { person } = props;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to the page
      </a>
      <header class="top">
        <p class="brand">
          <a href="#/">CISS portal</a>
        </p>
        <nav aria-label="Sections">
          <ul>
            {props.sections.map((s) => (
              <li key={s.id}>
                <a href={`#${s.home}`} aria-current={props.current === s.id ? 'page' : undefined}>
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>{person.username}</span>
          <span class="muted">
            {person.roles.join(', ')}
            {person.ori ? ` · ${person.ori}` : ''}
            {person.courts.length ? ` · ${person.courts.join(', ')}` : ''}
          </span>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
