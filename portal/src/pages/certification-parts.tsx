import { useState } from 'preact/hooks';
import * as z from 'zod';
import { AwarenessCompletionSchema, ExamResultSchema } from '../../../functions/certification/domain/certification';
import { certificationMine } from '../../../functions/certification/routes';
import type { readCertification } from '../../../functions/certification/use-cases/read';
import type { recordAwareness } from '../../../functions/certification/use-cases/awareness';
import type { ExamRecorded } from '../../../functions/certification/use-cases/record-exam';
import { useLoad, usePortal } from '../api';
import type { StepView } from '../kinds';
import { href } from '../router';
import { Facts, Failure, Loading, When, TableRegion } from '../ui/components';
import { TextField, useSchemaForm } from '../ui/form';

/**
 * What the certification pages share with the task pages' step view (the unit's exam task):
 * one certification as the API reads it, its facts and attempts, what happens next in the words
 * of whoever reads it, and the unit's two forms (an exam result; renewed Security Awareness
 * Training), with no module that imports the task pages themselves.
 */

/** GET /search-certifications/{id}, as the API answers it. */
export type CertificationView = Awaited<ReturnType<typeof readCertification>>;

/** Every person's role (no machine client): each may see their own certification. */
export const PERSON_ROLES = certificationMine.roles;

export const statusWords = (s: string): string => s.replace(/_/g, ' ').toLowerCase();

export const useCertification = (certificationId: string) => useLoad((api) => api.get<CertificationView>(`/search-certifications/${encodeURIComponent(certificationId)}`), [certificationId]);

const day = (iso: string | null | undefined) => (iso ?? '').slice(0, 10);

/** What happens next, for the agency administrator or the unit. */
export function NextCertificationStep(props: { readonly c: CertificationView; readonly unit: boolean }) {
  const { c, unit } = props;
  const left = c.rules.maxAttempts - c.attempts.length;
  switch (c.status) {
    case 'RECEIVED':
      return <>CISS Search User Training is being assigned; the employee and the agency are e-mailed</>;
    case 'TRAINING_ASSIGNED':
      return unit ? (
        <>Waiting for the exam result from the training provider; enter it below if it came another way</>
      ) : (
        <>The employee takes CISS Search User Training and the certification exam (a score of {c.rules.passMark} passes); the training provider reports the result</>
      );
    case 'RETAKE_ALLOWED':
      return (
        <>
          The last attempt was below {c.rules.passMark}: a retake may be taken from <When at={c.retakeAt} /> ({left} attempt{left === 1 ? '' : 's'} left)
        </>
      );
    case 'EXAM_PASSED':
      return <>The exam is passed: the search role is being granted</>;
    case 'CERTIFIED':
      return (
        <>
          The employee holds the search role until <When at={c.expiresAt} />. Reminders go out 30 and 7 days before; the renewal needs current Security Awareness Training
        </>
      );
    case 'ATTEMPTS_EXHAUSTED':
      return <>Nothing: every attempt allowed ({c.rules.maxAttempts}) was below the pass mark. A new request may be made when the employee is ready</>;
    case 'REQUEST_EXPIRED':
      return <>Nothing: no exam result came in time. A new request may be made</>;
    case 'LAPSED':
      return <>The certification expired on {day(c.expiresAt)}: the search role is suspended until a renewal (the account itself stays)</>;
    case 'RENEWED':
      return (
        <>
          Nothing: renewed by <a href={href(`/search-certifications/${c.renewedBy ?? ''}`)}>{c.renewedBy}</a>, under which the search role continues
        </>
      );
  }
}

export function CertificationFacts(props: { readonly c: CertificationView }) {
  const { c } = props;
  return (
    <Facts
      label="The certification"
      items={[
        ['Employee', c.employee.fullName],
        ['Work e-mail', c.employee.email],
        ['Agency (ORI)', c.ori],
        ['Requested by', c.requestedBy],
        ['Requested', <When at={c.createdAt} />],
        ['Security Awareness Training', `completed ${c.awareness.completedOn} on CJIS Online (record ${c.awareness.recordId})`],
        ['Exam rules', `pass mark ${c.rules.passMark}; ${c.rules.maxAttempts} attempts; a retake ${c.rules.retakeWaitHours} hours after a failed one`],
        ['Granted', c.grantedAt ? <When at={c.grantedAt} /> : null],
        ['Expires', c.expiresAt ? <When at={c.expiresAt} /> : null],
        ['Renews', c.renews ? <a href={href(`/search-certifications/${c.renews}`)}>{c.renews}</a> : null],
        ['Renewed by', c.renewedBy ? <a href={href(`/search-certifications/${c.renewedBy}`)}>{c.renewedBy}</a> : null],
        ['Demo seed', c.seeded ? `seeded by ${c.seeded}: no exam was taken` : null],
        ['Certification id', <code>{c.certificationId}</code>],
      ]}
    />
  );
}

