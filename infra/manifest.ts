/**
 * The one manifest: every function, route, state machine, table, event rule and the e-mail
 * sender of ciss-workflows, written once. The CDK stack (`infra/stack.ts`) and the embedded
 * local runtime (`infra/local/`) are both built from it, and `test/infra/parity.test.ts` fails
 * when one back-end has something the other does not.
 *
 * Values a resource needs from another (a table name, a function ARN) are written as `Ref`s and
 * resolved by each back-end: CDK tokens in AWS, local names and ARNs in the embedded runtime.
 */

export { DECIDER_ROLES, ROLES, type Role } from './manifest/shared';
import type { RouteSpec } from '../functions/shared/routes';
import * as healthRoutes from '../functions/health/routes';
import * as accessRoutes from '../functions/access/routes';
import * as opsRoutes from '../functions/ops/routes';
import * as arrestsRoutes from '../functions/arrests/routes';
import * as tasksRoutes from '../functions/tasks/routes';
import * as auditRoutes from '../functions/audit/routes';
import * as searchRoutes from '../functions/search/routes';
import * as certificationRoutes from '../functions/certification/routes';
import * as disseminationRoutes from '../functions/dissemination/routes';
import * as agenciesRoutes from '../functions/agencies/routes';
import * as metricsRoutes from '../functions/metrics/routes';
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, fnRef, tableRef, taskEnv } from './manifest/shared';
import { accessEventRules, accessFunctions, accessMachines, accessRouteFunctions } from './manifest/access';
import { arrestEventRules, arrestFunctions, arrestMachines, arrestRouteFunctions } from './manifest/arrests';
import { opsRouteFunctions } from './manifest/ops';
import { monitoringFunctions, monitoringSchedules } from './manifest/monitoring';
import { searchEventRules, searchFunctions, searchRouteFunctions, searchSchedules } from './manifest/search';
import { certificationFunctions, certificationMachines, certificationRouteFunctions } from './manifest/certification';
import * as accountsRoutes from '../functions/accounts/routes';
import { accountCheck, accountsFunctions, accountsRouteFunctions, accountsSchedules } from './manifest/accounts';
import { disseminationEventRules, disseminationFunctions, disseminationRouteFunctions, disseminationSchedules } from './manifest/dissemination';
import { agenciesEventRules, agenciesFunctions, agenciesRouteFunctions } from './manifest/agencies';
import { metricsFunctions, metricsRouteFunctions, metricsSchedules } from './manifest/metrics';

/** A value resolved per back-end. */
export type Ref =
  | { readonly ref: 'table'; readonly table: TableName }
  | { readonly ref: 'bus' }
  | { readonly ref: 'sender' }
  | { readonly ref: 'configurationSet' }
  | { readonly ref: 'function'; readonly function: FunctionName }
  | { readonly ref: 'machine'; readonly machine: MachineName }
  /** The API's public base URL (what e-mailed links start with), no trailing slash. */
  | { readonly ref: 'apiUrl' }
  /** The portal's URL (`<origin>/portal/`, with the slash), which e-mails link people's steps to. */
  | { readonly ref: 'portalUrl' }
  /** The application's KMS key (locally, the runtime's own key). */
  | { readonly ref: 'key' }
  | { readonly ref: 'secret'; readonly secret: SecretName }
  /** A system outside this application (the DCJ CMS): a simulator locally, configuration in AWS. */
  | { readonly ref: 'endpoint'; readonly endpoint: EndpointName }
  | { readonly ref: 'literal'; readonly value: string }
  /** CISS Search's database cluster: its ARN, which the RDS Data API takes as `resourceArn`. */
  | { readonly ref: 'searchDb' }
  /** The credentials (a Secrets Manager secret) of the search database's user for one kind of access. */
  | { readonly ref: 'searchDbSecret'; readonly access: SearchDbAccess }
  /** The people's user pool id (Cognito in AWS; `local` in the embedded runtime, whose issuer reads the grants in the main table). */
  | { readonly ref: 'userPool' }
  /** CISS Search's drop bucket, where batch sources drop their files (AWS); empty in the embedded runtime, which has none. */
  | { readonly ref: 'searchDropBucket' };

