import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { isClientCredentials, TokenRefused, type TokenCustomization } from '../../functions/auth/claims';
import { setTimeSource } from '../../functions/shared/time';
import { aslText, ROOT, substitute } from '../asl';
import { functions, machines, tables, type FunctionName, type MachineName, type Ref, type SecretName, type TableName } from '../manifest';
import { metricsNamespace } from '../manifest/monitoring';
import { accountsSchedules } from '../manifest/accounts';
import { disseminationEventRules, disseminationSchedules } from '../manifest/dissemination';
import { metricsSchedules } from '../manifest/metrics';
import { searchEventRules, searchSchedules } from '../manifest/search';
import { LocalApiGateway } from './apigateway';
import { LocalIssuer, type TokenCustomizer, type TokenRequest } from './auth';
import { LocalClients } from './clients';
import { LocalUserPoolApi } from './user-pool-api';
import { Clock } from './clock';
import { DiagnosticsCallbacks } from './diagnostics-callbacks';
import { externalCms, startCmsSimulator, type CmsSimulator } from './cms';
import { CONSOLE_PREFIX, LocalMailView, MAILS_PATH, redirectConsole } from './console/mails';
import { portalHome } from '../../portal/config';
import { LocalPortal, PORTAL_PREFIX } from './portal-server';
import { dynamoDbLocalAgent, startDynamoDbLocal } from './dynamodb';
import { DynamoDbJson } from './dynamodb-json';
import { EdgeRequestHandler, handOverInProcess } from './edge-handler';
import { localControls, type Control } from './controls';
import { Edge } from './edge';
import { LocalEventBridge } from './eventbridge';
import { FaultInjector, parseFaultPlan, type FaultPlan } from './faults';
import { LocalKeys } from './keys';
import { LOCAL_REGION, LocalLambda, scopeInvocations } from './lambda';
import { functionEnvironment, localNames, resolveLocalRef, type LocalNames, type LocalRefTargets } from './refs';
import { HostedSignIn, PORTAL_CLIENT_ID, PORTAL_CLIENT_SCOPES } from './oauth';
import { LocalScheduler } from './scheduler';
import { startSourceApi, type SourceApiSimulator } from './search/source-api';
import { createTables, ensureTable } from './tables';
import { startLocalSes, type LocalSes } from './ses';
import { StepFunctionsService } from './stepfunctions/service';
import { localGrants } from './grants';
import { seedCertifications, seededPeople } from './certifications';
import { userDirectory, type DemoUser, type SeededCertification } from './users';
import { SfnStore } from './stepfunctions/store';
import { LocalDataApi } from './search/data-api';
import { SEARCH_DB_NAME } from '../manifest/shared';
import { localSearchDbArn, localSearchDbSecretArn } from './search/names';
import { openSearchWorker } from './search/session';

export { ensureTable, functionEnvironment, localNames, localSearchDbArn, localSearchDbSecretArn };

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
  /** The keep-alive agent every request to DynamoDB Local goes through (the bench's can record them). @default dynamoDbLocalAgent() */
  readonly dynamoAgent?: Agent;
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
   * CISS Search's simulated source systems (their change APIs and file drops, with this many
   * synthetic people) and the `search-poll` schedule that reads them. Absent, the simulator
   * serves nobody and the schedule does not run: a runtime that is not about search (the workflow
   * tests, the bench's workflow parts) does not open the search database every quarter of an
   * hour of its clock; nor do the rules that index pushed changes and arrest packets, nor
   * dissemination's (SEARCH_BOUND).
   * `npm start` asks for it, with `CISS_SEARCH_SOURCE_PEOPLE` people (200 by default).
   */
  readonly searchSources?: { readonly people: number; readonly seed?: number };
  /**
   * Run the daily accounts sweep (inactivity, quarterly reviews) on its schedule. Off by default:
   * a test that moves the clock through months would find every person it signed in disabled for
   * inactivity; tests run the sweep when they mean to (`POST /_local/schedules/run`).
   * `npm start` asks for it.
   * @default false
   */
  readonly accountsSweep?: boolean;
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
  /** The people of the local user pool, listed on the sign-in page (infra/local/users.ts). @default DEMO_USERS */
  readonly users?: readonly DemoUser[];
  /**
   * People of `users` who start with a CISS Search certification, seeded as the lifecycle's grant
   * leaves one (infra/local/certifications.ts): the only way a person starts with `search`.
   * `npm start` passes DEMO_CERTIFIED. A restarted runtime keeps the ones it has.
   * @default none
   */
  readonly certified?: readonly SeededCertification[];
}

