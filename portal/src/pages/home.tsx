import type { Person } from '../auth';
import { Page } from '../ui/components';
import type { Section } from '../kinds';

/** Where a person lands: the sections their roles open, and what each is for. */
export function Home(props: { readonly person: Person; readonly sections: readonly Section[] }) {
  return (
    <Page title="CISS portal" lead={`Signed in as ${props.person.username}.`}>
      {props.sections.length ? (
        <ul class="cards">
          {props.sections.map((s) => (
            <li key={s.id} class="card">
              <h2>
                <a href={`#${s.home}`}>{s.title}</a>
              </h2>
              <p>{s.summary}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p>Your account holds no role that uses the portal. Ask your agency administrator or the CCHRS unit.</p>
      )}
    </Page>
  );
}
