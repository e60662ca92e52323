import { useEffect, useState } from 'preact/hooks';
import * as z from 'zod';
import { AuditDaySchema, AuditQuerySchema, dayRange, type AuditAnswer, type AuditRecordView } from '../../../functions/audit/domain/query';
import { usePages, usePortal } from '../api';
import { href, navigate, useLocation } from '../router';
import type { Section } from '../kinds';
import { Done, Failure, Loading, More, Page, TableRegion } from '../ui/components';
import { SelectField, TextField, useSchemaForm } from '../ui/form';
import { auditCsv } from './audit-csv';

/**
 * The auditor's section: the audit trail by subject, by actor or by day (a UTC date), newest
 * first, a page at a time, and the whole answer as CSV. Every page read, the export's included,
 * is a GET /audit, which the API itself records in the trail (AuditTrailRead): the portal adds
 * no read of its own. Records hold ids, never personal data, and are shown as they are.
 */

type By = Search['by'];
const PAGE_SIZES = ['25', '50', '100', '500'] as const;
/** The export reads with the API's largest page, so a day of a busy court costs few requests. */
const EXPORT_PAGE = 500;

const optionalDay = z.preprocess((v) => (v === '' ? undefined : v), z.optional(AuditDaySchema));
const required = (max: number, what: string) => z.string().trim().min(1, `give ${what}`).max(max, `at most ${max} characters`);

/** The search form, by what it searches; its API query is then checked with the API's own AuditQuerySchema. */
const SearchSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('subject'), subjectType: required(40, 'the subject type (e.g. arrest-packet)'), subject: required(120, 'the subject id'), day: optionalDay, limit: z.enum(PAGE_SIZES) }),
  z.object({ by: z.literal('actor'), actor: required(254, 'the actor (a username or client id)'), day: optionalDay, limit: z.enum(PAGE_SIZES) }),
  z.object({ by: z.literal('day'), day: AuditDaySchema, limit: z.enum(PAGE_SIZES) }),
]);
type Search = z.output<typeof SearchSchema>;

/** The search in the address (`#/audit?by=actor&actor=…`), so a search can be linked and reloaded. */
function searchOf(query: URLSearchParams): Search | undefined {
  const parsed = SearchSchema.safeParse(Object.fromEntries([...query.entries(), ['limit', query.get('limit') ?? '50']]));
  return parsed.success ? parsed.data : undefined;
}

/** GET /audit's parameters for a search: a day becomes the UTC day's from and to. */
function apiQuery(s: Search): Record<string, string | undefined> {
  const range = s.day ? dayRange(s.day) : undefined;
  const query = {
    subjectType: s.by === 'subject' ? s.subjectType : undefined,
    subject: s.by === 'subject' ? s.subject : undefined,
    actor: s.by === 'actor' ? s.actor : undefined,
    from: range?.from,
    to: range?.to,
  };
  AuditQuerySchema.parse(query);
  return query;
}

const searchLabel = (s: Search): string =>
  `${s.by === 'subject' ? `subject ${s.subjectType} ${s.subject}` : s.by === 'actor' ? `actor ${s.actor}` : 'day'}${s.day ? ` ${s.day}` : ''}`;

const fileName = (s: Search): string => `audit-${searchLabel(s).replace(/[^A-Za-z0-9._-]+/g, '-')}.csv`;

/** UTC, as the trail stores it and as a day is searched. */
const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

function SearchForm(props: { readonly current?: Search }) {
  const c = props.current;
  const [by, setBy] = useState<By>(c?.by ?? 'day');
  const [subjectType, setSubjectType] = useState(c?.by === 'subject' ? c.subjectType : '');
  const [subject, setSubject] = useState(c?.by === 'subject' ? c.subject : '');
  const [actor, setActor] = useState(c?.by === 'actor' ? c.actor : '');
  const today = new Date().toISOString().slice(0, 10);
  // A day narrows a subject's or an actor's trail only when asked; a search by day starts at today (UTC).
  const [day, setDay] = useState(c ? (c.day ?? '') : today);
  const [limit, setLimit] = useState<string>(c?.limit ?? '50');
  const form = useSchemaForm(SearchSchema);

  function submit(e: Event) {
    e.preventDefault();
    const s = form.check({ by, subjectType, subject, actor, day, limit });
    if (!s) return;
    navigate('/audit', {
      by: s.by,
      subjectType: s.by === 'subject' ? s.subjectType : undefined,
      subject: s.by === 'subject' ? s.subject : undefined,
      actor: s.by === 'actor' ? s.actor : undefined,
      day: s.day,
      limit: s.limit === '50' ? undefined : s.limit,
    });
  }

  return (
    <form class="card audit-search" role="search" aria-label="Search the audit trail" onSubmit={submit} noValidate>
      <div class="filters">
        <SelectField
          name="by"
          label="Search by"
          problems={form.problems}
          value={by}
          onValue={(v) => {
            setBy(v as By);
            setDay(v === 'day' ? day || today : '');
            form.clear();
          }}
          options={[
            ['day', 'Day'],
            ['actor', 'Actor'],
            ['subject', 'Subject'],
          ]}
        />
        {by === 'subject' ? (
          <>
            <TextField name="subjectType" label="Subject type" hint="e.g. arrest-packet, access-request, account, task" problems={form.problems} value={subjectType} onValue={setSubjectType} maxLength={40} />
            <TextField name="subject" label="Subject id" problems={form.problems} value={subject} onValue={setSubject} maxLength={120} />
          </>
        ) : null}
        {by === 'actor' ? <TextField name="actor" label="Actor" hint="A username or a machine client's id" problems={form.problems} value={actor} onValue={setActor} maxLength={254} autoComplete="off" /> : null}
        <TextField name="day" label={by === 'day' ? 'Day (UTC)' : 'Day (UTC, optional)'} type="date" problems={form.problems} value={day} onValue={setDay} />
        <SelectField name="limit" label="Per page" problems={form.problems} value={limit} onValue={setLimit} options={PAGE_SIZES.map((n) => [n, n] as const)} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Search
        </button>
      </div>
    </form>
  );
}