export function AttemptTable(props: { readonly c: CertificationView }) {
  const { attempts, rules } = props.c;
  if (!attempts.length) return <p>No attempt yet.</p>;
  return (
    <TableRegion label="Exam attempts">
      <table class="attempts">
        <caption>
          Pass mark {rules.passMark}; {attempts.length} of {rules.maxAttempts} attempts used
        </caption>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Score</th>
            <th scope="col">Result</th>
            <th scope="col">Taken</th>
            <th scope="col">Reported by</th>
            <th scope="col">Attempt id</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.attemptId}>
              <td>{a.attempt}</td>
              <td>{a.score}</td>
              <td>{a.passed ? 'passed' : 'not passed'}</td>
              <td>
                <When at={a.takenAt} />
              </td>
              <td>{a.channel === 'provider' ? 'the training provider' : 'the unit'}</td>
              <td>
                <code>{a.attemptId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** The unit's entry, in the page's words first, then as the API checks it (ExamResultSchema). */
const ExamFormSchema = z
  .object({
    attemptId: z.string().trim().min(1, 'must be the provider’s attempt id (e.g. QZ-1001)'),
    score: z
      .string()
      .trim()
      .min(1, 'must be a score from 0 to 100')
      .transform((v) => Number(v)),
    takenAt: z
      .string()
      .min(1, 'must be when the attempt was taken')
      .transform((v) => {
        const d = new Date(v);
        return Number.isNaN(d.getTime()) ? v : d.toISOString();
      }),
  })
  .pipe(ExamResultSchema);

/** POST /search-certifications/{id}/exam-results by the unit: the attempt's id, score and time. */
export function ExamResultForm(props: { readonly c: CertificationView; readonly onDone: (what: string) => void }) {
  const { api } = usePortal();
  const form = useSchemaForm(ExamFormSchema);
  const [fields, setFields] = useState({ attemptId: '', score: '', takenAt: '' });
  const set = (key: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [key]: value }));
  const submit = () =>
    form.submit(fields, async (body) => {
      const r = await api.post<ExamRecorded>(`/search-certifications/${encodeURIComponent(props.c.certificationId)}/exam-results`, body);
      setFields({ attemptId: '', score: '', takenAt: '' });
      props.onDone(
        r.passed
          ? `Attempt ${r.attempt} passed: the search role is being granted.`
          : r.status === 'ATTEMPTS_EXHAUSTED'
            ? `Attempt ${r.attempt} was below the pass mark, and the last one allowed: the request has ended.`
            : `Attempt ${r.attempt} was below the pass mark: a retake may be taken from ${new Date(r.retakeAt ?? '').toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })} (${r.attemptsLeft} left).`,
      );
    });
  return (
    <form
      class="card"
      aria-labelledby="exam-result"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="exam-result">Enter an exam result</h2>
      <p>When the training provider has not reported an attempt, enter it as the provider’s record shows it.</p>
      <TextField name="attemptId" label="Attempt id" hint="The provider’s id of the attempt, e.g. QZ-1001." autoComplete="off" problems={form.problems} value={fields.attemptId} onValue={set('attemptId')} />
      <TextField name="score" label="Score (0–100)" type="number" inputMode="numeric" problems={form.problems} value={fields.score} onValue={set('score')} />
      <TextField name="takenAt" label="Taken at (your local time)" type="datetime-local" problems={form.problems} value={fields.takenAt} onValue={set('takenAt')} />
      {form.error ? <Failure error={form.error} /> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>
          Record the result
        </button>
      </div>
    </form>
  );
}

type AwarenessAnswer = Awaited<ReturnType<typeof recordAwareness>>;

/** POST /search-certifications/{id}/awareness by the unit: renewed Security Awareness Training, as CJIS Online shows it. */
export function AwarenessForm(props: { readonly c: CertificationView; readonly onDone: (what: string) => void }) {
  const { api } = usePortal();
  const form = useSchemaForm(AwarenessCompletionSchema);
  const [fields, setFields] = useState({ completedOn: '', recordId: '' });
  const set = (key: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [key]: value }));
  const submit = () =>
    form.submit(fields, async (body) => {
      const r = await api.post<AwarenessAnswer>(`/search-certifications/${encodeURIComponent(props.c.certificationId)}/awareness`, body);
      props.onDone(
        r.awareness.current
          ? `Security Awareness Training recorded: completed ${r.awareness.completedOn ?? ''}, current until ${r.awareness.currentUntil ?? ''}. The renewal can be requested.`
          : `Recorded, but it is not current for a renewal: ${r.awareness.problem ?? ''}`,
      );
    });
  return (
    <form
      class="card"
      aria-labelledby="awareness"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="awareness">Record renewed Security Awareness Training</h2>
      <p>Security Awareness Training is renewed yearly on CJIS Online; a renewal of this certification needs it current on the day it is requested.</p>
      <TextField name="completedOn" label="Completed on (CJIS Online)" type="date" problems={form.problems} value={fields.completedOn} onValue={set('completedOn')} />
      <TextField name="recordId" label="CJIS Online completion record id" autoComplete="off" problems={form.problems} value={fields.recordId} onValue={set('recordId')} />
      {form.error ? <Failure error={form.error} /> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>
          Record the training
        </button>
      </div>
    </form>
  );
}

/** The unit's exam task (`search-certification/exam`): the certification's attempts and the result form. */
function ExamStep(props: Parameters<StepView>[0]) {
  const cert = useCertification(props.task.subject.id);
  if (cert.error) return <Failure error={cert.error} />;
  if (!cert.data) return <Loading what="the certification" />;
  const c = cert.data;
  return (
    <>
      <CertificationFacts c={c} />
      <AttemptTable c={c} />
      {props.task.status === 'PENDING' && (c.status === 'TRAINING_ASSIGNED' || c.status === 'RETAKE_ALLOWED') ? <ExamResultForm c={c} onDone={() => props.onChanged()} /> : null}
      <p>
        <a href={href(`/search-certifications/${c.certificationId}`)}>The certification’s page</a>
      </p>
    </>
  );
}

export const CERTIFICATION_STEP_VIEWS: Readonly<Record<string, StepView>> = {
  'search-certification/exam': ExamStep,
};