export interface LocalRuntime {
  /** `console` is the old operations console's address: it redirects to the portal's operations section (`/portal/#/ops`). */
  readonly endpoints: { readonly edge: string; readonly api: string; readonly mailbox: string; readonly dynamodb: string; readonly cms: string; readonly console: string; readonly portal: string };
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
  /** The source systems CISS Search polls (and their file drops), simulated: take one down, add changes. */
  readonly searchSources: SourceApiSimulator;
  /** Fault injection into the application's AWS calls, its Lambdas and CMS (`infra/local/faults.ts`). */
  readonly faults: FaultInjector;
  /**
   * The search database behind the edge's RDS Data API (PGlite in a worker thread, opened on
   * first use): `search.direct()` runs statements on it without the Data API (the bench's
   * ceiling, bulk loads), taking turns with the Data API's.
   */
  readonly search: LocalDataApi;
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

/**
 * Starts the embedded runtime: DynamoDB Local, the SES mailbox, the edge endpoint with the local
 * Step Functions and EventBridge behind it, and the local API Gateway, all built from the
 * manifest, then carries on any execution a previous run left running.
 */
export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const stage = options.stage ?? 'local';
  const names = localNames(stage);
  const clock = options.clock ?? new Clock();
  // Before any AWS SDK request: the first one fixes how invocations are scoped for the process.
  await scopeInvocations();
  setTimeSource(() => clock.now());
  const teardown = new Teardown();
  try {
    const dynamodb = await startDynamoDb(options, teardown);
    const localSecret = options.localSecret ?? randomBytes(32).toString('base64url');
    const mailbox = await startMailbox(options.sesPort ?? 8005, localSecret, teardown);
    const keys = LocalKeys.load(names.prefix, options.dataDir);
    const cms = await startCms(options, keys, teardown);
    const searchSources = await startSourceApi({ seed: options.searchSources?.seed ?? 1, people: options.searchSources?.people ?? 0 });
    teardown.add(() => searchSources.stop());
    const lambda = new LocalLambda(names.prefix, ROOT);
    const diagnostics = DiagnosticsCallbacks.at(options.dataDir);
    lambda.watchers.add(diagnostics.watch);
    const eventBridge = new LocalEventBridge(names.bus, lambda, clock, options.searchSources ? new Set() : SEARCH_BOUND.rules);
    const faults = new FaultInjector(options.faults);
    const search = searchDatabase(stage, options.dataDir, teardown);
    // Agency provisioning makes machine clients through the edge (Cognito's API) in the issuer's list, which the API holds.
    const machineClients: { current?: LocalClients } = {};
    const userPool = new LocalUserPoolApi(() => machineClients.current);
    const edge = await startEdge({ port: options.edgePort ?? 4566, dynamodb: dynamodb.endpoint, dynamodbAgent: dynamodb.agent, mailbox, configurationSet: names.configurationSet, eventBridge, keys, localSecret, clock, faults, diagnostics, search, userPool }, teardown);
    const stepFunctions = await startStepFunctions({ names, store: new DynamoDbJson(dynamodb.endpoint, dynamodb.agent), edgeUrl: edge.url, ...(edge.inProcess ? { edgeHandler: edge.inProcess } : {}), clock, lambda, eventBridge }, teardown);
    edge.routeStepFunctionsTo(stepFunctions);
    faults.attach({ edge: edge.edge, lambda, cms: options.cmsUrl ? undefined : cms });
    const issuer = await startIssuer(options.dataDir, lambda);
    // The local user store: roles granted by a lifecycle (CISS Search certification) join the next token.
    issuer.grantedRoles = localGrants(dynamodb.client, names.table('main'), clock);
    // The API listens before handlers get their environment: links in e-mails start with its URL.
    const api = await startApi({ stage, port: options.apiPort ?? 3000, dataDir: options.dataDir, lambda, issuer, clock, eventBridge, mailbox, localSecret }, teardown);
    machineClients.current = api.clients;
    const people = userDirectory(options.users);
    signInPeople(api, issuer, clock, people);
    const refs = localRefTargets({ stage, names, lambda, stepFunctions, apiUrl: api.url, keys, cms, searchSources });
    setHandlerEnvironment(stage, edge.url, refs);
    await createTables(dynamodb.client, names);
    await createStateMachines(stepFunctions, names, refs);
    const skipped = [...(options.searchSources ? [] : SEARCH_BOUND.schedules), ...(options.accountsSweep ? [] : Object.keys(accountsSchedules))];
    const scheduler = startSchedules(lambda, clock, eventBridge, options.schedules ?? true, new Set(skipped), teardown);
    const resumed = await stepFunctions.resumeAll();
    // After the resume, so a first start's seeded renewal executions are not counted as carried on.
    await seedCertifications(seededPeople(options.certified ?? [], people), { tableName: names.table('main'), machineArn: refs.machineArn('search-certification'), clock });
    const runtime: LocalRuntime = {
      endpoints: { edge: edge.url, api: api.url, mailbox: mailbox.endpoint, dynamodb: dynamodb.endpoint, cms: cms.url, console: `${api.url}${CONSOLE_PREFIX}/`, portal: portalHome(api.url) },
      clock,
      lambda,
      edge: edge.edge,
      eventBridge,
      scheduler,
      stepFunctions,
      api: api.gateway,
      clients: api.clients,
      cms,
      searchSources,
      faults,
      search,
      names: resolvedNames(names, refs),
      resumed,
      localSecret,
      mintToken: (request) => issuer.mint(request),
      secretValue: (name) => keys.secretValue(name),
      stop: () => teardown.run(),
    };
    edge.addControls(localControls(runtime));
    return runtime;
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

/**
 * What start-up has started, stopped in the reverse order: by `stop()`, or when a later step
 * fails. Executions are detached before the clock and services they use stop, so that nothing
 * reads a stopping clock as time passing.
 */
class Teardown {
  private readonly stops: (() => Promise<void>)[] = [];

  add(stop: () => Promise<void> | void): void {
    this.stops.push(async () => stop());
  }

  async run(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch((e: unknown) => console.error(`[runtime] stop: ${(e as Error).message}`));
  }
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Whether the runtime's own SDK clients (the Tasks' integrations, the handlers' clients) hand
 * their requests to the edge in process (edge-handler.ts) rather than over a socket to it.
 * `CISS_EDGE_IN_PROCESS=0` sends them over HTTP, as before 30 November 2026 (to compare).
 */
const EDGE_IN_PROCESS = process.env['CISS_EDGE_IN_PROCESS'] !== '0';

/** DynamoDB Local (started here, or the one given), and the runtime's own client of it, which bypasses the edge. */
async function startDynamoDb(options: RuntimeOptions, teardown: Teardown): Promise<{ endpoint: string; client: DynamoDBClient; agent: Agent }> {
  let endpoint = options.dynamoEndpoint;
  if (!endpoint) {
    const dynamo = await startDynamoDbLocal({ dataDir: options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined });
    teardown.add(() => dynamo.stop());
    endpoint = dynamo.endpoint;
  }
  // The store's requests and the edge's go through one keep-alive agent (dynamodb.ts: capped on request).
  const agent = options.dynamoAgent ?? dynamoDbLocalAgent();
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: CREDENTIALS, requestHandler: { httpAgent: agent } });
  teardown.add(() => client.destroy());
  return { endpoint, client, agent };
}

/** The SES mailbox and its web viewer. */
async function startMailbox(port: number, localSecret: string, teardown: Teardown): Promise<LocalSes> {
  const ses = await startLocalSes(port, { localSecret });
  teardown.add(() => ses.stop());
  return ses;
}

/** The DCJ CMS simulator, or the one running elsewhere (`cmsUrl`). */
async function startCms(options: RuntimeOptions, keys: LocalKeys, teardown: Teardown): Promise<CmsSimulator> {
  const cms = options.cmsUrl ? externalCms(options.cmsUrl) : await startCmsSimulator({ port: options.cmsPort ?? 0, credential: keys.secretValue('cms-credentials') });
  teardown.add(() => cms.stop());
  return cms;
}

interface EdgeDeps {
  readonly port: number;
  readonly dynamodb: string;
  readonly dynamodbAgent: Agent;
  readonly mailbox: LocalSes;
  /** The SES configuration set the application sends with (the edge's SES answers name it). */
  readonly configurationSet: string;
  readonly eventBridge: LocalEventBridge;
  readonly keys: LocalKeys;
  readonly localSecret: string;
  readonly clock: Clock;
  readonly faults: FaultInjector;
  /** Pending task tokens of diagnostics runs, for the AWS CLI walkthrough's callback. */
  readonly diagnostics: DiagnosticsCallbacks;
  /** The search database's Data API. */
  readonly search: LocalDataApi;
  /** Cognito's user-pool API, as agency provisioning calls it. */
  readonly userPool: LocalUserPoolApi;
}

/**
 * The edge endpoint (`AWS_ENDPOINT_URL`), with `/_local/*` controls. It listens before Step
 * Functions exists, because the SDK clients of its Tasks go through the edge:
 * `routeStepFunctionsTo` connects the service once it is made.
 */
async function startEdge(deps: EdgeDeps, teardown: Teardown): Promise<{ edge: Edge; url: string; inProcess?: EdgeRequestHandler; routeStepFunctionsTo(service: StepFunctionsService): void; addControls(controls: Control): void }> {
  let stepFunctions: StepFunctionsService | undefined;
  // The controls that read the whole runtime (tokens, events, CMS records) join once it exists.
  let more: Control | undefined;
  const edge = new Edge({
    dynamodb: deps.dynamodb,
    dynamodbAgent: deps.dynamodbAgent,
    ses: deps.mailbox.endpoint,
    sesConfigurationSet: deps.configurationSet,
    stepFunctions: { handle: (op, body) => (stepFunctions ? stepFunctions.handle(op, body) : Promise.reject(new Error('starting'))) },
    eventBridge: deps.eventBridge,
    kms: deps.keys.kms,
    secretsManager: deps.keys.secretsManager,
    rdsData: deps.search,
    cognitoIdp: deps.userPool,
    localSecret: deps.localSecret,
    control: async (method, url, body) => deps.diagnostics.control(method, url) ?? (await control(deps.clock, deps.faults, method, url, body)) ?? more?.(method, url, body),
  });
  const port = await edge.start(deps.port);
  teardown.add(() => edge.stop());
  const url = `http://127.0.0.1:${port}`;
  // The runtime's own SDK clients (its Tasks' and the handlers') reach the edge in process.
  const inProcess = EDGE_IN_PROCESS ? new EdgeRequestHandler(edge) : undefined;
  if (inProcess) teardown.add(handOverInProcess(url, inProcess));
  return { edge, url, ...(inProcess ? { inProcess } : {}), routeStepFunctionsTo: (service) => void (stepFunctions = service), addControls: (controls) => void (more = controls) };
}

interface StepFunctionsDeps {
  readonly names: LocalNames;
  /** DynamoDB Local for the service's own table, without the SDK (dynamodb-json.ts). */
  readonly store: DynamoDbJson;
  readonly edgeUrl: string;
  /** The edge in process, for the Tasks' SDK clients; absent, they call it over HTTP. */
  readonly edgeHandler?: EdgeRequestHandler;
  readonly clock: Clock;
  readonly lambda: LocalLambda;
  readonly eventBridge: LocalEventBridge;
}

/**
 * The local Step Functions service: executions kept in its own table, Task integrations calling
 * AWS through the edge, and status changes published on EventBridge as in AWS.
 */
async function startStepFunctions(deps: StepFunctionsDeps, teardown: Teardown): Promise<StepFunctionsService> {
  const store = new SfnStore(deps.store, deps.names.sfnTable);
  await store.ensureTable();
  // One attempt: a Task's throttled or failed call surfaces to the state machine, whose Retry
  // handles it as in AWS (the SDK's own retries would hide it from the ASL).
  const viaEdge = { endpoint: deps.edgeUrl, region: LOCAL_REGION, credentials: CREDENTIALS, maxAttempts: 1, ...(deps.edgeHandler ? { requestHandler: deps.edgeHandler } : {}) };
  const clients = { dynamodb: new DynamoDBClient(viaEdge), eventbridge: new EventBridgeClient(viaEdge), ses: new SESClient(viaEdge), sfn: new SFNClient(viaEdge) };
  teardown.add(() => Object.values(clients).forEach((c) => c.destroy()));
  const service = new StepFunctionsService({ store, clock: deps.clock, lambda: deps.lambda, clients, onStatusChange: publishStatusChanges(deps.eventBridge) });
  teardown.add(() => service.shutdown());
  return service;
}

type StatusChangeListener = NonNullable<ConstructorParameters<typeof StepFunctionsService>[0]['onStatusChange']>;

/** What EventBridge receives from Step Functions in AWS when an execution changes status. */
function publishStatusChanges(eventBridge: LocalEventBridge): StatusChangeListener {
  return (e) =>
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
    );
}

