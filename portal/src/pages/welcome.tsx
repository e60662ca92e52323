import { usePortal } from '../api';
import { SYSTEM_USE_NOTICE } from '../notice';
import { currentLocation } from '../router';
import { Failure } from '../ui/components';

/**
 * Before sign-in: the CJIS system-use notification (AC-8), then sign-in. Also the page of a
 * locked session (AC-11) and of a finished sign-out; each says which it is.
 */
export function Welcome(props: { readonly reason: 'signed-out' | 'locked' | 'new'; readonly error?: Error }) {
  const { session, config } = usePortal();
  const here = currentLocation();
  const returnTo = `#${here.path}${here.query.size ? `?${here.query.toString()}` : ''}`;
  const title = props.reason === 'locked' ? 'Your session is locked' : props.reason === 'signed-out' ? 'You are signed out' : 'CISS portal';
  return (
    <main id="main" tabIndex={-1} class="welcome">
      <h1>{title}</h1>
      {props.reason === 'locked' ? <p class="lead">It locked after {config.idleMinutes} minutes without activity. Sign in again to go on where you were.</p> : null}
      {props.reason === 'signed-out' ? <p class="lead">Your session ended and its refresh token was revoked.</p> : null}
      {props.error ? <Failure error={props.error} /> : null}
      <section class="notice" aria-labelledby="notice-title">
        <h2 id="notice-title">{SYSTEM_USE_NOTICE.title}</h2>
        {SYSTEM_USE_NOTICE.paragraphs.map((p) => (
          <p key={p}>{p}</p>
        ))}
      </section>
      <p>
        <button type="button" class="primary" onClick={() => void session.signIn(returnTo)}>
          I understand: sign in
        </button>
      </p>
    </main>
  );
}
