import { useState } from 'preact/hooks';
import * as z from 'zod';
import { dayRange } from '../../../functions/audit/domain/query';
import type { LoggedSearch } from '../../../functions/search/domain/answer';
import { usePages } from '../api';
import type { Section } from '../kinds';
import { href, navigate, useLocation } from '../router';
import { Failure, Loading, More, Page, TableRegion } from '../ui/components';
import { TextField, useSchemaForm } from '../ui/form';
import { plural, purposeWords } from './search-words';

/**
 * The auditor's view of CISS Search (GET /search/log): who searched for what, why, and how many
 * records they found, by actor and dates, newest first, a page at a time. The API records each
 * read of the log in the audit trail. The search in the address holds only an actor and dates.
 */

const blank = <T extends z.core.$ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.optional(schema));

const LogFormSchema = z
  .object({
    actor: blank(z.string().trim().max(254, 'at most 254 characters')),
    from: blank(z.iso.date('must be a date')),
    to: blank(z.iso.date('must be a date')),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'], message: 'must be on or after the "from" day' });
type LogSearch = z.output<typeof LogFormSchema>;

/** GET /search/log's answer. */
interface LogAnswer {
  readonly searches: readonly LoggedSearch[];
  readonly nextToken?: string | null;
}

const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

function LogForm(props: { readonly current: LogSearch }) {
  const [actor, setActor] = useState(props.current.actor ?? '');
  const [from, setFrom] = useState(props.current.from ?? '');
  const [to, setTo] = useState(props.current.to ?? '');
  const form = useSchemaForm(LogFormSchema);
  return (
    <form
      class="card"
      role="search"
      aria-label="Search the searches"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const s = form.check({ actor, from, to });
        if (s) navigate('/search/log', { actor: s.actor, from: s.from, to: s.to });
      }}
    >
      <div class="filters">
        <TextField name="actor" label="Actor (optional)" hint="A username" problems={form.problems} value={actor} onValue={setActor} maxLength={254} autoComplete="off" />
        <TextField name="from" label="From (UTC day, optional)" type="date" problems={form.problems} value={from} onValue={setFrom} />
        <TextField name="to" label="To (UTC day, optional)" type="date" problems={form.problems} value={to} onValue={setTo} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Show searches
        </button>
      </div>
    </form>
  );
}

function Filters(props: { readonly filters: LoggedSearch['filters'] }) {
  const entries = Object.entries(props.filters);
  if (!entries.length) return <span class="muted">none</span>;
  return (
    <ul class="audit-details">
      {entries.map(([k, v]) => (
        <li key={k}>
          {k}: <code>{v}</code>
        </li>
      ))}
    </ul>
  );
}

function Searches(props: { readonly search: LogSearch }) {
  const s = props.search;
  const list = usePages(
    (api, nextToken) => api.get<LogAnswer>('/search/log', { actor: s.actor, from: s.from && dayRange(s.from).from, to: s.to && dayRange(s.to).to, limit: 25, nextToken }).then((a) => ({ items: a.searches, nextToken: a.nextToken })),
    [s.actor, s.from, s.to],
  );
  if (!list.pages) return list.error ? <Failure error={list.error} /> : <Loading what="the searches" />;
  const rows = list.items;
  return (
    <section aria-labelledby="search-log">
      <h2 id="search-log">{s.actor ? `Searches by ${s.actor}` : 'Searches'}</h2>
      {!rows.length ? <p>No search matches.</p> : null}
      {rows.length ? (
        <TableRegion label="Searches">
          <table class="search-log">
            <caption>
              {plural(rows.length, 'search', 'searches')}, newest first ({plural(list.pages, 'page')} read)
            </caption>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Actor</th>
                <th scope="col">Purpose</th>
                <th scope="col">Query</th>
                <th scope="col">Filters</th>
                <th scope="col">Results</th>
                <th scope="col">Audit</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.queryId}>
                  <td>
                    <time dateTime={r.at}>{utc(r.at)}</time>
                  </td>
                  <td>
                    <a href={href('/search/log', { actor: r.actor })}>{r.actor}</a>
                  </td>
                  <td>{purposeWords(r.purpose)}</td>
                  <td class="search-log-text">{r.text}</td>
                  <td>
                    <Filters filters={r.filters} />
                  </td>
                  <td>{r.results}</td>
                  <td>
                    <a href={href('/audit', { by: 'subject', subjectType: 'search-query', subject: r.queryId })}>
                      <code>{r.queryId}</code>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {list.error ? <Failure error={list.error} /> : null}
      <More nextToken={list.nextToken} loading={list.loading} onMore={list.more} />
    </section>
  );
}

function LogPage() {
  const loc = useLocation();
  const parsed = LogFormSchema.safeParse(Object.fromEntries(loc.query.entries()));
  const search = parsed.success ? parsed.data : {};
  return (
    <Page title="CISS searches" lead="Who searched CISS Search, when, for what and why, and how many records they found. Reading this log is itself recorded.">
      <LogForm key={loc.query.toString()} current={search} />
      <Searches key={JSON.stringify(search)} search={search} />
    </Page>
  );
}

export const searchLogPages: Section = {
  id: 'search-log',
  title: 'Searches',
  summary: 'CISS Search queries by actor and dates: the words, the purpose and the number of results.',
  roles: ['auditor'],
  home: '/search/log',
  routes: [{ pattern: '/search/log', render: () => <LogPage /> }],
};
