import { useEffect, useState } from 'preact/hooks';
import * as z from 'zod';
import type { SourceStatus } from '../../../functions/search/domain/answer';
import { PurposeSchema } from '../../../functions/search/domain/purpose';
import { RECORD_KINDS, RecordKindSchema, SourceIdSchema } from '../../../functions/search/domain/record';
import { useLoad } from '../api';
import type { Section } from '../kinds';
import { Failure, Page } from '../ui/components';
import { SelectField, TextField, useSchemaForm } from '../ui/form';
import { RecordPage } from './search-record';
import { SearchResults } from './search-results';
import { readQuery, SearchQuerySchema } from '../../../functions/search/domain/query';
import { notCertified, NOT_CERTIFIED, useSearch, type SearchDraft } from './search-state';
import { kindWords, PURPOSE_OPTIONS, readingParts } from './search-words';

/**
 * CISS Search: one box over the fourteen source systems, for certified users (the `search` role).
 * As the person types, the page says how the box reads the query (names, dates of birth,
 * identifiers, words), from the same pure parser the API uses; no record is read until they press
 * Search, because each search is an audited query of criminal justice records, with its purpose.
 * The answer is grouped by likely person (search-results.tsx); a record opens on its own page
 * (search-record.tsx), with the purpose carried along.
 */

const blank = <T extends z.core.$ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.optional(schema));

/** The search form, in the page's words first, then as GET /search checks it (SearchQuerySchema). */
export const SearchFormSchema = z
  .object({
    q: z.string().trim().min(2, 'type at least 2 characters: a name, a date of birth or an identifier').max(200, 'at most 200 characters'),
    purpose: z.string().min(1, 'choose the purpose of this search: every query needs one (CJIS)').pipe(PurposeSchema),
    source: blank(SourceIdSchema),
    kind: blank(RecordKindSchema),
    from: blank(z.iso.date('must be a date')),
    to: blank(z.iso.date('must be a date')),
    town: blank(z.string().trim().max(60, 'at most 60 characters')),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'], message: 'must be on or after the "from" date' })
  // Then the API's own schema, so what it would refuse is said beside the field before sending.
  .pipe(SearchQuerySchema);

/** GET /search/sources's answer. */
interface SourcesAnswer {
  readonly sources: readonly SourceStatus[];
}

const KIND_OPTIONS: readonly (readonly [string, string])[] = [['', 'Every kind'], ...RECORD_KINDS.map((k) => [k, kindWords(k)] as const)];

/** How long typing must pause before the reading is announced (screen readers hear it once, not at each key). */
const READING_PAUSE_MS = 250;

/** How the box reads what is typed: shown and announced (a polite live region), never sent. */
function Reading(props: { readonly q: string }) {
  const [q, setQ] = useState(props.q);
  useEffect(() => {
    const timer = setTimeout(() => setQ(props.q), READING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [props.q]);
  const parts = q.trim().length >= 2 ? readingParts(readQuery(q)) : [];
  return (
    <div class="search-reading" id="search-reading" role="status">
      {parts.length ? (
        <p>
          <span class="search-reading-label">Reads as: </span>
          {parts.map((part, i) => (
            <span key={i} class="search-reading-part">
              {i ? ' · ' : ''}
              {part}
            </span>
          ))}
        </p>
      ) : (
        <p class="muted">{q.trim() ? 'Keep typing…' : 'How the box reads your query shows here as you type.'}</p>
      )}
    </div>
  );
}

function SearchPage() {
  const search = useSearch();
  const { draft } = search.state;
  const form = useSchemaForm(SearchFormSchema);
  const sources = useLoad((api) => api.get<SourcesAnswer>('/search/sources'), []);
  const edit = (change: Partial<SearchDraft>) => search.setDraft({ ...draft, ...change });
  const filtered = Boolean(draft.source || draft.kind || draft.from || draft.to || draft.town);
  const sourceOptions: readonly (readonly [string, string])[] = [
    ['', 'Every source'],
    ...[...(sources.data?.sources ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.id, `${s.name} (${s.agency})`] as const),
  ];

  function submit(e: Event) {
    e.preventDefault();
    void form.submit(draft, (asked) => search.run(asked), notCertified);
  }

  return (
    <Page
      title="CISS Search"
      lead="One box over the criminal justice source systems: names (spelt as you heard them, nicknames, sounds-alike), dates of birth and identifiers."
    >
      <form class="card search-form" role="search" aria-label="CISS Search" onSubmit={submit} noValidate>
        <TextField
          name="q"
          label="Search for"
          type="search"
          hint="A name, a date of birth, or an identifier: SID, FBI number, driver's licence, plate, docket, ORI with incident number. The page shows how it reads your words as you type; nothing is searched until you press Search, because each search is a query of criminal justice records, recorded in the audit trail with its purpose."
          problems={form.problems}
          value={draft.q}
          onValue={(q) => edit({ q })}
          maxLength={200}
          autoComplete="off"
        />
        <Reading q={draft.q} />
        <SelectField
          name="purpose"
          label="Purpose of this search"
          hint="Required on every query (CJIS), and kept with it."
          problems={form.problems}
          value={draft.purpose}
          onValue={(purpose) => edit({ purpose })}
          options={[['', 'Choose a purpose'], ...PURPOSE_OPTIONS]}
        />
        <details class="search-filters" open={filtered || ['source', 'kind', 'from', 'to', 'town'].some((f) => form.problems[f])}>
          <summary>Filters: source, record kind, dates, town{filtered ? ' (in use)' : ''}</summary>
          <div class="filters">
            <SelectField name="source" label="Source system" problems={form.problems} value={draft.source} onValue={(source) => edit({ source })} options={sourceOptions} />
            <SelectField name="kind" label="Record kind" problems={form.problems} value={draft.kind} onValue={(kind) => edit({ kind })} options={KIND_OPTIONS} />
            <TextField name="from" label="Record dated from" type="date" problems={form.problems} value={draft.from} onValue={(from) => edit({ from })} />
            <TextField name="to" label="Record dated to" type="date" problems={form.problems} value={draft.to} onValue={(to) => edit({ to })} />
            <TextField name="town" label="Town" problems={form.problems} value={draft.town} onValue={(town) => edit({ town })} maxLength={60} autoComplete="off" />
          </div>
          {sources.error ? <p class="muted">The list of source systems could not be read ({notCertified(sources.error).message}); you can still search every source.</p> : null}
        </details>
        <div class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {form.busy ? 'Searching…' : 'Search'}
          </button>
        </div>
        {form.error ? <Failure error={form.error} /> : null}
      </form>
      <SearchResults state={search.state} onMore={search.more} />
    </Page>
  );
}

export const searchPages: Section = {
  id: 'search',
  title: 'CISS Search',
  summary: 'Search the criminal justice source systems from one box: people across sources, each record and why it matched.',
  roles: ['search'],
  home: '/search',
  refused: NOT_CERTIFIED,
  routes: [
    { pattern: '/search', render: () => <SearchPage /> },
    { pattern: '/search/records/:source/:id', render: (p, query) => <RecordPage source={p['source'] ?? ''} id={p['id'] ?? ''} purpose={query.get('purpose')} /> },
  ],
};
