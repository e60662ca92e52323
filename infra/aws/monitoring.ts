import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionName, MachineName } from '../manifest';
import { METRIC, METRICS_SERVICE, metricsNamespace, PROGRAM_METRIC } from '../manifest/monitoring';
import { entriesOf } from './refs';
import { SES_METRIC_DIMENSION, type StatefulResources } from './stateful';
import type { StatelessResources } from './stateless';

export interface MonitoringProps {
  /** Deployment stage: names the dashboard, the topic and the metrics namespace. */
  readonly stage: string;
  readonly stateful: StatefulResources;
  readonly stateless: StatelessResources;
  /**
   * Failed CMS attempts within 15 minutes that page. One lasting outage for one packet is 7
   * attempts in about 5 minutes (the ASL's retries); one or two blips that a retry cures are not.
   * @default 3
   */
  readonly cmsFailuresToAlarm?: number;
  /**
   * Share of API requests answered 5xx, in percent over 5 minutes, that pages.
   * @default 5
   */
  readonly api5xxPercentToAlarm?: number;
  /**
   * Requests in the 5 minutes below which the 5xx rate is not judged (one error out of two
   * requests is not an outage).
   * @default 20
   */
  readonly api5xxMinimumRequests?: number;
}

/** The function that measures the human-task queue (see `infra/manifest/monitoring.ts`). */
const PENDING_TASK_MONITOR: FunctionName = 'monitoring-pending-tasks';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What on-call watches in AWS, per stage: a CloudWatch dashboard, and alarms that notify an SNS
 * topic (encrypted with the app key, TLS only) that operators subscribe to.
 *
 * Alarms, each notifying on ALARM and on OK:
 * - per state machine: an execution failed, an execution timed out;
 * - CMS transmission failures (custom metric from `arrests-transmit`);
 * - a human task past its SLA (custom metric from the pending-task monitor), and the monitor
 *   itself failing (without it, that alarm would see only missing data);
 * - the API's 5xx rate;
 * - CISS Search's database at its capacity ceiling, and deadlocks that persist.
 * Counts treat missing data as not breaching: no executions, no failures.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, by a stable name (`ExecutionsFailed-<machine>`, `CmsTransmissionFailures`, …). */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, stateful, stateless } = props;
    const prefix = `ciss-workflows-${stage}`;
    this.namespace = metricsNamespace(stage);

    // Functions publish EMF into the stage's namespace (Powertools reads this variable).
    for (const [, fn] of entriesOf(stateless.functions)) fn.fn.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', this.namespace);

    this.topic = new sns.Topic(this, 'OnCallTopic', {
      topicName: `${prefix}-on-call`,
      displayName: `ciss-workflows ${stage}: on-call alarms`,
      masterKey: stateful.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications as its service principal: the topic must let it,
    // and the key that encrypts the topic must too, both only for this stage's alarms (the
    // confused-deputy conditions AWS documents for CloudWatch).
    const stack = Stack.of(this);
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${prefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'CloudWatchAlarmsPublish', principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions: fromOurAlarms }),
    );
    stateful.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `CloudWatchAlarmsUseKeyForEncryptedTopic${stage.replace(/[^A-Za-z0-9]/g, '')}`,
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    const notify = new actions.SnsAction(this.topic);

    const custom = (metricName: string, statistic: string, period = FIVE_MINUTES): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: this.namespace, metricName, dimensionsMap: { [METRICS_SERVICE.name]: METRICS_SERVICE.value }, statistic, period });

    const alarms: Record<string, cloudwatch.Alarm> = {};
    const alarm = (name: string, metric: cloudwatch.IMetric, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName'>): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, `Alarm-${name}`, {
        metric,
        alarmName: `${prefix}-${name}`,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      alarms[name] = created;
      return created;
    };

    // Executions: started / succeeded / failed / timed out per machine; failed and timed out page.
    const machineWidgets: cloudwatch.IWidget[] = [];
    for (const [name, machine] of entriesOf<MachineName, StatelessResources['machines'][MachineName]>(stateless.machines)) {
      const failed = machine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' });
      const timedOut = machine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' });
      alarm(`ExecutionsFailed-${name}`, failed, {
        alarmDescription: `An execution of the ${name} workflow failed. List them: aws stepfunctions list-executions --state-machine-arn ${machine.stateMachineArn} --status-filter FAILED; redrive where the step can be retried.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      alarm(`ExecutionsTimedOut-${name}`, timedOut, {
        alarmDescription: `An execution of the ${name} workflow timed out.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      machineWidgets.push(
        new cloudwatch.GraphWidget({
          title: `Executions: ${name}`,
          width: 6,
          left: [
            machine.metricStarted({ period: FIVE_MINUTES, statistic: 'Sum', label: 'started' }),
            machine.metricSucceeded({ period: FIVE_MINUTES, statistic: 'Sum', label: 'succeeded' }),
            failed.with({ label: 'failed' }),
            timedOut.with({ label: 'timed out' }),
          ],
        }),
      );
    }

    // CMS transmission failures (each failed attempt; the machine retries).
    const cmsFailures = custom(METRIC.cmsTransmissionFailures, 'Sum', Duration.minutes(15));
    alarm('CmsTransmissionFailures', cmsFailures, {
      alarmDescription: "Attempts to hand arrest packets to DCJ's CMS keep failing (unreachable, 5xx, or refused). Check the arrests-transmit logs (packetId) and the CMS; failed executions can be redriven once it answers.",
      threshold: props.cmsFailuresToAlarm ?? 3,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // Human tasks: the monitor publishes every 5 minutes; a 10-minute period always holds a run.
    const pastSla = custom(METRIC.pendingTasksPastSla, 'Maximum', Duration.minutes(10));
    alarm('HumanTaskPastSla', pastSla, {
      alarmDescription:
        'A human task is still PENDING more than 15 minutes past its deadline (expiresAt), when its workflow should have reminded or closed it. The monitor logs the task ids; check the execution named by the task.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const monitorErrors = stateless.functions[PENDING_TASK_MONITOR].fn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' });
    alarm('PendingTaskMonitorFailing', monitorErrors, {
      alarmDescription: 'The pending-task monitor failed in two of its last three runs: the human-task SLA alarm is blind until it runs again.',
      threshold: 2,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // API 5xx rate, judged only with enough requests.
    const apiStage = stateless.api.restApi.deploymentStage;
    const api5xx = apiStage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' });
    const apiRequests = apiStage.metricCount({ period: FIVE_MINUTES, statistic: 'Sum', label: 'requests' });
    const minimum = props.api5xxMinimumRequests ?? 20;
    const api5xxRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${minimum}, 100 * errors / requests, 0)`,
      usingMetrics: { errors: api5xx, requests: apiRequests },
      period: FIVE_MINUTES,
      label: `5xx % (with ≥ ${minimum} requests)`,
    });
    alarm('Api5xxRate', api5xxRate, {
      alarmDescription: 'The API answers 5xx to too many requests. Each 5xx body carries a correlation id; search the function logs for it (correlationId).',
      threshold: props.api5xxPercentToAlarm ?? 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    // CISS Search's database: capacity held at its ceiling (searches slow down and queue behind a
    // backlog or a reindex), and deadlocks that persist (ingestion batches locking each other).
    const searchCluster = stateful.searchDb.cluster;
    // No label on what an alarm watches (a label makes CloudWatch store a metric-math alarm); the graphs add theirs.
    const searchMetric = (metricName: string, statistic: string): cloudwatch.Metric => searchCluster.metric(metricName, { period: FIVE_MINUTES, statistic });
    const acuUtilization = searchMetric('ACUUtilization', 'Average');
    alarm('SearchDbAtMaxCapacity', acuUtilization, {
      alarmDescription: `CISS Search's database has run at 90 % or more of its ${stateful.searchDb.maxCapacity} ACU ceiling for 15 minutes: searches slow down. Check for a reindex or a source's backlog (search-ingest logs); raise maxCapacity in search-db.ts if it is the steady load.`,
      threshold: 90,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const deadlocks = searchMetric('Deadlocks', 'Maximum');
    alarm('SearchDbDeadlocks', deadlocks, {
      alarmDescription: "CISS Search's database reports deadlocks in two of the last three 5-minute periods: ingestion batches are locking each other, and their retries are not enough. Check the ingestion functions' logs for the failing source.",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.alarms = alarms;

    const functions = entriesOf(stateless.functions);
    const perFunction = (metric: (fn: StatelessResources['functions'][FunctionName]) => cloudwatch.Metric): cloudwatch.IMetric[] =>
      functions.map(([name, fn]) => metric(fn).with({ label: name }));
    const tables = entriesOf(stateful.tables);
    const sesMetric = (metricName: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        dimensionsMap: { [SES_METRIC_DIMENSION]: stateful.configurationSet.configurationSetName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: metricName.toLowerCase(),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# ciss-workflows ${stage}\nAlarms notify the SNS topic \`${prefix}-on-call\`. Logs carry \`packetId\`, \`accessRequestId\`, \`executionArn\`, \`taskId\` and \`correlationId\`: search them in Logs Insights.`,
            width: 24,
            height: 2,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 24, height: 4 })],
        machineWidgets,
        [
          new cloudwatch.GraphWidget({
            title: 'Oldest pending human task (hours)',
            width: 8,
            left: [
              new cloudwatch.MathExpression({
                expression: 'age / 3600',
                usingMetrics: { age: custom(METRIC.oldestPendingTaskAge, 'Maximum') },
                period: FIVE_MINUTES,
                label: 'oldest pending task, hours',
              }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Pending human tasks',
            width: 8,
            left: [custom(METRIC.pendingTasks, 'Maximum').with({ label: 'pending' }), pastSla.with({ label: 'past SLA', period: FIVE_MINUTES })],
          }),
          new cloudwatch.GraphWidget({
            title: 'CMS transmission failures (attempts)',
            width: 8,
            left: [cmsFailures.with({ label: 'failed attempts', period: FIVE_MINUTES })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Lambda errors', width: 8, left: perFunction((fn) => fn.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })) }),
          new cloudwatch.GraphWidget({ title: 'Lambda throttles', width: 8, left: perFunction((fn) => fn.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })) }),
          new cloudwatch.GraphWidget({ title: 'Lambda duration p99 (ms)', width: 8, left: perFunction((fn) => fn.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })) }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'DynamoDB throttled events',
            width: 8,
            left: tables.flatMap(([name, table]) => [
              table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum', label: `${name} read` }),
              table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum', label: `${name} write` }),
            ]),
          }),
          new cloudwatch.GraphWidget({ title: 'SES bounces and complaints', width: 8, left: [sesMetric('Bounce'), sesMetric('Complaint')], right: [sesMetric('Send')] }),
          new cloudwatch.GraphWidget({ title: 'API 5xx', width: 8, left: [api5xx], right: [apiRequests] }),
        ],
        programWidgets(custom),
        [
          new cloudwatch.GraphWidget({
            title: 'Search database capacity (ACUs)',
            width: 8,
            left: [searchMetric('ServerlessDatabaseCapacity', 'Average').with({ label: 'ACUs' })],
            right: [acuUtilization.with({ label: 'capacity used, % of max' })],
            leftAnnotations: [{ value: stateful.searchDb.maxCapacity, label: 'max' }],
          }),
          new cloudwatch.GraphWidget({ title: 'Search database CPU (%)', width: 8, left: [searchMetric('CPUUtilization', 'Average').with({ label: 'CPU %' })] }),
          new cloudwatch.GraphWidget({
            title: 'Search database deadlocks and connections',
            width: 8,
            left: [deadlocks.with({ label: 'deadlocks / s' })],
            right: [searchMetric('DatabaseConnections', 'Maximum').with({ label: 'connections' })],
          }),
        ],
      ],
    });
  }
}

