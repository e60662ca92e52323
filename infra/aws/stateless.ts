import * as path from 'node:path';
import { ArnFormat, Aws, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { manifest, type EventRuleSpec, type FunctionName, type FunctionSpec, type MachineName, type MachineSpec, type ScheduleSpec } from '../manifest';
import { Api, USER_POOL_TRIGGERS } from './api';
import { PARTITION_PLACEHOLDER, checkSubstitutions, machineAccess, readAsl, withPartition } from './asl';
import { LOG_RETENTION, ManifestFunction } from './function';
import { grantMachineAccess, grantPermission, type GrantTargets } from './grants';
import { acknowledge } from './nag';
import { PortalHosting, type PortalDomain } from './portal';
import { entriesOf, isDeferredRef, resolveRef, type RefTargets } from './refs';
import type { StatefulResources } from './stateful';

export interface StatelessResourcesProps {
  /** Deployment stage; part of every fixed resource name. */
  readonly stage: string;
  /** The data layer this code reads and writes. */
  readonly stateful: StatefulResources;
  /** Directory the manifest's `entry` and `file` paths are relative to. */
  readonly projectRoot: string;
  /** Agency RMS machine clients, name → ORI (see ApiProps.rmsClients). */
  readonly rmsClients?: Readonly<Record<string, string>>;
  /** The API's TLS 1.2-only custom domain (see ApiProps.customDomain). */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** The portal: its built bundle, and optionally its own domain and an existing edge web ACL (see PortalHostingProps). */
  readonly portal: { readonly bundleDir: string; readonly domain?: PortalDomain; readonly webAclArn?: string };
}

/**
 * Code and wiring, safe to replace on any deploy: the manifest's functions, state machines,
 * API and event rules.
 */
export class StatelessResources extends Construct {
  readonly functions: Readonly<Record<FunctionName, ManifestFunction>>;
  /**
   * One nested stack per area of the app (`functions/<area>/`, from each function's entry), which
   * holds that area's functions: their roles, policies and log groups. The main template keeps
   * what joins them (API, machines, rules, schedules, alarms) and stays small as areas are added;
   * a new area gets its own stack with no change here. CloudFormation passes what crosses over
   * as parameters and outputs. The user pool's triggers stay in the main template (see
   * `USER_POOL_TRIGGERS`).
   */
  readonly areaStacks: Readonly<Record<string, NestedStack>>;
  readonly machines: Readonly<Record<MachineName, sfn.StateMachine>>;
  readonly api: Api;
  /** The CISS portal: bucket, distribution, its app client and the deployed bundle. */
  readonly portal: PortalHosting;
  readonly rules: Readonly<Record<string, events.Rule>>;
  /** The manifest's schedules: a rate rule per schedule, on the account's default bus. */
  readonly schedules: Readonly<Record<string, events.Rule>>;

  constructor(scope: Construct, id: string, props: StatelessResourcesProps) {
    super(scope, id);
    const { stateful, stage } = props;
    const stack = Stack.of(this);
    const machineName = (name: MachineName): string => `ciss-workflows-${stage}-${name}`;
    const machineArns = mapRecord(manifest.machines, (name) =>
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: machineName(name), arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    const executionArns = mapRecord(manifest.machines, (name) =>
      stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machineName(name)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    const lambdas: Partial<Record<FunctionName, lambda.IFunction>> = {};
    const earlyRefTargets: RefTargets = {
      tables: stateful.tables,
      bus: stateful.bus,
      configurationSetName: stateful.configurationSet.configurationSetName,
      key: stateful.key,
      secrets: stateful.secrets,
      // The operator stores each URL in SSM before deploying; CloudFormation reads it then.
      endpoint: (name) => ssm.StringParameter.valueForStringParameter(this, `/ciss/${stage}/${manifest.endpoints[name].parameter}`),
      functions: lambdas,
      machineArns,
      searchDb: stateful.searchDb.refTarget,
      searchDropBucket: stateful.searchSources.dropBucket.bucketName,
    };
    const grantTargets: GrantTargets = {
      tables: stateful.tables,
      bus: stateful.bus,
      emailIdentityArn: stateful.emailIdentity.emailIdentityArn,
      configurationSetArn: stateful.configurationSetArn,
      key: stateful.key,
      secrets: stateful.secrets,
      functions: lambdas,
      machineArns,
      executionArns,
      searchDb: stateful.searchDb,
      searchDrop: stateful.searchSources,
    };
    const functionSpecs: Readonly<Record<FunctionName, FunctionSpec>> = manifest.functions;
    const machineSpecs: Readonly<Record<MachineName, MachineSpec>> = manifest.machines;

    // 1. Functions, with every ref that cannot point back at them.
    const scheduleSpecs: Readonly<Record<string, ScheduleSpec>> = manifest.schedules;
    const eventTargets = new Set<FunctionName>(Object.values<EventRuleSpec>(manifest.eventRules).map((rule) => rule.target.function));
    const scheduleTargets = new Set<FunctionName>(Object.values(scheduleSpecs).map((schedule) => schedule.target.function));
    const areaStacks: Record<string, NestedStack> = {};
    const scopeOf = (name: FunctionName, spec: FunctionSpec): Construct => {
      if (USER_POOL_TRIGGERS.includes(name)) return this;
      const area = functionArea(spec.entry);
      areaStacks[area] ??= new NestedStack(this, `Area-${area}`, { description: `ciss-workflows (${stage}): the functions of ${area} (nested stack)` });
      return areaStacks[area];
    };
    this.functions = mapRecord(functionSpecs, (name, spec) => {
      const environment = Object.fromEntries(
        Object.entries(spec.env)
          .filter(([, ref]) => !isDeferredRef(ref))
          .map(([key, ref]) => [key, resolveRef(ref, earlyRefTargets)]),
      );
      const fn = new ManifestFunction(scopeOf(name, spec), `Fn-${name}`, { spec, projectRoot: props.projectRoot, environment, logKey: stateful.key });
      lambdas[name] = fn.fn;
      acknowledgeFunction(fn.fn, eventTargets.has(name) ? 'event' : scheduleTargets.has(name) ? 'schedule' : 'sync');
      return fn;
    });
    this.areaStacks = areaStacks;

    // 2. The API, now that the functions behind its routes exist. Its base URL is made of the
    //    RestApi id and stage name, not the deployment, so functions may carry it (step 4).
    this.api = new Api(this, 'Api', { stage, functions: mapRecord(this.functions, (_, f) => f.fn), logKey: stateful.key, rmsClients: props.rmsClients, customDomain: props.customDomain });
    //    The portal in front of it: its distribution needs the RestApi id only, so functions
    //    may carry the portal's URL too.
    this.portal = new PortalHosting(this, 'Portal', { stage, api: this.api, routes: manifest.routes, logKey: stateful.key, ...props.portal });
    const refTargets: RefTargets = { ...earlyRefTargets, apiUrl: this.api.baseUrl, portalUrl: this.portal.url, userPoolId: this.api.userPool.userPoolId };

    // 3. Machines, now that the functions they invoke exist.
    this.machines = mapRecord(machineSpecs, (name, spec) => {
      const file = path.join(props.projectRoot, spec.file);
      const asl = readAsl(file);
      checkSubstitutions(name, asl.text, spec.substitutions);
      const logGroup = new logs.LogGroup(this, `MachineLogs-${name}`, {
        // The vended-logs prefix keeps CloudWatch's resource policy from growing per machine.
        logGroupName: `/aws/vendedlogs/states/${machineName(name)}`,
        retention: LOG_RETENTION,
        encryptionKey: stateful.key,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const machine = new sfn.StateMachine(this, `Machine-${name}`, {
        // Fixed so its ARN is known without a reference (see `machineArns`), and findable by operators.
        stateMachineName: machineName(name),
        stateMachineType: sfn.StateMachineType.STANDARD,
        comment: spec.description,
        // The file's text with its ARNs made partition-aware (`arn:${Partition}:…`), inline in
        // the template rather than an S3 asset, so the same ASL deploys to GovCloud.
        definitionBody: sfn.DefinitionBody.fromString(withPartition(asl.text)),
        definitionSubstitutions: {
          ...mapRecord(spec.substitutions, (_, ref) => resolveRef(ref, refTargets)),
          [PARTITION_PLACEHOLDER]: Aws.PARTITION,
        },
        // Definition and execution history (inputs, outputs: criminal-justice data) encrypted
        // with the app key (SC-28); CDK grants the role Decrypt/GenerateDataKey in this
        // machine's encryption context. Callers get theirs in grants.ts.
        encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(stateful.key, Duration.minutes(5)),
        // Execution data is criminal-justice data: log the flow, never the payloads.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });
      // cfn-lint (E3601) checks the definition as ASL and reads the `arn:${Partition}:states:::…`
      // Resources, which DefinitionSubstitutions fill at deploy, as malformed ARNs; the ASL is
      // checked where it is written (test/infra/asl.test.ts, the path tests).
      (machine.node.defaultChild as sfn.CfnStateMachine).addMetadata('cfn-lint', { config: { ignore_checks: ['E3601'] } });
      for (const access of machineAccess(asl.definition, spec.substitutions)) grantMachineAccess(machine, access, grantTargets);
      acknowledge(
        machine.role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray tracing and the CloudWatch Logs delivery actions Step Functions logging needs support no resource-level permissions.',
      );
      acknowledge(
        machine.role,
        'NIST.800.53.R5-IAMNoInlinePolicy',
        "The role policy is derived from this machine's ASL for this one role; a managed policy would only make it attachable elsewhere.",
      );
      return machine;
    });

    // 4. What the functions need of each other, of the machines and of the API, and their grants.
    for (const [name, spec] of entriesOf(functionSpecs)) {
      const fn = this.functions[name].fn;
      for (const [key, ref] of Object.entries(spec.env)) {
        if (isDeferredRef(ref)) fn.addEnvironment(key, resolveRef(ref, refTargets));
      }
      for (const permission of spec.permissions) grantPermission(fn, permission, { ...grantTargets, userPoolArn: this.api.userPool.userPoolArn });
    }

    // 5. Event rules. `default`-bus rules receive what AWS services publish there (Step
    //    Functions status changes); they get no `eventBus`, which means the account's default.
    const eventRules: Readonly<Record<string, EventRuleSpec>> = manifest.eventRules;
    const stageMachineArns = Object.values<string>(machineArns);
    this.rules = mapRecord(eventRules, (name, spec) =>
      new events.Rule(this, `Rule-${name}`, {
        eventBus: (spec.bus ?? 'app') === 'app' ? stateful.bus : undefined,
        description: spec.description,
        eventPattern: toEventPattern(spec.bus === 'default' ? onlyBucketsOf(onlyMachinesOf(spec.pattern, stageMachineArns), [stateful.searchSources.dropBucket.bucketName]) : spec.pattern),
        targets: [
          new targets.LambdaFunction(this.functions[spec.target.function].fn, {
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      }),
    );

    // 6. Schedules. A run that fails is retried twice; one older than its period is dropped, as
    //    the next run measures afresh.
    this.schedules = mapRecord(scheduleSpecs, (name, spec) =>
      new events.Rule(this, `Schedule-${name}`, {
        description: spec.description,
        schedule: events.Schedule.rate(Duration.minutes(spec.everyMinutes)),
        targets: [
          new targets.LambdaFunction(this.functions[spec.target.function].fn, {
            retryAttempts: 2,
            maxEventAge: Duration.minutes(Math.max(1, spec.everyMinutes)),
          }),
        ],
      }),
    );
  }
}

/**
 * The area a function belongs to: the directory under `functions/` its entry is in
 * (`functions/search/query.ts` → `search`). Each area's functions get one nested stack.
 */
export function functionArea(entry: string): string {
  const area = /^(?:\.\/)?functions\/([A-Za-z0-9-]+)\//.exec(entry)?.[1];
  if (area === undefined) throw new Error(`Function entry "${entry}" is not in a functions/<area>/ directory`);
  return area;
}

/** The findings every manifest function has, and why they stand. */
function acknowledgeFunction(fn: lambda.IFunction, invokedBy: 'event' | 'schedule' | 'sync'): void {
  acknowledge(
    fn,
    'NIST.800.53.R5-LambdaInsideVPC',
    'The functions reach only AWS service endpoints and the CMS over TLS and accept no network connections; a VPC would add NAT cost and no boundary around the data.',
  );
  acknowledge(
    fn,
    'NIST.800.53.R5-LambdaConcurrency',
    "Load is bounded at the edge (WAF rate rule, stage throttling); reserved concurrency per function would starve the account's shared pool and fail deploys on low-quota accounts.",
  );
  acknowledge(
    fn,
    'NIST.800.53.R5-LambdaDLQ',
    {
      event: 'Invoked asynchronously only by EventBridge rules whose targets retry 8 times over 24 hours; failures stay visible in the function logs and the Step Functions history they react to.',
      schedule: 'Invoked only by a rate schedule whose next run measures afresh, so a lost run has nothing to replay; its errors raise the monitor-failing alarm.',
      sync: 'Invoked synchronously only (API Gateway proxy or Step Functions lambda:invoke), where Lambda never uses a dead-letter queue: the caller receives the error.',
    }[invokedBy],
  );
}

/**
 * The default bus is shared by the whole account (other stages, other apps): a rule there on
 * Step Functions events is narrowed to this stage's machines, unless the manifest already
 * names machines itself. Patterns on other sources are left as written.
 */
export function onlyMachinesOf(pattern: Readonly<Record<string, unknown>>, stateMachineArns: readonly string[]): Readonly<Record<string, unknown>> {
  const source = pattern['source'];
  const onlyStates = Array.isArray(source) && source.length > 0 && source.every((s) => s === 'aws.states');
  const detail = pattern['detail'] ?? {};
  if (!onlyStates || typeof detail !== 'object' || detail === null || Array.isArray(detail) || 'stateMachineArn' in detail) return pattern;
  return { ...pattern, detail: { ...detail, stateMachineArn: [...stateMachineArns] } };
}

/**
 * Likewise, a rule on the default bus on S3 events is narrowed to this stage's buckets that send
 * their events to EventBridge (the search drop), unless the manifest names buckets itself.
 */
export function onlyBucketsOf(pattern: Readonly<Record<string, unknown>>, bucketNames: readonly string[]): Readonly<Record<string, unknown>> {
  const source = pattern['source'];
  const onlyS3 = Array.isArray(source) && source.length > 0 && source.every((s) => s === 'aws.s3');
  const detail = pattern['detail'] ?? {};
  if (!onlyS3 || typeof detail !== 'object' || detail === null || Array.isArray(detail) || 'bucket' in detail) return pattern;
  return { ...pattern, detail: { ...detail, bucket: { name: [...bucketNames] } } };
}

/** Raw EventBridge keys as written in the manifest, and their names in `events.EventPattern`. */
const PATTERN_KEYS: Readonly<Record<string, keyof events.EventPattern>> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

/**
 * The manifest keeps patterns in EventBridge's own JSON (the local runtime matches on that);
 * CDK wants camelCase keys and renders them back, so only the top-level keys are renamed.
 * Everything below them (a nested `detail` pattern above all) is EventBridge JSON already and
 * is passed through as written: `EventPattern.detail` is free-form.
 */
export function toEventPattern(raw: Readonly<Record<string, unknown>>): events.EventPattern {
  const pattern: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const cdkKey = PATTERN_KEYS[key];
    if (!cdkKey) throw new Error(`Event pattern key "${key}" is not an EventBridge event field`);
    pattern[cdkKey] = value;
  }
  return pattern as events.EventPattern;
}

function mapRecord<K extends string, V, R>(record: Readonly<Record<K, V>>, map: (key: K, value: V) => R): Record<K, R> {
  return Object.fromEntries(entriesOf(record).map(([key, value]) => [key, map(key, value)])) as Record<K, R>;
}
