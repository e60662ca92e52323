import { useState } from 'preact/hooks';
import * as z from 'zod';
import type { RecordAnswer } from '../../../functions/search/domain/answer';
import { PurposeSchema } from '../../../functions/search/domain/purpose';
import { ApiError, useLoad, usePortal } from '../api';
import { navigate } from '../router';
import { Facts, Failure, Loading, Page, When } from '../ui/components';
import { SelectField, useSchemaForm } from '../ui/form';
import { notCertified, rememberedSearch } from './search-state';
import { dayWords, IDENTIFIER_WORDS, isPurpose, kindWords, PURPOSE_OPTIONS, purposeWords } from './search-words';

/**
 * One record as the caller may see it (GET /search/records/{source}/{id}?purpose=): its source
 * and agency, kind, dates, names, identifiers and fields. Opening a record is audited with its
 * purpose, so the API requires one: from a result it is carried in the link; opened cold (a link
 * passed on, a bookmark) the page asks for it first and reads nothing until it is given.
 */

const PurposeForm = z.object({ purpose: z.string().min(1, 'choose why you open this record: every record view needs a purpose (CJIS)').pipe(PurposeSchema) });

const recordPath = (source: string, id: string) => `/search/records/${encodeURIComponent(source)}/${encodeURIComponent(id)}`;

function AskPurpose(props: { readonly source: string; readonly id: string }) {
  const [purpose, setPurpose] = useState('');
  const form = useSchemaForm(PurposeForm);
  return (
    <Page title="Open a search record" lead={`Record ${props.id} of ${props.source}.`}>
      <form
        class="card"
        aria-label="Why you open this record"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const checked = form.check({ purpose });
          if (checked) navigate(recordPath(props.source, props.id), { purpose: checked.purpose });
        }}
      >
        <p>Opening a record is a query of criminal justice data: it is recorded in the audit trail with its purpose. Choose the purpose first.</p>
        <SelectField name="purpose" label="Purpose of this record view" problems={form.problems} value={purpose} onValue={setPurpose} options={[['', 'Choose a purpose'], ...PURPOSE_OPTIONS]} />
        <div class="actions">
          <button type="submit" class="primary">
            Open the record
          </button>
        </div>
      </form>
    </Page>
  );
}

function Shown(props: { readonly record: RecordAnswer; readonly purpose: string; readonly back: boolean }) {
  const r = props.record;
  return (
    <Page title={r.title} lead={`${r.sourceName}, ${r.agency}`}>
      <p class="search-purpose">
        Opened for purpose {purposeWords(props.purpose)}. This view is recorded in the audit trail.
        {props.back ? (
          <>
            {' '}
            <a href="#/search">Back to the results</a>
          </>
        ) : null}
      </p>
      {r.juvenile ? <p class="warning">A juvenile record: confidential (CGS § 46b-124). Shown only to the roles the law allows; do not pass it on.</p> : null}
      <section class="document" aria-labelledby="record-facts">
        <h2 id="record-facts">The record</h2>
        <Facts
          label="The record"
          items={[
            ['Source system', r.sourceName],
            ['Agency', r.agency],
            ['Record kind', kindWords(r.kind)],
            ['Date', r.date ? dayWords(r.date) : undefined],
            ['Town', r.town],
            [
              r.names.length > 1 ? 'Names' : 'Name',
              r.names.length ? (
                <ul class="search-list">
                  {r.names.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              ) : undefined,
            ],
            ['Born', r.dob ? dayWords(r.dob) : undefined],
            [
              'Identifiers',
              r.identifiers.length ? (
                <ul class="search-list">
                  {r.identifiers.map((i) => (
                    <li key={`${i.kind}-${i.value}`}>
                      {IDENTIFIER_WORDS[i.kind]} <code>{i.value}</code>
                    </li>
                  ))}
                </ul>
              ) : undefined,
            ],
            ['Record id', <code>{r.recordId}</code>],
            ['Version', String(r.version)],
            ['Received by search', <When at={r.indexedAt} />],
          ]}
        />
        {r.fields.length ? (
          <section aria-labelledby="record-fields">
            <h2 id="record-fields">As the source gives it</h2>
            <Facts label="As the source gives it" items={r.fields.map((f) => [f.label, f.value] as const)} />
          </section>
        ) : null}
      </section>
    </Page>
  );
}

function Record(props: { readonly source: string; readonly id: string; readonly purpose: string }) {
  const { session } = usePortal();
  const { source, id, purpose } = props;
  const record = useLoad((api) => api.get<RecordAnswer>(recordPath(source, id), { purpose }), [source, id, purpose]);
  if (record.data) return <Shown record={record.data} purpose={purpose} back={rememberedSearch(session.person?.username) !== undefined} />;
  if (record.error) {
    const e = record.error;
    const said = e instanceof ApiError && e.status === 404 ? new Error(`There is no record ${id} of ${source} that you may see: it may never have existed, or it was erased or sealed.`) : notCertified(e);
    return (
      <Page title="Search record">
        <Failure error={said} />
        <p>
          <a href="#/search">Go to CISS Search</a>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Search record">
      <Loading what="the record" />
    </Page>
  );
}

export function RecordPage(props: { readonly source: string; readonly id: string; readonly purpose: string | null }) {
  return isPurpose(props.purpose) ? <Record source={props.source} id={props.id} purpose={props.purpose} /> : <AskPurpose source={props.source} id={props.id} />;
}
