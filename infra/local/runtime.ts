import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { setTimeSource } from '../../functions/shared/time';
import { aslText, ROOT, substitute } from '../asl';
import { metricsNamespace } from '../manifest/monitoring';
import { email, functions, machines, tables, type FunctionName, type MachineName, type Ref, type SecretName, type TableName, type TableSpec } from '../manifest';
import { LocalApiGateway } from './apigateway';
import { isClientCredentials, TokenRefused, type TokenCustomization } from '../../functions/auth/claims';
import { CONSOLE_PREFIX, OpsConsole } from './console/server';
import { LocalIssuer, type TokenRequest } from './auth';
import { LocalClients } from './clients';
import { Clock } from './clock';
import { DiagnosticsCallbacks } from './diagnostics-callbacks';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { Edge } from './edge';
import { LocalEventBridge } from './eventbridge';
import { LOCAL_REGION, LocalLambda } from './lambda';
import { externalCms, startCmsSimulator, type CmsSimulator } from './cms';
import { FaultInjector, parseFaultPlan, type FaultPlan } from './faults';
import { LocalKeys } from './keys';
import { LocalScheduler } from './scheduler';
import { startLocalSes, type LocalSes } from './ses';
import { StepFunctionsService } from './stepfunctions/service';
import { SfnStore } from './stepfunctions/store';

export interface RuntimeOptions {
  /** Names every resource `ciss-<stage>-…`; runtimes with different stages can share a DynamoDB. @default 'local' */
  readonly stage?: string;
  /** 0 picks a free port. @default 4566 */
  readonly edgePort?: number;
  /** @default 3000 */
  readonly apiPort?: number;
  /** The SES mailbox (and its web viewer). @default 8005 */
  readonly sesPort?: number;
  /** The DCJ CMS simulator. @default 0 (a free port) */
  readonly cmsPort?: number;
  /** Use a DynamoDB Local that is already running (tests share one), instead of starting one. */
  readonly dynamoEndpoint?: string;
  /** Where `npm start` keeps its data (DynamoDB files, the issuer's key); in memory when absent. */
  readonly dataDir?: string;
  readonly clock?: Clock;
  /**
   * Run the manifest's schedules (the pending-task monitor) on the clock. Off for a harness that
   * counts invocations and wants none it did not cause.
   * @default true
   */
  readonly schedules?: boolean;
  /**
   * A DCJ CMS already running elsewhere, instead of starting the simulator here (the crash test
   * keeps it in the process that survives the kill). It must accept the `cms-credentials` secret
   * of `dataDir`'s keys.
   */
  readonly cmsUrl?: string;
  /** Faults to inject from the start (`npm start` reads `CISS_FAULTS`); change them with `runtime.faults.set` or `PUT /_local/faults`. @default none */
  readonly faults?: FaultPlan;
  /** The per-run secret for `/_local/*` controls and the mailbox's data (a restarted child keeps its parent's). @default random */
  readonly localSecret?: string;
}

export interface LocalRuntime {
  /** `console` is the operations console's page, on the API's origin (local only). */
  readonly endpoints: { readonly edge: string; readonly api: string; readonly mailbox: string; readonly dynamodb: string; readonly cms: string; readonly console: string };
  readonly clock: Clock;
  readonly lambda: LocalLambda;
  /** The edge endpoint: its `taps` see (and may answer) every AWS request the application makes. */
  readonly edge: Edge;
  readonly eventBridge: LocalEventBridge;
  /** The manifest's schedules, and every run so far. */
  readonly scheduler: LocalScheduler;
  readonly stepFunctions: StepFunctionsService;
  readonly api: LocalApiGateway;
  /** The user pool's app clients for machines (RMS): `clients.rmsClient(ori)` gives an id and secret. */
  readonly clients: LocalClients;
  /** The DCJ CMS simulator: what it received, and switches to make it fail. */
  readonly cms: CmsSimulator;
  /** Fault injection into the application's AWS calls, its Lambdas and CMS (`infra/local/faults.ts`). */
  readonly faults: FaultInjector;
  /** Resolved physical names, as the CDK stack's outputs give them in AWS. */
  readonly names: {
    readonly tables: Readonly<Record<TableName, string>>;
    readonly machines: Readonly<Record<MachineName, string>>;
    readonly functions: Readonly<Record<FunctionName, string>>;
    readonly bus: string;
  };
  /** How many executions were carried on from a previous run at start. */
  readonly resumed: number;
  /** Send it as `X-Ciss-Local-Secret` to `/_local/*` (but health) on the edge and to the mailbox's `/store` and `/clear-store`. */
  readonly localSecret: string;
  mintToken(request: TokenRequest): Promise<string>;
  /** A secret's value (tests derive what the application derives from it, e.g. a packet id). */
  secretValue(name: SecretName): string;
  stop(): Promise<void>;
}