/** The token issuer (the user pool), its signing key kept in `dataDir`; tokens are shaped by the pre-token trigger. */
async function startIssuer(dataDir: string | undefined, lambda: LocalLambda): Promise<LocalIssuer> {
  const issuer = await LocalIssuer.create(dataDir ? path.join(dataDir, 'issuer-key.json') : undefined);
  issuer.customizer = preTokenTrigger(lambda);
  return issuer;
}

type AccessTokenGeneration = { claimsToAddOrOverride?: Record<string, string>; scopesToAdd?: string[] };

/** Tokens are shaped, and logons audited, by the very pre-token trigger (V3) Cognito calls in AWS. */
function preTokenTrigger(lambda: LocalLambda): TokenCustomizer {
  return async (request, source) => {
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
    const access = (out.payload as { response?: { claimsAndScopeOverrideDetails?: { accessTokenGeneration?: AccessTokenGeneration } } }).response?.claimsAndScopeOverrideDetails?.accessTokenGeneration;
    const custom: TokenCustomization = { kind: isClientCredentials(request.triggerSource) ? 'client' : 'user', actor: request.userName, scopesToAdd: access?.scopesToAdd ?? [], claims: access?.claimsToAddOrOverride ?? {} };
    return custom;
  };
}

/**
 * People's sign-in on the API's origin (oauth.ts): Cognito's hosted-UI endpoints for the portal's
 * app client, whose callback and sign-out URL is the portal (`<api>/portal/`). A refused token
 * request is recorded as the gateway records one of a machine client.
 */