/**
 * What a function may do in CISS Search's database, as one of its users: `query` reads the
 * index and writes the query log; `ingest` changes the index. Each is its own database user, so
 * the database enforces it too.
 */
export type SearchDbAccess = 'query' | 'ingest' | 'purge';

export { SEARCH_DB_NAME } from './manifest/shared';

/** What a function may do; each back-end grants exactly this (IAM in AWS). */
export type Permission =
  /** `append`: PutItem only (the audit trail: no update, no delete, enforced by IAM in AWS). */
  | { readonly table: TableName; readonly access: 'read' | 'readwrite' | 'append' }
  | { readonly bus: 'put' }
  | { readonly ses: 'send' }
  /**
   * `redrive`: RedriveExecution on the machine's executions (the operations API); `describe`:
   * DescribeExecution only (less than `read`, which adds history and listing).
   */
  | { readonly machine: MachineName; readonly actions: readonly ('start' | 'read' | 'describe' | 'callback' | 'stop' | 'redrive')[] }
  | { readonly key: 'encrypt' | 'decrypt' }
  | { readonly secret: SecretName; readonly access: 'read' }
  /** The Data API on the search database, as its user for this access (and that user's secret). */
  | { readonly searchDb: SearchDbAccess }
  /** `read`: GetObject on the search drop bucket (batch sources' files) and Decrypt with its key. */
  | { readonly searchDrop: 'read' }
  /**
   * `groups`: AdminAddUserToGroup and AdminRemoveUserFromGroup on the people's user pool (roles
   * given by a lifecycle); `accounts`: AdminDisableUser, AdminEnableUser, AdminUserGlobalSignOut
   * and AdminRemoveUserFromGroup (accounts that end, or enabled again); `clients`:
   * CreateUserPoolClient only (an agency's RMS client, provisioned; its agency is the registry's,
   * never a new scope).
   */
  | { readonly userPool: 'groups' | 'accounts' | 'clients' }
  /** `check`: GetItem on the people's account records (`PERSON#…`) only: every token route's revocation check. */
  | { readonly accounts: 'check' };

export interface FunctionSpec {
  /** Source file of the handler, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Environment variables, resolved per back-end. */
  readonly env: Readonly<Record<string, Ref>>;
  readonly permissions: readonly Permission[];
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
}

/** A route, as the application defines it (functions/shared/routes.ts). */
export type { PerSourceLimit, RouteSpec } from '../functions/shared/routes';

/** A route as the back-ends see it: its spec, and the function behind it. */
export interface ManifestRoute extends RouteSpec {
  readonly function: FunctionName;
}

export interface MachineSpec {
  /** ASL file under `statemachines/`. */
  readonly file: string;
  readonly description: string;
  /** `${Name}` placeholders in the ASL and what each resolves to. */
  readonly substitutions: Readonly<Record<string, Ref>>;
}

export interface IndexSpec {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableSpec {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: Readonly<Record<string, IndexSpec>>;
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  readonly timeToLiveAttribute?: string;
}

export interface EventRuleSpec {
  readonly description: string;
  /** `default` for events AWS services publish (Step Functions status changes). @default 'app' */
  readonly bus?: 'app' | 'default';
  /** An EventBridge event pattern. */
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly target: { readonly function: FunctionName };
}

/**
 * A function run on a fixed rate (an EventBridge schedule rule in AWS; the runtime's clock
 * locally, where runs a jump of the clock skipped are made up by one run, not many).
 */
export interface ScheduleSpec {
  readonly description: string;
  /** Minutes between runs (`rate(n minutes)`). */
  readonly everyMinutes: number;
  readonly target: { readonly function: FunctionName };
}

export interface SecretSpec {
  readonly description: string;
}


export const tables = {
  main: {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      byStatus: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      byAgency: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      /**
       * Every item of a kind (`ARRESTS`, `ACCESS`), newest first: the lists of roles that see
       * every packet or request, with no filter. One partition per kind; arrests and access
       * requests arrive at a few a minute, far under a partition's write rate.
       */
      byKind: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    },
    timeToLiveAttribute: 'expiresAt',
  },
  /**
   * The audit trail (CJIS AU-2, AU-3, AU-11): append-only, by subject, and by actor and by day
   * for the auditor's queries. No TTL: records are kept (at least a year; PITR, deletion
   * protection in AWS).
   */
  audit: {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      byActor: { partitionKey: 'actor', sortKey: 'sk' },
      byDay: { partitionKey: 'day', sortKey: 'sk' },
      /**
       * Every record of one type in time order: the program's figures count a month of one type
       * (SearchPerformed, ArrestPacketReceived…) by one query, never a scan. One partition per
       * type; the busiest (searches) is a few thousand writes a month.
       */
      byType: { partitionKey: 'type', sortKey: 'sk' },
    },
  },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof tables;

