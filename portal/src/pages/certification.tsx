import { useState } from 'preact/hooks';
import { CERTIFICATION_STATUSES, NewCertificationSchema } from '../../../functions/certification/domain/certification';
import type { listCertifications, myCertification } from '../../../functions/certification/use-cases/read';
import { ApiError, useLoad, usePages, usePortal, type ListPage } from '../api';
import type { Section } from '../kinds';
import { href, navigate } from '../router';
import { Done, Facts, Failure, Loading, More, Page, Status, When, TableRegion } from '../ui/components';
import { SelectField, useSchemaForm } from '../ui/form';
import { EmployeeRequestForm } from './employee-request';
import { AttemptTable, AwarenessForm, CertificationFacts, ExamResultForm, NextCertificationStep, PERSON_ROLES, statusWords, useCertification, type CertificationView } from './certification-parts';

/**
 * CISS Search certification (issue 17) in the portal. The agency administrator requests CISS
 * Search access for an employee and follows each request through its steps (training assigned,
 * exam attempts with their scores, granted with its expiry, renewal due, lapsed, ended) and asks
 * for the renewal; the unit sees every request, enters exam results and records renewed Security
 * Awareness Training; every person sees their own certification and its expiry.
 */

type Summary = Awaited<ReturnType<typeof listCertifications>>['items'][number];
type Mine = Awaited<ReturnType<typeof myCertification>>;

const useCertificationPages = (status: string) =>
  usePages((api, nextToken) => api.get<ListPage<Summary>>('/search-certifications', { status, limit: 25, nextToken }), [status]);


