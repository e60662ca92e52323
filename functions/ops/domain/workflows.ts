import { AuditSubject } from '#shared/audit';
import type { Subject, Workflow } from '../contract';

/** The manifest machine each workflow runs on. */
export const MACHINE_OF: Readonly<Record<Workflow, string>> = {
  arrest: 'arrest-packet',
  access: 'access-request',
  approval: 'approval',
  diagnostics: 'diagnostics',
};

/** The id formats, shared with the APIs that take them in a path. */
export { PACKET_ID, ACCESS_REQUEST_ID as REQUEST_ID } from '#shared/ids';

/**
 * What an execution is about, from its name: arrest executions are `<packet>-v<version>` and,
 * after continuing as new, `…-g<generation>`; access executions are `<request>` and
 * `<request>-reissue-<n>`; diagnostics runs and approvals are named after themselves.
 */
export function subjectOf(workflow: Workflow, name: string): Subject {
  switch (workflow) {
    case 'arrest':
      return { type: 'packet', id: name.replace(/-v\d+(-g\d+)?$/, '') };
    case 'access':
      return { type: 'request', id: name.replace(/-reissue-\d+$/, '') };
    case 'diagnostics':
      return { type: 'run', id: name };
    case 'approval':
      return { type: 'task', id: name };
  }
}

/** The audit trail's subject types for the business subjects (as the workflows' own APIs write them). */
export function auditSubject(subject: Subject | undefined, executionArn: string): AuditSubject {
  if (subject?.type === 'packet') return AuditSubject.of('arrest-packet', subject.id);
  if (subject?.type === 'request') return AuditSubject.of('access-request', subject.id);
  return AuditSubject.of('execution', executionArn);
}
