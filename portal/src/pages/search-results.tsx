import type { MatchedField, PersonGroup, SearchHit } from '../../../functions/search/domain/answer';
import { href } from '../router';
import { Failure, More } from '../ui/components';
import type { SearchState } from './search-state';
import { dayWords, fieldWords, highlighted, HOW_WORDS, kindWords, plural, points, purposeWords } from './search-words';

/**
 * The answer to a search: likely people across sources, each with why its records were put
 * together, and each record with its source, kind, date, town and why it matched (the matched
 * value with its matching part marked, and the kind of match in words); the ranking of each
 * record is explained on demand. "Show more" reads the next page of people.
 */

export const recordHref = (source: string, recordId: string, purpose: string): string =>
  href(`/search/records/${encodeURIComponent(source)}/${encodeURIComponent(recordId)}`, { purpose });

/** A matched value with its matching parts in `<mark>`. */
function Marked(props: { readonly value: string; readonly highlight: MatchedField['highlight'] }) {
  return (
    <span class="search-value">
      {highlighted(props.value, props.highlight).map(([text, marked], i) => (marked ? <mark key={i}>{text}</mark> : text))}
    </span>
  );
}

function Why(props: { readonly matched: readonly MatchedField[] }) {
  if (!props.matched.length) return null;
  return (
    <ul class="search-why" aria-label="Why it matched">
      {props.matched.map((m, i) => (
        <li key={i}>
          <span class="search-field">{fieldWords(m.field)}:</span> <Marked value={m.value} highlight={m.highlight} /> <span class={`search-how how-${m.how}`}>{HOW_WORDS[m.how]}</span>
        </li>
      ))}
    </ul>
  );
}

/** The ranking explained: what each match added to the record's score. */
function Rank(props: { readonly hit: SearchHit }) {
  const { hit } = props;
  return (
    <details class="search-rank">
      <summary>How this record ranks (score {points(hit.score)})</summary>
      <ul>
        {hit.matched.map((m, i) => (
          <li key={i}>
            {fieldWords(m.field)}, {HOW_WORDS[m.how]}: {m.weight >= 0 ? '+' : ''}
            {points(m.weight)}
          </li>
        ))}
      </ul>
      <p class="muted">Records are ordered by score, the sum of what each match adds: an identifier or an exact name and date of birth weigh most, a typo or a sounds-alike less.</p>
    </details>
  );
}

function Hit(props: { readonly hit: SearchHit; readonly purpose: string }) {
  const { hit } = props;
  const as = [hit.name, hit.dob ? `born ${dayWords(hit.dob)}` : ''].filter(Boolean).join(', ');
  return (
    <li class="search-hit" data-source={hit.source} data-record={hit.recordId}>
      <p class="search-hit-title">
        <a href={recordHref(hit.source, hit.recordId, props.purpose)}>{hit.title}</a>
      </p>
      <p class="search-hit-meta">
        <span>{hit.sourceName}</span>
        <span>{kindWords(hit.kind)}</span>
        {hit.date ? <span>{dayWords(hit.date)}</span> : null}
        {hit.town ? <span>{hit.town}</span> : null}
        {as ? <span>as recorded: {as}</span> : null}
      </p>
      <Why matched={hit.matched} />
      <Rank hit={hit} />
    </li>
  );
}

function Person(props: { readonly group: PersonGroup; readonly purpose: string; readonly n: number }) {
  const { group } = props;
  const sources = new Set(group.hits.map((h) => h.source)).size;
  const id = `search-person-${props.n}`;
  return (
    <li class="card search-person" aria-labelledby={id}>
      <h3 id={id}>
        {group.name}
        {group.dob ? <span class="search-born">, born {dayWords(group.dob)}</span> : null}
      </h3>
      <p class="muted">
        {plural(group.hits.length, 'record')} from {plural(sources, 'source')}
      </p>
      {group.because.length ? (
        <p class="search-because">
          <span class="search-field">Why these are one person:</span> {group.because.join('; ')}
        </p>
      ) : null}
      <ol class="search-hits">
        {group.hits.map((h) => (
          <Hit key={`${h.source}/${h.recordId}`} hit={h} purpose={props.purpose} />
        ))}
      </ol>
    </li>
  );
}

/**
 * What the last search found. Its summary sits in a live region that is always on the page, so a
 * screen reader hears "Searching…" and then the count, without the focus leaving the form.
 */
export function SearchResults(props: { readonly state: SearchState; readonly onMore: () => void }) {
  const { asked, answers, loading, error } = props.state;
  const first = answers[0];
  const people = answers.flatMap((a) => a.people);
  const nextToken = answers[answers.length - 1]?.nextToken;
  return (
    <section class="search-results" aria-labelledby={asked ? 'search-results' : undefined}>
      {asked ? <h2 id="search-results">Results</h2> : null}
      <div class="search-summary" role="status">
        {asked && !first && loading ? <p class="muted">Searching…</p> : null}
        {asked && first ? (
          <p>
            {first.total ? `${plural(first.total, 'record')}, ${plural(people.length, 'person', 'people')} shown` : 'No record found'} for “{asked.q}”, purpose {purposeWords(first.purpose)}.{' '}
            <span class="muted">
              Recorded in the audit trail as query <code>{first.queryId}</code>.
            </span>
          </p>
        ) : null}
      </div>
      {asked && first && !people.length ? <p>No record you may see matches this search. Check the spelling, add a date of birth or an identifier, or clear the filters.</p> : null}
      {asked && people.length ? (
        <ol class="search-people">
          {people.map((g, i) => (
            <Person key={`${i}-${g.key}`} group={g} purpose={first?.purpose ?? asked.purpose} n={i} />
          ))}
        </ol>
      ) : null}
      {error ? <Failure error={error} /> : null}
      {asked ? <More nextToken={nextToken} loading={loading} onMore={props.onMore} /> : null}
    </section>
  );
}