/** The names a stage's resources get locally. */
export function localNames(stage: string) {
  const prefix = `ciss-${stage}`;
  return {
    prefix,
    table: (name: TableName) => `${prefix}-${name}`,
    machine: (name: MachineName) => `${prefix}-${name}`,
    bus: `${prefix}-bus`,
    configurationSet: `${prefix}-email`,
    sfnTable: `${prefix}-local-stepfunctions`,
  };
}

/**
 * Starts the embedded runtime: DynamoDB Local, the SES mailbox, the edge endpoint with the local
 * Step Functions and EventBridge behind it, and the local API Gateway, all built from the
 * manifest, then carries on any execution a previous run left running.
 */
export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const stage = options.stage ?? 'local';
  const names = localNames(stage);
  const clock = options.clock ?? new Clock();
  setTimeSource(() => clock.now());
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(`[runtime] stop: ${(e as Error).message}`));
  };

  try {
    let dynamo: DynamoDbLocal | undefined;
    if (!options.dynamoEndpoint) {
      dynamo = await startDynamoDbLocal({ dataDir: options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined });
      stops.push(() => dynamo?.stop() ?? Promise.resolve());
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? dynamo?.endpoint ?? '';
    const localSecret = options.localSecret ?? randomBytes(32).toString('base64url');
    const ses: LocalSes = await startLocalSes(options.sesPort ?? 8005, { localSecret });
    stops.push(() => ses.stop());

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const rawDynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials });
    stops.push(async () => rawDynamo.destroy());
    const lambda = new LocalLambda(names.prefix, ROOT);
    const diagnostics = DiagnosticsCallbacks.at(options.dataDir);
    lambda.watchers.add(diagnostics.watch);
    const store = new SfnStore(rawDynamo, names.sfnTable);
    const eventBridge = new LocalEventBridge(names.bus, lambda, clock);
    const keys = LocalKeys.load(names.prefix, options.dataDir);
    const cms = options.cmsUrl ? externalCms(options.cmsUrl) : await startCmsSimulator({ port: options.cmsPort ?? 0, credential: keys.secretValue('cms-credentials') });
    stops.push(() => cms.stop());
    const faults = new FaultInjector(options.faults);

    // The edge must listen before the SDK clients that go through it are made.
    const late: { service?: StepFunctionsService } = {};
    const edge = new Edge({
      dynamodb: dynamoEndpoint,
      ses: ses.endpoint,
      sesConfigurationSet: names.configurationSet,
      stepFunctions: { handle: (op, body) => (late.service ? late.service.handle(op, body) : Promise.reject(new Error('starting'))) },
      eventBridge,
      kms: keys.kms,
      secretsManager: keys.secretsManager,
      localSecret,
      control: async (method, url, body) => diagnostics.control(method, url) ?? control(clock, faults, method, url, body),
    });
    const edgePort = await edge.start(options.edgePort ?? 4566);
    stops.push(() => edge.stop());
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    // One attempt: a Task's throttled or failed call surfaces to the state machine, whose Retry
    // handles it as in AWS (the SDK's own retries would hide it from the ASL).
    const viaEdge = { endpoint: edgeUrl, region: LOCAL_REGION, credentials, maxAttempts: 1 };
    const clients = { dynamodb: new DynamoDBClient(viaEdge), eventbridge: new EventBridgeClient(viaEdge), ses: new SESClient(viaEdge), sfn: new SFNClient(viaEdge) };
    stops.push(async () => Object.values(clients).forEach((c) => c.destroy()));
    const sfn = new StepFunctionsService({
      store,
      clock,
      lambda,
      clients,
      onStatusChange: (e) =>
        eventBridge.publishAwsEvent(
          'aws.states',
          'Step Functions Execution Status Change',
          {
            executionArn: e.executionArn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            stopDate: e.stopDate ?? null,
            input: e.input,
            output: e.output ?? null,
            error: e.error ?? null,
            cause: e.cause ?? null,
          },
          [e.executionArn],
        ),
    });
    late.service = sfn;
    faults.attach({ edge, lambda, cms: options.cmsUrl ? undefined : cms });
    stops.push(() => sfn.shutdown());

    // The API listens before handlers get their environment: links in e-mails start with its URL.
    const issuer = await LocalIssuer.create(options.dataDir ? path.join(options.dataDir, 'issuer-key.json') : undefined);
    const api = new LocalApiGateway(lambda, issuer, clock, stage);
    // Tokens are shaped, and logons audited, by the very pre-token trigger Cognito calls in AWS.
    issuer.customizer = async (request, source) => {
      const event = {
        version: '3',
        triggerSource: request.triggerSource,
        region: LOCAL_REGION,
        userPoolId: `${LOCAL_REGION}_local`,
        userName: request.userName,
        callerContext: { awsSdkVersion: 'local', clientId: request.clientId },
        request: { userAttributes: request.userAttributes, groupConfiguration: { groupsToOverride: [...request.groups] }, scopes: [...request.scopes] },
        response: { claimsAndScopeOverrideDetails: {} },
        // Local only: Cognito's event carries no source address (in AWS, CloudTrail has it).
        ...(source ? { localSource: source } : {}),
      };
      const out = await lambda.invoke('auth-pre-token', event);
      if (out.error) throw out.error.errorType === 'TokenRefused' ? new TokenRefused(out.error.errorMessage) : new Error(`pre-token trigger: ${out.error.errorMessage}`);
      const access = (out.payload as { response?: { claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { claimsToAddOrOverride?: Record<string, string>; scopesToAdd?: string[] } } } }).response?.claimsAndScopeOverrideDetails?.accessTokenGeneration;
      const custom: TokenCustomization = { kind: isClientCredentials(request.triggerSource) ? 'client' : 'user', actor: request.userName, scopesToAdd: access?.scopesToAdd ?? [], claims: access?.claimsToAddOrOverride ?? {} };
      return custom;
    };
    const appClients = LocalClients.load(options.dataDir);
    api.tokenEndpoint = {
      clients: appClients,
      // What CloudTrail records in AWS when Cognito refuses a token request.
      onFailure: (f) =>
        eventBridge.publishAwsEvent('aws.cognito-idp', 'AWS API Call via CloudTrail', {
          eventSource: 'cognito-idp.amazonaws.com',
          eventName: 'Token_POST',
          errorCode: f.error,
          sourceIPAddress: f.sourceIp,
          userAgent: f.userAgent ?? null,
          requestParameters: { client_id: f.clientId },
        }),
    };
    const apiPort = await api.start(options.apiPort ?? 3000);
    stops.push(() => api.stop());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    api.mount(CONSOLE_PREFIX, new OpsConsole({ mailbox: ses.endpoint, localSecret, authenticate: (authorization) => api.authenticate(authorization) }).serve);

    const resolve = (ref: Ref): string => {
      switch (ref.ref) {
        case 'table':
          return names.table(ref.table);
        case 'bus':
          return names.bus;
        case 'sender':
          return email.sender;
        case 'configurationSet':
          return names.configurationSet;
        case 'function':
          return lambda.arnOf(ref.function);
        case 'machine':
          return sfn.machineArn(names.machine(ref.machine));
        case 'apiUrl':
          return apiUrl;
        case 'key':
          return keys.keyArn;
        case 'secret':
          return keys.secretArn(ref.secret);
        case 'endpoint':
          return cms.url;
        case 'literal':
          return ref.value;
      }
    };

    // Handlers run in this process, so they share one environment: it must not disagree.
    // Metrics (EMF) land in the log, in the stage's namespace as the CDK stack sets it in AWS.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: edgeUrl,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(stage),
    });
    Object.assign(process.env, functionEnvironment(resolve));

    for (const [name, spec] of Object.entries(tables) as [TableName, TableSpec][]) await ensureTable(rawDynamo, names.table(name), spec);
    await store.ensureTable();
    for (const [name, spec] of Object.entries(machines) as [MachineName, (typeof machines)[MachineName]][]) {
      const values = Object.fromEntries(Object.entries(spec.substitutions).map(([k, ref]) => [k, resolve(ref)]));
      await sfn.createStateMachine(names.machine(name), substitute(aslText(name), values), `arn:aws:iam::000000000000:role/${names.machine(name)}`, true);
    }

    stops.push(() => eventBridge.idle());
    const scheduler = new LocalScheduler(lambda, clock);
    if (options.schedules ?? true) scheduler.start();
    stops.push(() => scheduler.stop());

    const resumed = await sfn.resumeAll();
    const record = <K extends string>(keys: K[], f: (k: K) => string) => Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, string>;

    return {
      endpoints: { edge: edgeUrl, api: apiUrl, mailbox: ses.endpoint, dynamodb: dynamoEndpoint, cms: cms.url, console: `${apiUrl}${CONSOLE_PREFIX}/` },
      clock,
      lambda,
      edge,
      eventBridge,
      scheduler,
      stepFunctions: sfn,
      api,
      clients: appClients,
      cms,
      faults,
      names: {
        tables: record(Object.keys(tables) as TableName[], names.table),
        machines: record(Object.keys(machines) as MachineName[], (m) => sfn.machineArn(names.machine(m))),
        functions: record(Object.keys(functions) as FunctionName[], (f) => lambda.arnOf(f)),
        bus: names.bus,
      },
      resumed,
      localSecret,
      mintToken: (request) => issuer.mint(request),
      secretValue: (name) => keys.secretValue(name),
      // Executions are detached first, so that nothing reads a stopping clock as time passing.
      stop: () => stopAll(),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The union of every function's environment; two functions may not disagree on a name. */
export function functionEnvironment(resolve: (ref: Ref) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(functions)) {
    for (const [key, ref] of Object.entries(spec.env as Record<string, Ref>)) {
      const value = resolve(ref);
      if (env[key] !== undefined && env[key] !== value) throw new Error(`Function ${name} sets ${key}=${value}, another function ${env[key]}: locally they share one process`);
      env[key] = value;
    }
  }
  return env;
}