function signInPeople(api: { gateway: LocalApiGateway; url: string }, issuer: LocalIssuer, clock: Clock, users: readonly DemoUser[]): void {
  const endpoint = api.gateway.tokenEndpoint;
  if (!endpoint) throw new Error('the token endpoint must be set before people can sign in');
  const portal = portalHome(api.url);
  const client = { clientId: PORTAL_CLIENT_ID, callbackUrls: [portal], logoutUrls: [portal], allowedScopes: [...PORTAL_CLIENT_SCOPES] };
  endpoint.people = new HostedSignIn({ issuer, clock, users, clients: [client], onFailure: (failure) => endpoint.onFailure?.(failure) });
}

interface ApiDeps {
  readonly stage: string;
  readonly port: number;
  readonly dataDir: string | undefined;
  readonly lambda: LocalLambda;
  readonly issuer: LocalIssuer;
  readonly clock: Clock;
  readonly eventBridge: LocalEventBridge;
  readonly mailbox: LocalSes;
  readonly localSecret: string;
}

/** The local API Gateway: the manifest's routes, the OAuth token endpoint of machine clients, the portal and its local mailbox view. */
async function startApi(deps: ApiDeps, teardown: Teardown): Promise<{ gateway: LocalApiGateway; url: string; clients: LocalClients }> {
  const gateway = new LocalApiGateway(deps.lambda, deps.issuer, deps.clock, deps.stage);
  const clients = LocalClients.load(deps.dataDir);
  gateway.tokenEndpoint = {
    clients,
    // What CloudTrail records in AWS when Cognito refuses a token request.
    onFailure: (f) =>
      deps.eventBridge.publishAwsEvent('aws.cognito-idp', 'AWS API Call via CloudTrail', {
        eventSource: 'cognito-idp.amazonaws.com',
        eventName: 'Token_POST',
        errorCode: f.error,
        sourceIPAddress: f.sourceIp,
        userAgent: f.userAgent ?? null,
        requestParameters: { client_id: f.clientId },
      }),
  };
  const port = await gateway.start(deps.port);
  teardown.add(() => gateway.stop());
  const url = `http://127.0.0.1:${port}`;
  // The mailbox view first: it answers under the portal's path (first match wins).
  gateway.mount(MAILS_PATH, new LocalMailView({ mailbox: deps.mailbox.endpoint, localSecret: deps.localSecret, authenticate: (authorization) => gateway.authenticate(authorization) }).serve);
  gateway.mount(PORTAL_PREFIX, new LocalPortal(url).serve);
  gateway.mount(CONSOLE_PREFIX, redirectConsole);
  return { gateway, url, clients };
}

