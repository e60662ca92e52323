import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api';

/**
 * The portal's few shared pieces: a page with its one heading, facts as a list, a status badge,
 * waiting and failure notices, and paging. Pages compose these; the stylesheet (portal.css) is
 * the one design.
 */

/** A page: its title in the tab and as the one `h1`, focused when the page opens (screen readers hear it). */
export function Page(props: { readonly title: string; readonly lead?: ComponentChildren; readonly children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · CISS portal`;
    heading.current?.focus();
  }, [props.title]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
    </>
  );
}

export type Fact = readonly [label: string, value: ComponentChildren];

/** Label / value pairs, as a description list. Empty values are left out. */
export function Facts(props: { readonly items: readonly Fact[]; readonly label?: string }) {
  const shown = props.items.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <dl class="facts" aria-label={props.label}>
      {shown.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** A status as a badge, coloured by what it means to the reader (waiting, done, stopped). */
export function Status(props: { readonly value: string }) {
  const v = props.value.toUpperCase();
  const tone = /FAIL|DENIED|REJECT|RETURN|EXPIRED|CANCEL|TIMED_OUT|ABORT|REMOVED|LOCKED|LAPSED|EXHAUSTED|SUSPENDED/.test(v) ? 'bad' : /ACTIVE|AVAILABLE|HISTORICAL|SUCCEEDED|DECIDED|ACCEPTED|TRANSMITTED|ADJUDICATED|DONE|CERTIFIED|RENEWED/.test(v) ? 'ok' : 'wait';
  return <span class={`badge tone-${tone}`}>{props.value.replace(/_/g, ' ')}</span>;
}

export function Loading(props: { readonly what?: string }) {
  return (
    <p class="muted" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

/** A failure, in the API's words; a 5xx shows its correlation id to quote. */
export function Failure(props: { readonly error: Error }) {
  const e = props.error;
  return (
    <div class="error" role="alert">
      <p>{e.message}</p>
      {e instanceof ApiError && e.problems.length ? (
        <ul>
          {e.problems.map((p) => (
            <li key={p.field}>
              <code>{p.field}</code>: {p.rule}
            </li>
          ))}
        </ul>
      ) : null}
      {e instanceof ApiError && e.correlationId ? <p class="muted">Correlation id: {e.correlationId}</p> : null}
    </div>
  );
}

/** A success notice, announced politely. */
export function Done(props: { readonly children: ComponentChildren }) {
  return (
    <div class="done" role="status">
      {props.children}
    </div>
  );
}

/** "More" for cursor-paged lists: the API's `nextToken`, if any. */
export function More(props: { readonly nextToken?: string | null; readonly onMore: (token: string) => void; readonly loading?: boolean }) {
  if (!props.nextToken) return null;
  const token = props.nextToken;
  return (
    <p>
      <button type="button" onClick={() => props.onMore(token)} disabled={props.loading}>
        Show more
      </button>
    </p>
  );
}

/** A date-time for people: local date and time, with the ISO value in `datetime`. */
export function When(props: { readonly at?: string | null }) {
  if (!props.at) return <span class="muted">—</span>;
  const d = new Date(props.at);
  return <time dateTime={props.at}>{Number.isNaN(d.getTime()) ? props.at : d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}</time>;
}

/**
 * A wide table's frame: it scrolls sideways on a narrow screen, so it is a labelled region that
 * takes keyboard focus (axe's scrollable-region-focusable), and a screen reader names it.
 */
export function TableRegion(props: { readonly label: string; readonly children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </div>
  );
}