/** Creates a manifest table, or brings one kept from an earlier run up to the manifest (its indexes). */
export async function ensureTable(client: DynamoDBClient, tableName: string, spec: TableSpec): Promise<void> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, tableName, spec, new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '')));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([spec.partitionKey, spec.sortKey, ...Object.values(spec.indexes).flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [...attributes].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      GlobalSecondaryIndexes: Object.entries(spec.indexes).map(([indexName, index]) => ({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  if (spec.timeToLiveAttribute) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.timeToLiveAttribute } }));
  }
}

/**
 * A table kept under `.local/` from before the manifest gained an index gets it, as a CDK deploy
 * would add it (one at a time, as DynamoDB requires). Items written before have none of its keys,
 * so they are not in it: the index is sparse for them.
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, spec: TableSpec, present: ReadonlySet<string>): Promise<void> {
  for (const [indexName, index] of Object.entries(spec.indexes)) {
    if (present.has(indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    await untilIndexActive(client, tableName, indexName);
  }
}

/**
 * DynamoDB builds one index at a time: the next waits until this one is ACTIVE (bounded; about a
 * second on an idle machine, much longer on a loaded one).
 */
async function untilIndexActive(client: DynamoDBClient, tableName: string, indexName: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.IndexStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Index ${indexName} of ${tableName} was not ACTIVE within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `/_local/*` on the edge: the runtime's status, the clock for demos, and fault injection. */
async function control(clock: Clock, faults: FaultInjector, method: string, url: string, body: string): Promise<{ status: number; body: unknown } | undefined> {
  if (url === '/_local/faults') {
    if (method === 'GET') return { status: 200, body: { plan: faults.current(), injected: faults.counts() } };
    if (method === 'DELETE') {
      faults.set({});
      return { status: 200, body: { plan: {}, injected: {} } };
    }
    if (method === 'PUT' || method === 'POST') {
      try {
        faults.set(parseFaultPlan(JSON.parse(body || '{}')));
      } catch (error) {
        return { status: 400, body: { message: (error as Error).message } };
      }
      return { status: 200, body: { plan: faults.current(), injected: {} } };
    }
  }
  if (method === 'GET' && url === '/_local/health') return { status: 200, body: { status: 'running', clock: { mode: clock.mode, scale: clock.scale, now: clock.nowIso() } } };
  if (method === 'POST' && url === '/_local/clock/advance') {
    if (clock.mode !== 'manual') return { status: 409, body: { message: 'The clock runs in real time; start with CISS_CLOCK=manual to advance it' } };
    const seconds = Number((JSON.parse(body || '{}') as { seconds?: unknown }).seconds);
    if (!Number.isFinite(seconds) || seconds <= 0) return { status: 400, body: { message: 'seconds must be a positive number' } };
    await clock.advance(seconds * 1000);
    return { status: 200, body: { now: clock.nowIso() } };
  }
  return undefined;
}
