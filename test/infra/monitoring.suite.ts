import { Match } from 'aws-cdk-lib/assertions';
import { manifest, type FunctionName, type MachineName } from '#infra/manifest';
import { METRIC, metricsNamespace, PROGRAM_METRIC } from '#infra/manifest/monitoring';
import { appKeyId, devTemplate, expectResourceProperties, exportedFromSearchDb, functionLogicalId, getAttArn, onlyLogicalId, ref, resourcesOf, searchDbTemplate } from './template';

/** The search cluster's `Ref`, as the main template reads it from the database's nested stack. */
const searchClusterRef = (): { 'Fn::GetAtt': [string, string] } =>
  exportedFromSearchDb(ref(onlyLogicalId(searchDbTemplate(), 'AWS::RDS::DBCluster'))) as { 'Fn::GetAtt': [string, string] };

// One synthesis, shared with the other suites that only read it.
const template = devTemplate();
const PREFIX = 'ciss-workflows-dev';
const NAMESPACE = metricsNamespace('dev');
const machineNames = Object.keys(manifest.machines) as MachineName[];
const functionNames = Object.keys(manifest.functions) as FunctionName[];

const topicId = onlyLogicalId(template, 'AWS::SNS::Topic');
const keyId = appKeyId(template);

const machineId = (name: MachineName): string => {
  const found = Object.entries(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).filter(([, r]) => r.Properties['StateMachineName'] === `${PREFIX}-${name}`);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one machine ${name}`);
  return found[0][0];
};

/**
 * The dashboard body is a Fn::Join of JSON text and references; references become
 * `<Ref:Id>` / `<GetAtt:Id.Attr>` strings so the body parses as JSON and can be searched.
 */
function dashboardBody(): { widgets: { type: string; properties: Record<string, unknown> }[] } {
  const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
  const body = Object.values(dashboards)[0]?.Properties['DashboardBody'] as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      if (token.Ref) return `<Ref:${token.Ref}>`;
      if (token['Fn::GetAtt']) return `<GetAtt:${token['Fn::GetAtt'].join('.')}>`;
      return '<token>';
    })
    .join('');
  return JSON.parse(text) as { widgets: { type: string; properties: Record<string, unknown> }[] };
}

/** Every metric line of every graph widget: `[namespace, name, dim, value, …]`, options dropped. */
function dashboardMetrics(): string[][] {
  return dashboardBody()
    .widgets.flatMap((w) => (Array.isArray(w.properties['metrics']) ? (w.properties['metrics'] as unknown[][]) : []))
    .map((line) => line.filter((item): item is string => typeof item === 'string'));
}

const hasMetric = (lines: string[][], ...expected: string[]): boolean => lines.some((line) => expected.every((part, i) => line[i] === part));

describe('monitoring in AWS', () => {
  describe('the on-call topic', () => {
    it('is encrypted with the application key and refuses requests without TLS', () => {
      expectResourceProperties(template, 'AWS::SNS::Topic', { TopicName: `${PREFIX}-on-call`, KmsMasterKeyId: getAttArn(keyId) });
      expectResourceProperties(template, 'AWS::SNS::TopicPolicy', {
        Topics: [ref(topicId)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: Match.objectLike({ ArnLike: Match.anyValue() }) }),
          ]),
        },
      });
    });

    it("lets CloudWatch use the key for this stage's alarms only", () => {
      expectResourceProperties(template, 'AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: Match.anyValue() }),
            }),
          ]),
        },
      });
    });
  });

  describe('alarms', () => {
    const onCall = { AlarmActions: [ref(topicId)], OKActions: [ref(topicId)] };

    it.each(machineNames.flatMap((m) => [[m, 'ExecutionsFailed'] as const, [m, 'ExecutionsTimedOut'] as const]))('%s: %s ≥ 1 in 5 minutes notifies on-call', (machine, metric) => {
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-${metric}-${machine}`,
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: ref(machineId(machine)) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ...onCall,
      });
    });

    it('CMS transmission failures: 3 failed attempts in 15 minutes', () => {
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-CmsTransmissionFailures`,
        Namespace: NAMESPACE,
        MetricName: METRIC.cmsTransmissionFailures,
        Dimensions: [{ Name: 'service', Value: 'ciss-workflows' }],
        Statistic: 'Sum',
        Period: 900,
        Threshold: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ...onCall,
      });
    });

    it('a human task past its SLA, and the monitor that measures it failing', () => {
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-HumanTaskPastSla`,
        Namespace: NAMESPACE,
        MetricName: METRIC.pendingTasksPastSla,
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ...onCall,
      });
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-PendingTaskMonitorFailing`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(functionLogicalId(template, 'monitoring-pending-tasks')) }],
        Threshold: 2,
        ...onCall,
      });
    });

    it('API 5xx rate above 5 % with at least 20 requests', () => {
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-Api5xxRate`,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(requests >= 20, 100 * errors / requests, 0)', ReturnData: true }),
          Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }), Stat: 'Sum' }) }),
          Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }) }) }),
        ]),
        ...onCall,
      });
    });

    it("CISS Search's database: 90 % of its ACU ceiling for 15 minutes, and deadlocks in 2 of 3 periods", () => {
      const cluster = [{ Name: 'DBClusterIdentifier', Value: searchClusterRef() }];
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-SearchDbAtMaxCapacity`,
        Namespace: 'AWS/RDS',
        MetricName: 'ACUUtilization',
        Dimensions: cluster,
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 90,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        ...onCall,
      });
      expectResourceProperties(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-SearchDbDeadlocks`,
        Namespace: 'AWS/RDS',
        MetricName: 'Deadlocks',
        Dimensions: cluster,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        ...onCall,
      });
    });

    it('has no alarm without an on-call action', () => {
      const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(machineNames.length * 2 + 6);
      expect(alarms.filter((a) => JSON.stringify(a.Properties['AlarmActions']) !== JSON.stringify([ref(topicId)]))).toEqual([]);
    });
  });

  describe('the dashboard', () => {
    const lines = dashboardMetrics();

    it('is named after the stage', () => {
      expectResourceProperties(template, 'AWS::CloudWatch::Dashboard', { DashboardName: PREFIX });
    });

    it.each(machineNames)('shows started, succeeded, failed and timed-out executions of %s', (machine) => {
      for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']) {
        expect(hasMetric(lines, 'AWS/States', metric, 'StateMachineArn', `<Ref:${machineId(machine)}>`)).toBe(true);
      }
    });

    it('shows the human-task queue and CMS failures from the custom namespace', () => {
      for (const metric of Object.values(METRIC)) expect(hasMetric(lines, NAMESPACE, metric, 'service', 'ciss-workflows')).toBe(true);
    });

    it('shows the program figures: searches and exchanges per day against the goals, connection, sources live and the median times', () => {
      for (const metric of Object.values(PROGRAM_METRIC)) expect({ metric, shown: hasMetric(lines, NAMESPACE, metric, 'service', 'ciss-workflows') }).toEqual({ metric, shown: true });
      const widgets = dashboardBody().widgets;
      const perDay = widgets.find((w) => w.properties['title'] === 'Program: searches and document exchanges per day');
      expect(perDay?.properties['period']).toBe(86400);
      expect(JSON.stringify(perDay?.properties['annotations'])).toContain('searches goal (5,000 a month)');
      const medians = widgets.find((w) => w.properties['title'] === 'Program: median times, last 30 days (hours)');
      expect(JSON.stringify(medians?.properties['metrics'])).toContain('"stat":"p50"');
      expect(JSON.stringify(medians?.properties['metrics'])).toContain('"expression":"arrest / 3600"');
    });

    it('shows errors, throttles and p99 duration of every function', () => {
      for (const name of functionNames) {
        const fn = `<Ref:${functionLogicalId(template, name)}>`;
        for (const metric of ['Errors', 'Throttles', 'Duration']) expect(hasMetric(lines, 'AWS/Lambda', metric, 'FunctionName', fn)).toBe(true);
      }
      const durations = dashboardBody().widgets.find((w) => w.properties['title'] === 'Lambda duration p99 (ms)');
      expect(JSON.stringify(durations?.properties['metrics'])).toContain('"stat":"p99"');
    });

    it('shows DynamoDB throttles of both tables, SES bounces and complaints, and API 5xx', () => {
      for (const table of Object.keys(manifest.tables)) {
        const id = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')).find((k) => k.startsWith(`Stateful${table}Table`));
        for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) expect(hasMetric(lines, 'AWS/DynamoDB', metric, 'TableName', `<Ref:${id}>`)).toBe(true);
      }
      for (const metric of ['Bounce', 'Complaint']) expect(hasMetric(lines, 'AWS/SES', metric, 'ses:configuration-set')).toBe(true);
      expect(hasMetric(lines, 'AWS/ApiGateway', '5XXError', 'ApiName', PREFIX, 'Stage')).toBe(true);
    });

    it("shows the search database's capacity, CPU, deadlocks and connections", () => {
      const cluster = `<GetAtt:${searchClusterRef()['Fn::GetAtt'].join('.')}>`;
      for (const metric of ['ServerlessDatabaseCapacity', 'ACUUtilization', 'CPUUtilization', 'Deadlocks', 'DatabaseConnections']) {
        expect({ metric, shown: hasMetric(lines, 'AWS/RDS', metric, 'DBClusterIdentifier', cluster) }).toEqual({ metric, shown: true });
      }
    });
  });

  describe('what feeds it', () => {
    it('publishes SES sends, bounces and complaints to CloudWatch by configuration set', () => {
      expectResourceProperties(template, 'AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
          CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag', DefaultDimensionValue: PREFIX }] },
        },
      });
    });

    it('runs the pending-task monitor every 5 minutes', () => {
      expectResourceProperties(template, 'AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: getAttArn(functionLogicalId(template, 'monitoring-pending-tasks')) })],
      });
    });

    it('runs the program figures every hour', () => {
      expectResourceProperties(template, 'AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 hour)',
        Targets: [Match.objectLike({ Arn: getAttArn(functionLogicalId(template, 'metrics-publish')) })],
      });
    });

    it("gives every function the stage's metrics namespace", () => {
      for (const name of functionNames) {
        const props = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)]?.Properties;
        expect((props?.['Environment'] as { Variables: Record<string, unknown> }).Variables['POWERTOOLS_METRICS_NAMESPACE']).toBe(NAMESPACE);
      }
    });

    it('traces every function, state machine and the API stage with X-Ray', () => {
      for (const name of functionNames) {
        expect(resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)]?.Properties['TracingConfig']).toEqual({ Mode: 'Active' });
      }
      for (const machine of machineNames) {
        expect(resourcesOf(template, 'AWS::StepFunctions::StateMachine')[machineId(machine)]?.Properties['TracingConfiguration']).toEqual({ Enabled: true });
      }
      expectResourceProperties(template, 'AWS::ApiGateway::Stage', { StageName: 'dev', TracingEnabled: true });
    });
  });
});
