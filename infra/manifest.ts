/**
 * The one manifest: every function, route, state machine, table, event rule and the e-mail
 * sender of ciss-workflows, written once. The CDK stack (`infra/stack.ts`) and the embedded
 * local runtime (`infra/local/`) are both built from it, and `test/infra/parity.test.ts` fails
 * when one back-end has something the other does not.
 *
 * Values a resource needs from another (a table name, a function ARN) are written as `Ref`s and
 * resolved by each back-end: CDK tokens in AWS, local names and ARNs in the embedded runtime.
 */

/** The roles a caller can hold. In AWS they are Cognito groups; locally, the same claim. */
export const ROLES = [
  'agency-admin',
  'agency-rms',
  'unit',
  'court-clerk',
  'dcj',
  'judicial',
  'community',
  'operations',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** A value resolved per back-end. */
export type Ref =
  | { readonly ref: 'table'; readonly table: TableName }
  | { readonly ref: 'bus' }
  | { readonly ref: 'sender' }
  | { readonly ref: 'configurationSet' }
  | { readonly ref: 'function'; readonly function: FunctionName }
  | { readonly ref: 'machine'; readonly machine: MachineName }
  | { readonly ref: 'literal'; readonly value: string };

/** What a function may do; each back-end grants exactly this (IAM in AWS). */
export type Permission =
  | { readonly table: TableName; readonly access: 'read' | 'readwrite' }
  | { readonly bus: 'put' }
  | { readonly ses: 'send' }
  | { readonly machine: MachineName; readonly actions: readonly ('start' | 'read' | 'callback' | 'stop')[] };

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

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path, with `{param}` placeholders. */
  readonly path: string;
  readonly function: FunctionName;
  /** Roles allowed to call the route; every route is authenticated. */
  readonly roles: readonly Role[];
  /** When true, agency roles see only their own ORI's data (enforced by the handler). */
  readonly oriScoped: boolean;
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
  /** An EventBridge event pattern. */
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly target: { readonly function: FunctionName };
}

const table = (name: TableName): Ref => ({ ref: 'table', table: name });
const fn = (name: FunctionName): Ref => ({ ref: 'function', function: name });

export const tables = {
  main: {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      byStatus: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      byAgency: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    },
    timeToLiveAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof tables;

/** Environment every function gets: where the data lives and who mail comes from. */
const commonEnv = {
  TABLE_NAME: table('main'),
  EVENT_BUS_NAME: { ref: 'bus' },
  SENDER_EMAIL: { ref: 'sender' },
  SES_CONFIGURATION_SET: { ref: 'configurationSet' },
} as const satisfies Record<string, Ref>;

export const functions = {
  health: {
    entry: 'functions/health/get.ts',
    description: 'Answers GET /health for any authenticated caller: liveness and who the caller is',
    env: {},
    permissions: [],
  },
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
  'diagnostics-event-sink': {
    entry: 'functions/diagnostics/event-sink.ts',
    description: 'Diagnostics: target of the DiagnosticsCompleted rule; records the event it received',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }],
  },
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof functions;

export const routes = [
  {
    method: 'GET',
    path: '/health',
    function: 'health',
    roles: ROLES,
    oriScoped: false,
  },
] as const satisfies readonly RouteSpec[];

export const machines = {
  diagnostics: {
    file: 'statemachines/diagnostics.asl.json',
    description: 'Exercises every kind of step the workflows use, end to end, on either back-end',
    substitutions: {
      TableName: table('main'),
      EventBusName: { ref: 'bus' },
      CheckFunctionArn: fn('diagnostics-check'),
      ParkFunctionArn: fn('diagnostics-park'),
      NotifyFunctionArn: fn('diagnostics-notify'),
    },
  },
} as const satisfies Record<string, MachineSpec>;
export type MachineName = keyof typeof machines;

export const eventRules = {
  'diagnostics-completed': {
    description: 'A diagnostics run finished: record it',
    pattern: { source: ['ciss.diagnostics'], 'detail-type': ['DiagnosticsCompleted'] },
    target: { function: 'diagnostics-event-sink' },
  },
} as const satisfies Record<string, EventRuleSpec>;

export const email = {
  /** The address mail is sent from (a verified SES identity in AWS). */
  sender: 'no-reply@ciss.ct.example',
} as const;

export const manifest = { tables, functions, routes, machines, eventRules, email } as const;
export type Manifest = typeof manifest;
