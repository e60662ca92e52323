import type { readAccessRequest } from '../../../functions/access/use-cases/read';
import type { AccessStatus } from '../../../functions/access/domain/request';
import { CJIS_ONLINE_URL } from '../../../functions/access/domain/training';
import type { TaskView } from '../../../functions/tasks/use-cases/api';
import { useLoad } from '../api';
import { href } from '../router';
import { Facts, When } from '../ui/components';

/**
 * What the CCHRS access pages share with the task pages' step views: one request as the API
 * reads it, its facts, and where it stands in the words of the people who work it (a records
 * clerk at the agency, the CCHRS unit), with no module that imports the task pages themselves.
 */

/** GET /access-requests/{id}, as the API answers it. */
export type AccessRequestView = Awaited<ReturnType<typeof readAccessRequest>>;

export const useAccessRequest = (requestId: string) => useLoad((api) => api.get<AccessRequestView>(`/access-requests/${encodeURIComponent(requestId)}`), [requestId]);

/** The human steps of the access workflow, in words. */
export const ACCESS_STEPS: Readonly<Record<string, string>> = {
  'business-need-review': 'Business-need review',
  'training-attestation': 'Training attestation (the agency)',
  'training-verification': 'Training verification',
};

/** A task of the access workflow about this request, if one waits for the signed-in person. */
export const openTaskFor = (tasks: readonly TaskView[] | undefined, requestId: string, step?: string): TaskView | undefined =>
  tasks?.find((t) => t.workflow === 'access-request' && t.subject.id === requestId && t.status === 'PENDING' && (step === undefined || t.step === step));

/**
 * What happens next, for whoever reads it: the agency's administrator or the CCHRS unit. `task`
 * is the reader's own open task on the request, if any: then the next thing is theirs.
 */
export function NextStep(props: { readonly status: AccessStatus; readonly unit: boolean; readonly task?: TaskView | undefined; readonly expiresAt?: string | null }) {
  const { status, unit, task } = props;
  const open = (label: string) =>
    task ? (
      <>
        {label} — <a href={href(`/tasks/${task.taskId}`)}>open it</a>
      </>
    ) : (
      label
    );
  switch (status) {
    case 'RECEIVED':
    case 'UNDER_REVIEW':
      return unit ? open('The business-need review is yours') : <>Waiting for the CCHRS unit’s review of the business need</>;
    case 'TRAINING_ASSIGNED':
      return unit ? (
        <>Waiting for the agency to attest that both trainings are complete</>
      ) : (
        open('Your attestation that both trainings are complete on CJIS Online is needed')
      );
    case 'TRAINING_VERIFICATION':
      return unit ? open('The training verification is yours: record each module’s CJIS Online completion') : <>Waiting for the CCHRS unit to verify the trainings on CJIS Online</>;
    case 'TEMPORARY_PASSWORD_ISSUED':
      return (
        <>
          Waiting for the employee’s first login with the e-mailed temporary password{props.expiresAt ? <>, before <When at={props.expiresAt} /></> : null}
        </>
      );
    case 'PASSWORD_EXPIRED':
      return unit ? <>The temporary password expired unused: reissue one when the agency asks</> : <>The temporary password expired unused: ask the CCHRS unit to issue a new one</>;
    case 'ACTIVE':
      return <>Nothing: the account is active. When the employee leaves, ask for its removal</>;
    case 'DENIED':
      return <>Nothing: the request was denied. A new one may be made with a fuller statement of the business need</>;
    case 'REQUEST_EXPIRED':
      return <>Nothing: the request expired. Make a new one when the employee is ready</>;
    case 'ACCOUNT_REMOVED':
      return <>Nothing: the account is removed and can no longer log in</>;
  }
}

/** Who the request is for and why, as every page about it shows them. */
export function RequestFacts(props: { readonly request: AccessRequestView; readonly justification?: boolean }) {
  const r = props.request;
  return (
    <Facts
      label="The request"
      items={[
        ['Employee', r.employee.fullName],
        ['Work e-mail', r.employee.email],
        ['Job title', r.employee.jobTitle],
        ['Agency (ORI)', r.ori],
        ['Requested by', r.requestedBy],
        ['Requested', <When at={r.createdAt} />],
        ['Request id', <code>{r.requestId}</code>],
        ...(props.justification === false ? [] : ([['Business need', <p class="justification">{r.justification}</p>]] as const)),
      ]}
    />
  );
}

/** The two trainings and what is recorded for each. */
export function TrainingList(props: { readonly request: AccessRequestView }) {
  return (
    <ul>
      {Object.entries(props.request.training).map(([id, t]) => (
        <li key={id}>
          {t.title} on <a href={CJIS_ONLINE_URL}>CJIS Online</a>:{' '}
          {t.verified ? (
            <>
              verified — completed {t.verified.completedOn}, record <code>{t.verified.recordId}</code>
            </>
          ) : (
            <span class="muted">not verified yet</span>
          )}
        </li>
      ))}
    </ul>
  );
}