/** Secrets (Secrets Manager in AWS, generated values under `.local/` locally). */
export const secrets = {
  'approval-link-key': { description: 'HMAC-SHA-256 key that signs e-mailed approval links' },
  'cms-credentials': { description: "Bearer credential for the DCJ case management system's intake API" },
  'list-cursor-key': { description: 'Key material that seals list cursors (AES-256-GCM), bound to the list, the query and the caller' },
  'packet-id-key': { description: 'HMAC-SHA-256 key that derives arrest packet ids from (ORI, incident number); never rotated, or a retried packet would get a new id' },
} as const satisfies Record<string, SecretSpec>;
export type SecretName = keyof typeof secrets;

export interface EndpointSpec {
  readonly description: string;
  /** SSM parameter (under `/ciss/<stage>/`) that holds the URL in AWS. */
  readonly parameter: string;
}

/** Systems outside the application that it calls over HTTPS. Locally, simulators. */
export const endpoints = {
  cms: { description: "The Division of Criminal Justice's case management system (intake API base URL)", parameter: 'cms-url' },
  'search-sources': { description: "The source systems' change APIs and file drops for CISS Search (base URL; each source under its id)", parameter: 'search-sources-url' },
} as const satisfies Record<string, EndpointSpec>;
export type EndpointName = keyof typeof endpoints;

/**
 * Machine names are written out (and checked against `machines` below) so that permissions on a
 * machine can be typed without the types of functions and machines depending on each other.
 */
export type MachineName = 'diagnostics' | 'approval' | keyof typeof accessMachines | keyof typeof arrestMachines | keyof typeof certificationMachines;

export const machines = {
  diagnostics: {
    file: 'statemachines/diagnostics.asl.json',
    description: 'Exercises every kind of step the workflows use, end to end, on either back-end',
    substitutions: {
      TableName: tableRef('main'),
      EventBusName: { ref: 'bus' },
      CheckFunctionArn: fnRef('diagnostics-check'),
      ParkFunctionArn: fnRef('diagnostics-park'),
      NotifyFunctionArn: fnRef('diagnostics-notify'),
    },
  },
  approval: {
    file: 'statemachines/approval.asl.json',
    description: 'One human decision with reminders and a visible timed-out end: the shared human-task mechanism on its own',
    substitutions: {
      NotifyFunctionArn: fnRef('tasks-notify'),
      ExpireFunctionArn: fnRef('tasks-expire'),
    },
  },
  ...accessMachines,
  ...certificationMachines,
  ...arrestMachines,
} as const satisfies Record<MachineName, MachineSpec>;

/**
 * Machines with human steps (they use the tasks-notify function): the task functions may send
 * their callbacks. Derived, so a new workflow with human steps is covered without a second list.
 */
const callbackMachines: readonly { readonly machine: MachineName; readonly actions: readonly ['callback'] }[] = (Object.keys(machines) as MachineName[])
  .filter((name) => JSON.stringify(machines[name].substitutions).includes('"tasks-notify"'))
  .map((machine) => ({ machine, actions: ['callback'] as const }));