/**
 * What feeds or reads CISS Search's database, off unless the runtime is asked to ingest
 * (`searchSources`): the rules that index and disseminate (as a DISABLED rule in AWS), and the
 * schedules that poll the sources, retry notices and publish the program figures. PGlite runs in
 * a thread of its own, but opening it still costs a core for seconds: a runtime that is not
 * about search (the workflow load and crash tests, the bench's workflow parts) should not pay for
 * an index it never reads, and its mailbox stays the workflows' own.
 */
const SEARCH_BOUND = {
  rules: new Set([...Object.keys(searchEventRules), ...Object.keys(disseminationEventRules)]) as ReadonlySet<string>,
  schedules: [...Object.keys(searchSchedules), ...Object.keys(disseminationSchedules), ...Object.keys(metricsSchedules)],
};

/**
 * The search database as the Data API serves it on the edge: the local cluster and its two
 * secrets, each its database user (schema.sql's grants). PGlite opens on the first request, in a
 * worker thread (search/session.ts), under `<dataDir>/search` for `npm start`, in memory for
 * tests; the runtime's stop closes it and ends the thread.
 */
function searchDatabase(stage: string, dataDir: string | undefined, teardown: Teardown): LocalDataApi {
  const search = new LocalDataApi({
    resourceArn: localSearchDbArn(stage),
    secrets: { [localSearchDbSecretArn(stage, 'query')]: 'search_query', [localSearchDbSecretArn(stage, 'ingest')]: 'search_ingest', [localSearchDbSecretArn(stage, 'purge')]: 'search_purge' },
    database: SEARCH_DB_NAME,
    // PGlite in a thread of its own (loaded there: its module is large and most runs never search).
    open: () => openSearchWorker(searchDataDir(dataDir)),
  });
  teardown.add(() => search.close());
  return search;
}