function CertificationTable(props: { readonly items: readonly Summary[]; readonly unit: boolean; readonly caption: string }) {
  if (!props.items.length) return <p>No certifications.</p>;
  return (
    <TableRegion label={`Certifications: ${props.caption}`}>
      <table class="certifications">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Employee</th>
            <th scope="col">Status</th>
            <th scope="col">Current step</th>
            <th scope="col">Expires</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((c) => (
            <tr key={c.certificationId}>
              <td>
                <a href={href(`/search-certifications/${c.certificationId}`)}>{c.employee}</a>
                {props.unit ? <span class="muted"> · {c.ori}</span> : null}
                {c.renews ? <span class="muted"> · renewal</span> : null}
              </td>
              <td>
                <Status value={c.status} />
                {c.renewalDue ? <span class="badge tone-wait">renewal due</span> : null}
              </td>
              <td>{c.step}</td>
              <td>
                <When at={c.expiresAt} />
              </td>
              <td>
                <When at={c.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** The signed-in person's own certification (GET /me/search-certification): status, step and expiry. */
function MyCertification() {
  const mine = useLoad((api) => api.get<Mine>('/me/search-certification'), []);
  return (
    <section class="card next" aria-labelledby="my-certification">
      <h2 id="my-certification">Your CISS Search certification</h2>
      {mine.error ? <Failure error={mine.error} /> : null}
      {mine.loading && !mine.data ? <Loading what="your certification" /> : null}
      {mine.data ? <MyStanding mine={mine.data} /> : null}
    </section>
  );
}

function MyStanding(props: { readonly mine: Mine }) {
  const { certification: c, role } = props.mine;
  if (!c) return <p>You hold no CISS Search certification. Your agency administrator requests it for you; you then take CISS Search User Training and the certification exam.</p>;
  return (
    <>
      <p>
        <Status value={c.status} /> {c.step}.
      </p>
      <Facts
        label="Your certification"
        items={[
          ['Search role', role ? (role.held ? <>yours until <When at={role.expiresAt} /></> : <>not yours now ({role.status === 'SUSPENDED' ? 'suspended' : 'expired'})</>) : 'not granted yet'],
          ['Expires', c.expiresAt ? <When at={c.expiresAt} /> : null],
          ['Renewal', c.renewalDue ? 'due now: ask your agency administrator, and keep your Security Awareness Training current' : null],
          ['Exam attempts', c.attempts.length ? c.attempts.map((a) => `${a.score}${a.passed ? ' (passed)' : ''}`).join(', ') : null],
          ['Certification', <code>{c.certificationId}</code>],
          ['Demo seed', c.seeded ? `seeded by ${c.seeded}, not an exam taken` : null],
        ]}
      />
    </>
  );
}

/** The agency administrator's certifications, newest first, and a new request. */
function AgencyCertifications() {
  const list = useCertificationPages('');
  return (
    <section aria-labelledby="agency-certifications">
      <h2 id="agency-certifications">Your agency’s CISS Search certifications</h2>
      <p>
        <a class="button primary" href={href('/search-certifications/new')}>
          Request CISS Search access for an employee
        </a>
      </p>
      {list.error ? <Failure error={list.error} /> : null}
      {list.loading && !list.items.length ? <Loading what="your agency’s certifications" /> : <CertificationTable items={list.items} unit={false} caption="Newest first" />}
      <More nextToken={list.nextToken} onMore={list.more} loading={list.loading} />
    </section>
  );
}

/** The unit's view: every certification, by status. */
function UnitCertifications() {
  const [status, setStatus] = useState('');
  const list = useCertificationPages(status);
  return (
    <section aria-labelledby="unit-certifications">
      <h2 id="unit-certifications">Every CISS Search certification</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the certifications">
        <SelectField name="status" label="Status" problems={{}} value={status} onValue={setStatus} options={[['', 'Any status'], ...CERTIFICATION_STATUSES.map((s) => [s, statusWords(s)] as const)]} />
      </form>
      {list.error ? <Failure error={list.error} /> : null}
      {list.loading && !list.items.length ? <Loading what="the certifications" /> : <CertificationTable items={list.items} unit caption={status ? `${statusWords(status)}, newest first` : 'Every certification, newest first'} />}
      <More nextToken={list.nextToken} onMore={list.more} loading={list.loading} />
    </section>
  );
}

function CertificationHome() {
  const roles = usePortal().session.person?.roles ?? [];
  return (
    <Page title="CISS Search certification" lead="CISS Search access comes only through CISS Search User Training and its certification exam, for a year at a time; Security Awareness Training must be current.">
      <MyCertification />
      {roles.includes('agency-admin') ? <AgencyCertifications /> : null}
      {roles.includes('unit') ? <UnitCertifications /> : null}
    </Page>
  );
}

/** POST /search-certifications, on the API's own schema: each field's problem beside the field. */
function NewCertification() {
  const { api, session } = usePortal();
  const ori = session.person?.ori ?? '';
  const form = useSchemaForm(NewCertificationSchema);
  const [fields, setFields] = useState({ fullName: '', email: '' });
  const set = (key: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [key]: value }));
  const submit = () =>
    form.submit({ employee: { fullName: fields.fullName, email: fields.email }, ori }, async (body) =>
      navigate(`/search-certifications/${(await api.post<{ certificationId: string }>('/search-certifications', body)).certificationId}`),
    );
  return (
    <Page
      title="Request CISS Search access for an employee"
      lead="The employee needs an active CCHRS account of your agency with Security Awareness Training completed on CJIS Online within the last year. CISS Search User Training is then assigned; a pass at the certification exam grants the search role for a year."
    >
      <EmployeeRequestForm ori={ori} form={form} employee={fields} onEmployee={set} emailHint="The e-mail of the employee’s CCHRS account." shown={[]} cancelTo="/search-certifications" onSubmit={() => void submit()} />
    </Page>
  );
}

/** The agency administrator asks for the renewal: the same request again, for the same employee. */
function Renewal(props: { readonly c: CertificationView }) {
  const { api } = usePortal();
  const [state, setState] = useState<{ busy?: boolean; error?: Error }>({});
  const { c } = props;
  // Due by the API's clock (the browser's may differ): from 30 days before expiry, or after a lapse.
  const due = c.renewalDue || c.status === 'LAPSED';
  if (c.status !== 'CERTIFIED' && c.status !== 'LAPSED') return null;
  async function renew() {
    setState({ busy: true });
    try {
      const answer = await api.post<{ certificationId: string }>('/search-certifications', { employee: c.employee, ori: c.ori });
      navigate(`/search-certifications/${answer.certificationId}`);
    } catch (e) {
      setState({ error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  return (
    <section class="card" aria-labelledby="renewal">
      <h2 id="renewal">Renewal</h2>
      {due ? (
        <p>The renewal runs CISS Search User Training and the certification exam again; the employee’s Security Awareness Training must be current today.</p>
      ) : (
        <p>
          The renewal may be requested from <When at={c.renewalOpensAt} />, 30 days before the certification expires.
        </p>
      )}
      {state.error ? <Failure error={state.error instanceof ApiError && state.error.problems.length ? new Error(state.error.problems.map((p) => p.rule).join('; ')) : state.error} /> : null}
      {due ? (
        <div class="actions">
          <button type="button" class="primary" disabled={state.busy} onClick={() => void renew()}>
            Request the renewal
          </button>
        </div>
      ) : null}
    </section>
  );
}

const eventWords = (type: string, status?: string, attempt?: number, score?: number) =>
  type === 'SearchCertificationStatusChanged' && status
    ? `Status: ${statusWords(status)}`
    : type === 'SearchExamAttemptRecorded'
      ? `Exam attempt ${attempt ?? ''} recorded${score === undefined ? '' : `: score ${score}`}`
      : (
          {
            SearchExamAttemptRefused: 'An exam result was refused',
            SecurityAwarenessRecorded: 'Renewed Security Awareness Training recorded',
            SearchCertificationSeeded: 'Seeded for the demo (no exam taken)',
            TaskCreated: 'Task opened',
            TaskDecided: 'Task decided',
            TaskReminderSent: 'Reminder sent',
          } as Record<string, string>
        )[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** One certification: where it stands, what happens next, its attempts, its timeline, and the reader's actions. */
function CertificationPage(props: { readonly certificationId: string }) {
  const roles = usePortal().session.person?.roles ?? [];
  const unit = roles.includes('unit');
  const cert = useCertification(props.certificationId);
  const [done, setDone] = useState('');
  if (cert.error) {
    return (
      <Page title="CISS Search certification">
        <Failure error={cert.error instanceof ApiError && cert.error.status === 404 ? new Error('No such CISS Search certification for you. It may belong to another agency, or the link is wrong.') : cert.error} />
      </Page>
    );
  }
  if (!cert.data) return <Loading what="the certification" />;
  const c = cert.data;
  const changed = (what: string) => {
    setDone(what);
    cert.reload();
  };
  return (
    <Page title={`CISS Search certification for ${c.employee.fullName}`} lead={c.step}>
      <p>
        <Status value={c.status} /> Last change <When at={c.updatedAt} />.
      </p>
      <div class="card next">
        <h2>What happens next</h2>
        <p>
          <NextCertificationStep c={c} unit={unit} />
        </p>
      </div>
      {done ? <Done>{done}</Done> : null}
      {unit && (c.status === 'TRAINING_ASSIGNED' || c.status === 'RETAKE_ALLOWED') ? <ExamResultForm c={c} onDone={changed} /> : null}
      {roles.includes('agency-admin') && !unit ? <Renewal c={c} /> : null}
      {unit && (c.status === 'CERTIFIED' || c.status === 'LAPSED') ? <AwarenessForm c={c} onDone={changed} /> : null}
      <h2>The certification</h2>
      <CertificationFacts c={c} />
      <h2>Exam attempts</h2>
      <AttemptTable c={c} />
      <h2>Timeline</h2>
      <ol class="timeline" aria-label="Timeline">
        {(c.timeline ?? []).map((t, i) => (
          <li key={i}>
            <When at={t.at} /> — {eventWords(t.type, t.status, t.attempt, t.score)} <span class="muted">by {t.actor}</span>
          </li>
        ))}
      </ol>
      <p>
        <a href={href('/search-certifications')}>All certifications</a>
      </p>
    </Page>
  );
}

export const certificationPages: Section = {
  id: 'certification',
  title: 'Search certification',
  summary: 'CISS Search access through training and the certification exam: request it for an employee, follow each step, enter exam results, renew yearly; and your own certification.',
  roles: PERSON_ROLES,
  home: '/search-certifications',
  routes: [
    { pattern: '/search-certifications', render: () => <CertificationHome /> },
    { pattern: '/search-certifications/new', render: () => <NewCertification /> },
    { pattern: '/search-certifications/:certificationId', render: (p) => <CertificationPage certificationId={p['certificationId'] ?? ''} /> },
  ],
};