/** Every route the application defines, each in its area's leaf module; its id names its function. */
const routeSpecs = [
  ...Object.values(healthRoutes),
  ...Object.values(arrestsRoutes),
  ...Object.values(accessRoutes),
  ...Object.values(tasksRoutes),
  ...Object.values(auditRoutes),
  ...Object.values(opsRoutes),
  ...Object.values(searchRoutes),
  ...Object.values(certificationRoutes),
  ...Object.values(accountsRoutes),
  ...Object.values(disseminationRoutes),
  ...Object.values(agenciesRoutes),
  ...Object.values(metricsRoutes),
] as const;
export type RouteId = (typeof routeSpecs)[number]['id'];

/** The function behind each route, keyed by route id (checked below: one per route, no other). */
const routeFunctions = {
  health: {
    entry: 'functions/health/get.ts',
    description: 'Answers GET /health for any authenticated caller: liveness and who the caller is',
    env: {},
    permissions: [],
  },
  ...accessRouteFunctions,
  ...opsRouteFunctions,
  ...arrestRouteFunctions,
  ...searchRouteFunctions,
  ...certificationRouteFunctions,
  ...accountsRouteFunctions,
  ...disseminationRouteFunctions,
  ...agenciesRouteFunctions,
  ...metricsRouteFunctions,
  'tasks-list': {
    entry: 'functions/tasks/list.ts',
    description: 'Human tasks: lists the pending tasks the caller may decide (GET /tasks)',
    env: taskEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'tasks-read': {
    entry: 'functions/tasks/read.ts',
    description: 'Human tasks: reads one task the caller may decide (GET /tasks/{taskId}); each read is audited',
    env: taskEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'tasks-decide': {
    entry: 'functions/tasks/decide.ts',
    description: 'Human tasks: decides a task on the authenticated API (POST /tasks/{taskId}/decision) and hands the decision to the waiting workflow',
    env: taskEnv,
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }, { key: 'decrypt' }, ...callbackMachines],
  },
  'tasks-link-open': {
    entry: 'functions/tasks/link-open.ts',
    description: 'Human tasks: the page an e-mailed link opens (GET /approvals/{taskId}); checks the signature and asks to confirm, deciding nothing',
    env: taskEnv,
    // Refused links are counted per source in the main table (a write) before they are audited.
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }, { secret: 'approval-link-key', access: 'read' }],
  },
  'tasks-link-decide': {
    entry: 'functions/tasks/link-decide.ts',
    description: 'Human tasks: the confirmed choice of an e-mailed link (POST /approvals/{taskId}); decides once and hands it to the waiting workflow',
    env: taskEnv,
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }, { key: 'decrypt' }, { secret: 'approval-link-key', access: 'read' }, ...callbackMachines],
  },
  'audit-query': {
    entry: 'functions/audit/query.ts',
    description: 'Audit trail: the auditor queries it by subject, actor or time; each query is itself audited',
    env: { ...commonEnv, ...cursorEnv },
    permissions: [{ table: 'audit', access: 'read' }, auditAppend, cursorKeyRead],
  },
} as const;