/** Where `npm start` keeps the search database (PGlite's files); in memory when absent. */
export const searchDataDir = (dataDir: string | undefined): string | undefined => (dataDir ? path.join(dataDir, 'search') : undefined);

/** What the manifest's references resolve to here (infra/local/refs.ts). */
function localRefTargets(deps: { stage: string; names: LocalNames; lambda: LocalLambda; stepFunctions: StepFunctionsService; apiUrl: string; keys: LocalKeys; cms: CmsSimulator; searchSources: SourceApiSimulator }): LocalRefTargets {
  return {
    names: deps.names,
    functionArn: (name) => deps.lambda.arnOf(name),
    machineArn: (name) => deps.stepFunctions.machineArn(deps.names.machine(name)),
    apiUrl: deps.apiUrl,
    keyArn: deps.keys.keyArn,
    secretArn: (name) => deps.keys.secretArn(name),
    endpoint: (name) => (name === 'search-sources' ? deps.searchSources.url : deps.cms.url),
    searchDbArn: localSearchDbArn(deps.stage),
    searchDbSecretArn: (access) => localSearchDbSecretArn(deps.stage, access),
  };
}

/**
 * The one step that sets the handlers' environment. They run in this process, so they share
 * one: the AWS SDK's endpoint (the edge) and credentials, Powertools' settings with metrics
 * (EMF) in the stage's namespace as the CDK stack sets it in AWS, and the union of the manifest's
 * function environments (which must not disagree).
 */