function Details(props: { readonly details?: AuditRecordView['details'] }) {
  const entries = Object.entries(props.details ?? {});
  if (!entries.length) return null;
  return (
    <ul class="audit-details">
      {entries.map(([k, v]) => (
        <li key={k}>
          {k}: <code>{String(v)}</code>
        </li>
      ))}
    </ul>
  );
}

function RecordTable(props: { readonly records: readonly AuditRecordView[]; readonly caption: string }) {
  return (
    <TableRegion label="Audit records">
      <table class="audit-records">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Event</th>
            <th scope="col">Outcome</th>
            <th scope="col">Actor</th>
            <th scope="col">Subject</th>
            <th scope="col">Component</th>
            <th scope="col">Source</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.records.map((r, i) => (
            <tr key={`${r.at}-${i}`} data-type={r.type}>
              <td>
                <time dateTime={r.at}>{utc(r.at)}</time>
              </td>
              <td>{r.type}</td>
              <td class={`outcome-${r.outcome}`}>{r.outcome}</td>
              <td>
                <a href={href('/audit', { by: 'actor', actor: r.actor })}>{r.actor}</a>
              </td>
              <td>
                <a href={href('/audit', { by: 'subject', subjectType: r.subject.type, subject: r.subject.id })}>
                  {r.subject.type} <code>{r.subject.id}</code>
                </a>
              </td>
              <td>{r.component}</td>
              <td>{r.source?.ip ?? ''}</td>
              <td>
                <Details details={r.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** The answer to one search: its pages so far ("Show more" reads the next), and the export. */
function Results(props: { readonly search: Search }) {
  const { api } = usePortal();
  const s = props.search;
  const key = JSON.stringify(s);
  const list = usePages((a, nextToken) => a.get<AuditAnswer>('/audit', { ...apiQuery(s), limit: s.limit, nextToken }).then((page) => ({ items: page.records, nextToken: page.nextToken })), [key]);
  const { items: records, pages, loading } = list;
  const [error, setError] = useState<Error>();
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<{ records: number; pages: number; file: string }>();
  useEffect(() => setExported(undefined), [key]);

  /** Reads the whole answer from its first page (each read audited), then hands the browser a CSV file. */
  async function exportCsv() {
    setExporting(true);
    setError(undefined);
    setExported(undefined);
    try {
      const all: AuditRecordView[] = [];
      let token: string | undefined;
      let count = 0;
      do {
        const page = await api.get<AuditAnswer>('/audit', { ...apiQuery(s), limit: EXPORT_PAGE, nextToken: token });
        all.push(...page.records);
        token = page.nextToken ?? undefined;
        count += 1;
      } while (token);
      const file = fileName(s);
      const url = URL.createObjectURL(new Blob([auditCsv(all)], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      // The download has taken the blob by the next task; the URL need not outlive it.
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      setExported({ records: all.length, pages: count, file });
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setExporting(false);
    }
  }

  return (
    <section aria-labelledby="audit-results">
      <h2 id="audit-results">Records: {searchLabel(s)}</h2>
      {s.by === 'actor' ? (
        <p>
          <a href={href('/search/log', { actor: s.actor })}>{s.actor}'s CISS searches</a>: the words and purpose of each.
        </p>
      ) : null}
      <div class="actions">
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export all to CSV'}
        </button>
        <span class="muted">The export reads every page of this search; each read is recorded in the audit trail.</span>
      </div>
      {exported ? (
        <Done>
          Exported {exported.records} record{exported.records === 1 ? '' : 's'} ({exported.pages} page{exported.pages === 1 ? '' : 's'} read) to {exported.file}.
        </Done>
      ) : null}
      {error ?? list.error ? <Failure error={(error ?? list.error) as Error} /> : null}
      {loading && !pages ? <Loading what="the audit trail" /> : null}
      {pages && !records.length ? <p>No record matches this search.</p> : null}
      {records.length ? <RecordTable records={records} caption={`${records.length} record${records.length === 1 ? '' : 's'}, newest first (${pages} page${pages === 1 ? '' : 's'} read)`} /> : null}
      <More nextToken={list.nextToken} loading={loading} onMore={list.more} />
    </section>
  );
}

function AuditPage() {
  const loc = useLocation();
  const search = searchOf(loc.query);
  return (
    <Page title="Audit trail" lead="Who did what to which record, and when: by subject, by actor or by day (UTC). Every search you make is itself recorded.">
      <SearchForm key={loc.query.toString()} current={search} />
      {/* A new search is a new answer: no rows of the last one while it loads. */}
      {search ? <Results key={JSON.stringify(search)} search={search} /> : null}
    </Page>
  );
}

export const auditPages: Section = {
  id: 'audit',
  title: 'Audit trail',
  summary: 'The audit trail by subject, actor or day, page by page, and its export to CSV.',
  roles: ['auditor'],
  home: '/audit',
  routes: [{ pattern: '/audit', render: () => <AuditPage /> }],
};