export const functions = {
  ...accountCheck(routeFunctions),
  'diagnostics-check': {
    entry: 'functions/diagnostics/check.ts',
    description: 'Diagnostics: an ordinary Lambda step that can be told to fail transiently N times',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }],
  },
  'diagnostics-park': {
    entry: 'functions/diagnostics/park.ts',
    description: 'Diagnostics: the Lambda behind a .waitForTaskToken step; records that the run is waiting',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }],
  },
  'diagnostics-notify': {
    entry: 'functions/diagnostics/notify.ts',
    description: 'Diagnostics: sends the run report by SES e-mail',
    env: commonEnv,
    permissions: [{ ses: 'send' }],
  },
  'tasks-notify': {
    entry: 'functions/tasks/notify.ts',
    description: 'Human tasks: records a task for a waiting workflow (its token sealed) with the status it opens, and e-mails the assignee signed links',
    env: taskEnv,
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }, { ses: 'send' }, { key: 'encrypt' }, { secret: 'approval-link-key', access: 'read' }, { bus: 'put' }],
  },
  'tasks-expire': {
    entry: 'functions/tasks/expire.ts',
    description: 'Human tasks: closes a task whose reminders ran out, so its links say it expired',
    env: commonEnv,
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }],
  },
  'tasks-cancel': {
    entry: 'functions/tasks/cancel.ts',
    description: 'Human tasks: cancels the pending tasks of an execution that stopped, failed or timed out',
    env: commonEnv,
    // It confirms with DescribeExecution that an execution has really ended before cancelling.
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }, ...callbackMachines.map(({ machine }) => ({ machine, actions: ['describe'] as const }))],
  },
  'auth-pre-token': {
    entry: 'functions/auth/pre-token.ts',
    description: 'Cognito pre-token generation: the API scope, agency and e-mail in access tokens (people and RMS clients); audits each logon',
    env: commonEnv,
    // A person's sign-in is recorded on their account, and refused when it was disabled or removed.
    permissions: [auditAppend, { table: 'main', access: 'readwrite' }],
  },
  'auth-logon-failed': {
    entry: 'functions/auth/logon-failed.ts',
    description: 'Audits a failed Cognito logon (a bad password or client secret) that CloudTrail recorded',
    env: commonEnv,
    permissions: [auditAppend],
  },
  'diagnostics-event-sink': {
    entry: 'functions/diagnostics/event-sink.ts',
    description: 'Diagnostics: target of the DiagnosticsCompleted rule; records the event it received',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }],
  },
  ...accessFunctions,
  ...arrestFunctions,
  ...monitoringFunctions,
  ...searchFunctions,
  ...certificationFunctions,
  ...accountsFunctions,
  ...disseminationFunctions,
  ...agenciesFunctions,
  ...metricsFunctions,
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof functions;

/** Exactly the keys K: a key missing, or one more, is a compile error. */
type Exactly<T, K extends PropertyKey> = [Exclude<keyof T, K>, Exclude<K, keyof T>] extends [never, never] ? T : never;
/** One function per route and none for no route: the tie between the route list and the entries. */
const _oneFunctionPerRoute: Exactly<typeof routeFunctions, RouteId> & Record<RouteId, FunctionSpec> = routeFunctions;

/** Every route, with the function behind it: the API in AWS and the local gateway are built from it. */
export const routes: readonly ManifestRoute[] = routeSpecs.map((spec) => ({ ...spec, function: spec.id }));


export const eventRules = {
  'diagnostics-completed': {
    description: 'A diagnostics run finished: record it',
    pattern: { source: ['ciss.diagnostics'], 'detail-type': ['DiagnosticsCompleted'] },
    target: { function: 'diagnostics-event-sink' },
  },
  'tasks-execution-ended': {
    description: 'An execution stopped, failed or timed out: its pending human tasks are cancelled',
    bus: 'default',
    pattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['ABORTED', 'FAILED', 'TIMED_OUT'] } },
    target: { function: 'tasks-cancel' },
  },
  'auth-logon-failed': {
    description: 'Cognito refused a sign-in or a client-credentials request (CloudTrail): audit the failed logon',
    bus: 'default',
    pattern: {
      source: ['aws.cognito-idp'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: ['InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'Token_POST', 'Login_POST'], errorCode: [{ exists: true }] },
    },
    target: { function: 'auth-logon-failed' },
  },
  ...accessEventRules,
  ...arrestEventRules,
  ...searchEventRules,
  ...disseminationEventRules,
  ...agenciesEventRules,
} as const satisfies Record<string, EventRuleSpec>;

export const schedules = {
  ...monitoringSchedules,
  ...searchSchedules,
  ...accountsSchedules,
  ...disseminationSchedules,
  ...metricsSchedules,
} as const satisfies Record<string, ScheduleSpec>;

export const email = {
  /** The address mail is sent from (a verified SES identity in AWS). */
  sender: 'no-reply@ciss.ct.example',
} as const;

export const manifest = { tables, secrets, endpoints, functions, routes, machines, eventRules, schedules, email } as const;
export type Manifest = typeof manifest;