function setHandlerEnvironment(stage: string, edgeUrl: string, refs: LocalRefTargets): void {
  const functionsEnv = functionEnvironment((ref: Ref) => resolveLocalRef(ref, refs));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: edgeUrl,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(stage),
    ...functionsEnv,
  });
}

/** The manifest's state machines, from their ASL with the substitutions resolved locally. */
async function createStateMachines(stepFunctions: StepFunctionsService, names: LocalNames, refs: LocalRefTargets): Promise<void> {
  for (const [name, spec] of Object.entries(machines) as [MachineName, (typeof machines)[MachineName]][]) {
    const values = Object.fromEntries(Object.entries(spec.substitutions).map(([k, ref]) => [k, resolveLocalRef(ref, refs)]));
    // The repository's ASL, which passes asl-validator in its tests: parsed here, not schema-checked again.
    await stepFunctions.createStateMachine(names.machine(name), substitute(aslText(name), values), `arn:aws:iam::000000000000:role/${names.machine(name)}`, true, { schema: false });
  }
}

/** The manifest's schedules on the clock (unless turned off). At stop they end first, then events in flight are delivered. */
function startSchedules(lambda: LocalLambda, clock: Clock, eventBridge: LocalEventBridge, enabled: boolean, skip: ReadonlySet<string>, teardown: Teardown): LocalScheduler {
  teardown.add(() => eventBridge.idle());
  const scheduler = new LocalScheduler(lambda, clock);
  if (enabled) scheduler.start(skip);
  teardown.add(() => scheduler.stop());
  return scheduler;
}

/** The physical names, as the CDK stack's outputs give them in AWS. */
function resolvedNames(names: LocalNames, refs: LocalRefTargets): LocalRuntime['names'] {
  const record = <K extends string>(keys: K[], f: (k: K) => string) => Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, string>;
  return {
    tables: record(Object.keys(tables) as TableName[], names.table),
    machines: record(Object.keys(machines) as MachineName[], refs.machineArn),
    functions: record(Object.keys(functions) as FunctionName[], refs.functionArn),
    bus: names.bus,
  };
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
