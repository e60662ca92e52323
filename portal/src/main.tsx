import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PortalConfig } from '../config';
import { Api, PortalContext, type Portal } from './api';
import { Session } from './auth';
import { Home } from './pages/home';
import { Welcome } from './pages/welcome';
import { match, useLocation } from './router';
import { SECTIONS, sectionsFor } from './sections';
import { Failure, Page } from './ui/components';
import { Layout } from './ui/layout';

/** How often the idle lock looks at the clock. */
const IDLE_CHECK_MS = 15_000;

function App(props: { readonly portal: Portal; readonly signInError?: Error; readonly signedOut: boolean }) {
  const { session } = props.portal;
  const [, setState] = useState(session.state);
  const loc = useLocation();
  useEffect(() => {
    session.onChange = () => setState(session.state);
    const touch = () => session.touch();
    document.addEventListener('keydown', touch);
    document.addEventListener('pointerdown', touch);
    const timer = setInterval(() => void session.lockIfIdle(), IDLE_CHECK_MS);
    return () => {
      document.removeEventListener('keydown', touch);
      document.removeEventListener('pointerdown', touch);
      clearInterval(timer);
    };
  }, [session]);

  const person = session.person;
  if (session.state !== 'signed-in' || !person) {
    return <Welcome reason={session.state === 'locked' ? 'locked' : props.signedOut ? 'signed-out' : 'new'} error={props.signInError} />;
  }
  const sections = sectionsFor(person.roles);
  for (const section of sections) {
    for (const route of section.routes) {
      const params = match(route.pattern, loc.path);
      if (params) {
        return (
          <Layout person={person} sections={sections} current={section.id}>
            {route.render(params, loc.query)}
          </Layout>
        );
      }
    }
  }
  // A section's page that this person's roles do not open: the section may say why, in its words.
  const closed = SECTIONS.find((s) => s.refused && s.routes.some((r) => match(r.pattern, loc.path)));
  return (
    <Layout person={person} sections={sections}>
      {loc.path === '/' ? (
        <Home person={person} sections={sections} />
      ) : closed?.refused ? (
        <Page title={closed.title}>
          <Failure error={new Error(closed.refused)} />
        </Page>
      ) : (
        <Page title="Page not found">
          <Failure error={new Error(`There is no page at ${loc.path} for your roles.`)} />
          <p>
            <a href="#/">Go to the start page</a>
          </p>
        </Page>
      )}
    </Layout>
  );
}

async function boot(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const config = (await (await fetch('config.json')).json()) as PortalConfig;
  const session = new Session(config);
  const portal: Portal = { session, config, api: new Api(session, config.apiBase) };
  let signInError: Error | undefined;
  try {
    await session.completeSignIn();
  } catch (e) {
    signInError = e instanceof Error ? e : new Error(String(e));
  }
  root.replaceChildren();
  render(
    <PortalContext.Provider value={portal}>
      <App portal={portal} signInError={signInError} signedOut={session.consumeSignedOut()} />
    </PortalContext.Provider>,
    root,
  );
}

void boot();
