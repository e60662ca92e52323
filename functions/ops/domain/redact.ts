/**
 * What operators see of execution inputs and outputs. Workflow data carries personal data
 * (arrestee and employee names, dates of birth, addresses, e-mail addresses) and, in AWS
 * history, task tokens. By default everything is masked but the values that identify and place
 * a record (ids, ARNs, statuses, steps, versions, counts, timeouts, agency ORIs): an allow-list,
 * so a field added to a payload tomorrow is hidden until someone decides it is safe.
 *
 * A reveal (an operator asking, audited by the API) shows personal data as it is; secrets
 * (tokens, passwords, signatures, keys, credentials) stay masked even then: no operator needs
 * them, and a history read must not become a way to decide someone else's task.
 */
export const REDACTED = '[redacted]';
export const SECRET = '[secret]';

/** Fields whose values are identifiers, states or numbers of the workflow itself. */
const SAFE_KEY = /^(?:id|ids|[A-Za-z]*(?:Id|Ids|ID|Arn)|status|[a-z]+Status|state|step|currentStep|version|generation|workflow|machine|type|kind|choice|decision|outcome|channel|ori|reminder|maxReminders|next|[a-z]*(?:Seconds|Count)|count|StatusCode|Error|error|errorType)$/;
/** Fields that hold secrets, whatever their case or prefix. */
const SECRET_KEY = /token|password|passcode|secret|signature|^sig$|credential|authorization|apikey|privatekey|sealed/i;

export type RedactMode = 'redact' | 'reveal';

export function redact(value: unknown, mode: RedactMode, key?: string): unknown {
  if (key !== undefined && SECRET_KEY.test(key)) return value === null || value === undefined ? value : SECRET;
  if (Array.isArray(value)) return value.map((v) => redact(v, mode, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, mode, k)]));
  }
  if (mode === 'reveal' || value === null || value === undefined || typeof value === 'boolean') return value;
  return key !== undefined && SAFE_KEY.test(key) ? value : REDACTED;
}

/** A JSON text (as history events carry data) parsed and redacted; text that is not JSON is masked whole unless revealed. */
export function redactJson(text: string | undefined, mode: RedactMode): unknown {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return mode === 'reveal' ? text : REDACTED;
  }
  return redact(parsed, mode);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * An error cause is shown (operators need it to understand a failure), with e-mail addresses
 * masked unless revealed: handlers' messages name records by id, but a cause from a library
 * may quote an address.
 */
export function redactCause(cause: string | undefined, mode: RedactMode): string | undefined {
  if (cause === undefined || mode === 'reveal') return cause;
  return cause.replace(EMAIL, REDACTED);
}
