import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, METRICS_SERVICE } from '#shared/metrics';
import { wellFormedId } from '#shared/ids';
import { lazy } from '#shared/lazy';

export { METRIC, MetricUnit };

const SERVICE = METRICS_SERVICE.value;

/**
 * The one logger of every function: structured JSON, correlation ids from the Lambda context. Made
 * on first use (`lazy`: the first invocation's `injectLambdaContext`), not at import: constructing it
 * reads its settings and builds its formatter, 1.5–3 ms of CPU at each cold start.
 */
export const logger = lazy(() => new Logger({ serviceName: SERVICE }));

/**
 * The one metrics buffer of every function: CloudWatch embedded metric format (EMF) lines on
 * stdout, which CloudWatch Logs turns into metrics in AWS (no PutMetricData call, no extra
 * permission). The namespace comes from `POWERTOOLS_METRICS_NAMESPACE`, which the CDK stack sets
 * per stage (`metricsNamespace`), so stages sharing an account never mix their numbers. Every
 * metric carries the `service` dimension (`ciss-workflows`), as Powertools adds it.
 */
export function metrics(): Metrics {
  // Made on first use, not at import: the embedded runtime sets the namespace for its stage after
  // the handlers' modules may already have been imported, and several stages share one process
  // in tests. In Lambda the variable is there from the start, so this is one object per container.
  const namespace = process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? '';
  if (!current || current.namespace !== namespace) current = { namespace, metrics: new Metrics({ serviceName: SERVICE }) };
  return current.metrics;
}
let current: { readonly namespace: string; readonly metrics: Metrics } | undefined;

/**
 * The keys an operator searches logs by: which arrest packet or access request, which Step
 * Functions execution, which human task. Named so that none can be mistaken for the Lambda or
 * API Gateway request id (`function_request_id`, `correlationId`).
 */
export interface CorrelationKeys {
  readonly packetId?: string;
  readonly accessRequestId?: string;
  readonly executionArn?: string;
  readonly taskId?: string;
}

/** Subject types (of human tasks) and workflow names, and which key their id is. */
const SUBJECT_KEYS: Readonly<Record<string, 'packetId' | 'accessRequestId'>> = {
  'arrest-packet': 'packetId',
  'access-request': 'accessRequestId',
};

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The correlation keys a Step Functions task input or an EventBridge event carries, read before
 * it is validated (a refused input is still logged with what it named):
 * - `packetId`, `requestId` (arrest and access-request steps), `executionArn` (callback steps);
 * - a human task's `subject` (`{ type, id }`) or `workflow` + `subjectId` (closing a task);
 * - a Step Functions status-change event's `detail.executionArn`.
 */
export function correlationKeysOf(input: unknown): CorrelationKeys {
  const fields = obj(input) ?? {};
  const keys: { -readonly [K in keyof CorrelationKeys]: string } = {};
  const subject = obj(fields['subject']);
  const subjectKey = SUBJECT_KEYS[str(subject?.['type']) ?? ''] ?? SUBJECT_KEYS[str(fields['workflow']) ?? ''];
  const subjectId = str(subject?.['id']) ?? str(fields['subjectId']);
  if (subjectKey && subjectId) keys[subjectKey] = subjectId;
  const packetId = str(fields['packetId']);
  if (packetId) keys.packetId = packetId;
  const requestId = str(fields['requestId']);
  if (requestId) keys.accessRequestId = requestId;
  const executionArn = str(fields['executionArn']) ?? str(obj(fields['detail'])?.['executionArn']);
  if (executionArn) keys.executionArn = executionArn;
  const taskId = str(fields['taskId']);
  if (taskId) keys.taskId = taskId;
  return keys;
}

/**
 * What an API route's path names: `/arrests/{packetId}`, `/access-requests/{requestId}`,
 * `/tasks/{taskId}`. Only an id of its kind's format becomes a key: a path value of any other
 * shape (a probe, a very long string) names nothing, and is not written to every log line.
 */
export function correlationKeysOfPath(pathParameters: Readonly<Record<string, string | undefined>> | null | undefined): CorrelationKeys {
  return correlationKeysOf({
    packetId: wellFormedId('packet', pathParameters?.['packetId']),
    requestId: wellFormedId('access-request', pathParameters?.['requestId']),
    taskId: wellFormedId('task', pathParameters?.['taskId']),
  });
}

/**
 * Adds correlation keys to every later log line of this invocation. `routeHandler` and
 * `taskHandler` call it with what the event names; a handler calls it again when it learns more
 * (the packet id it just assigned, the execution it just started). The keys are cleared when the
 * invocation ends (`injectLambdaContext` with `resetKeys`). They are the logger's temporary keys,
 * which Powertools keeps per invocation in Lambda's invoke store when invocations share a process
 * (`AWS_LAMBDA_MAX_CONCURRENCY`: Lambda managed instances, and the embedded runtime), as it keeps
 * the Lambda context (function name, request id) and buffered metrics; never persistent keys,
 * which every invocation of the process shares.
 */
export function correlate(keys: CorrelationKeys): void {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, v]) => typeof v === 'string' && v !== ''));
  if (Object.keys(defined).length > 0) logger.appendKeys(defined);
}