const DAY = Duration.days(1);

/**
 * The program's figures (functions/metrics, published hourly by `metrics-publish`): searches and
 * document exchanges per day beside the program's monthly goals, municipalities connected and
 * source systems live, and the median times (p50 of one value per packet or request), over the
 * last 30 days. The same figures, month by month, are GET /metrics/program and the portal's page.
 */
function programWidgets(custom: (metricName: string, statistic: string, period?: Duration) => cloudwatch.Metric): cloudwatch.IWidget[] {
  const hours = (id: string, name: string, label: string) =>
    new cloudwatch.MathExpression({ expression: `${id} / 3600`, usingMetrics: { [id]: custom(name, 'p50', Duration.days(30)) }, period: Duration.days(30), label });
  return [
    new cloudwatch.GraphWidget({
      title: 'Program: searches and document exchanges per day',
      width: 8,
      left: [custom(PROGRAM_METRIC.searches, 'Sum', DAY).with({ label: 'searches' }), custom(PROGRAM_METRIC.documentExchanges, 'Sum', DAY).with({ label: 'document exchanges' })],
      // The published goals, 5,000 searches and 4,000 exchanges a month, as a day's share of 30.
      leftAnnotations: [
        { value: 5000 / 30, label: 'searches goal (5,000 a month)' },
        { value: 4000 / 30, label: 'exchanges goal (4,000 a month)' },
      ],
      period: DAY,
    }),
    new cloudwatch.GraphWidget({
      title: 'Program: municipalities connected (%) and source systems live',
      width: 8,
      left: [custom(PROGRAM_METRIC.municipalitiesConnectedPercent, 'Maximum', Duration.hours(1)).with({ label: 'municipalities connected, %' })],
      leftAnnotations: [{ value: 70, label: 'goal: over 70 %' }],
      right: [custom(PROGRAM_METRIC.sourceSystemsLive, 'Minimum', Duration.hours(1)).with({ label: 'source systems live' }), custom(PROGRAM_METRIC.agenciesConnected, 'Maximum', Duration.hours(1)).with({ label: 'agencies connected' })],
    }),
    new cloudwatch.SingleValueWidget({
      title: 'Program: median times, last 30 days (hours)',
      width: 8,
      metrics: [hours('arrest', PROGRAM_METRIC.arrestToAvailableSeconds, 'arrest to AVAILABLE'), hours('request', PROGRAM_METRIC.requestToActiveSeconds, 'request to ACTIVE')],
      setPeriodToTimeRange: false,
    }),
  ];
}
