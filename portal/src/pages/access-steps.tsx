import { useState } from 'preact/hooks';
import { assessVerification, CJIS_ONLINE_URL, PDF_CERTIFICATE_RULE, TRAINING_MODULES, TrainingVerificationSchema, type TrainingModule } from '../../../functions/access/domain/training';
import { usePortal } from '../api';
import type { StepView } from '../kinds';
import { Failure, Loading } from '../ui/components';
import { OtherProblems, SelectField, TextField, useSchemaForm } from '../ui/form';
import { RequestFacts, TrainingList, useAccessRequest } from './access-words';

/**
 * What the task page shows above the decision for each human step of the CCHRS access workflow:
 * the request's facts for the unit's review and the agency's attestation, and for the unit's
 * verification the evidence form, per module, on the API's own schema and rules.
 */

/** The unit reviews the business need: who, for which agency, and why. */
const BusinessNeedReview: StepView = ({ task }) => {
  const request = useAccessRequest(task.subject.id);
  if (request.error) return <Failure error={request.error} />;
  if (!request.data) return <Loading what="the request" />;
  return (
    <section class="card" aria-label="The request to review">
      <RequestFacts request={request.data} />
      <p class="muted">Approve to assign the two trainings on CJIS Online. To deny, write the reason below: the agency reads it.</p>
    </section>
  );
};

/** The agency attests the trainings: what they confirm by it. */
const TrainingAttestation: StepView = ({ task }) => {
  const request = useAccessRequest(task.subject.id);
  if (request.error) return <Failure error={request.error} />;
  if (!request.data) return <Loading what="the request" />;
  const r = request.data;
  return (
    <section class="card" aria-label="What you attest">
      <RequestFacts request={r} justification={false} />
      <h2>What attesting means</h2>
      <p>
        You confirm that {r.employee.fullName} has completed both of these trainings on <a href={CJIS_ONLINE_URL}>CJIS Online</a>:
      </p>
      <TrainingList request={r} />
      <p>
        The CCHRS unit then checks each completion on CJIS Online. A PDF certificate of completion is not accepted: since 15 May 2024 the training must be completed on CJIS Online. If a module is
        missing there, the request comes back to you, naming it.
      </p>
    </section>
  );
};

type Kind = 'cjis-online' | 'pdf-certificate' | 'missing';
const KINDS: readonly (readonly [Kind, string])[] = [
  ['cjis-online', 'Completed on CJIS Online'],
  ['pdf-certificate', 'PDF certificate of completion'],
  ['missing', 'Not completed on CJIS Online'],
];
const MODULES = Object.keys(TRAINING_MODULES) as TrainingModule[];
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The unit records each module's evidence (POST /access-requests/{id}/training-verification).
 * The form checks it with the API's schema and rules (assessVerification): a PDF certificate
 * shows the 15 May 2024 rule beside the field and is refused before anything is sent. When both
 * modules carry their CJIS Online completion, recording them is the "Both verified" decision; a
 * module marked missing sends the request back to the agency.
 */
const TrainingVerification: StepView = ({ task, onChanged }) => {
  const { api } = usePortal();
  const request = useAccessRequest(task.subject.id);
  const form = useSchemaForm(TrainingVerificationSchema);
  const [rows, setRows] = useState(MODULES.map((module) => ({ module, evidence: 'cjis-online' as Kind, completedOn: '', recordId: '' })));
  const [rule, setRule] = useState<Record<string, string>>({});
  const set = (i: number, key: 'evidence' | 'completedOn' | 'recordId') => (value: string) => setRows((all) => all.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  if (request.error) return <Failure error={request.error} />;
  if (!request.data) return <Loading what="the request" />;
  if (task.status !== 'PENDING') return <TrainingList request={request.data} />;

  function submit() {
    setRule({});
    const modules = rows.map((r) => (r.evidence === 'cjis-online' ? { module: r.module, evidence: r.evidence, completedOn: r.completedOn, recordId: r.recordId } : { module: r.module, evidence: r.evidence }));
    return form.submit({ modules }, async (body) => {
      // The evidence rules (the 15 May 2024 rule among them), checked before anything is sent.
      const refused = assessVerification(body, today()).problems;
      if (refused.length) return setRule(Object.fromEntries(refused.map((p) => [p.field, p.rule])));
      await api.post(`/access-requests/${encodeURIComponent(task.subject.id)}/training-verification`, body);
      onChanged();
    });
  }

  const problems = { ...form.problems, ...rule };
  const shown = rows.flatMap((_, i) => [`modules.${i}.evidence`, `modules.${i}.completedOn`, `modules.${i}.recordId`]);
  return (
    <>
      <section class="card" aria-label="The request">
        <RequestFacts request={request.data} justification={false} />
      </section>
      <form
        class="card"
        aria-labelledby="evidence"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="evidence">Training evidence, per module</h2>
        <p>
          Look each module up on <a href={CJIS_ONLINE_URL}>CJIS Online</a> and record its completion date and record id. With both recorded, this is the “Both verified on CJIS Online” decision; a
          module marked not completed sends the request back to the agency, naming it.
        </p>
        {rows.map((r, i) => (
          <fieldset key={r.module}>
            <legend>{TRAINING_MODULES[r.module]}</legend>
            <SelectField
              name={`modules.${i}.evidence`}
              label="Evidence"
              hint={r.evidence === 'pdf-certificate' && !problems[`modules.${i}.evidence`] ? PDF_CERTIFICATE_RULE : undefined}
              problems={problems}
              value={r.evidence}
              onValue={set(i, 'evidence')}
              options={KINDS}
            />
            {r.evidence === 'cjis-online' ? (
              <>
                <TextField name={`modules.${i}.completedOn`} label="Completed on (CJIS Online)" type="date" problems={problems} value={r.completedOn} onValue={set(i, 'completedOn')} />
                <TextField name={`modules.${i}.recordId`} label="CJIS Online record id" autoComplete="off" problems={problems} value={r.recordId} onValue={set(i, 'recordId')} />
              </>
            ) : null}
          </fieldset>
        ))}
        <OtherProblems problems={problems} shown={shown} />
        {form.error ? <Failure error={form.error} /> : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            Record the evidence
          </button>
        </div>
      </form>
    </>
  );
};

export const ACCESS_STEP_VIEWS: Readonly<Record<string, StepView>> = {
  'access-request/business-need-review': BusinessNeedReview,
  'access-request/training-attestation': TrainingAttestation,
  'access-request/training-verification': TrainingVerification,
};
