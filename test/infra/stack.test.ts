import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib';
import { ROLES, manifest, type FunctionName, type MachineName, type Ref } from '#infra/manifest';
import { PROJECT_ROOT, synthesizeStack } from '#infra/stack';
import { aslPlaceholders } from '#infra/aws/asl';
import { entriesOf } from '#infra/aws/refs';
import { expectResource, expectResourceProperties, functionLogicalId, getAttArn, onlyLogicalId, ref, resourcesOf } from './template';

// One synthesis for the file: it is most of the run time, and every test only reads it.
const stack = synthesizeStack();
const template = Template.fromStack(stack);
const assemblyDir = (stack.node.root as App).synth().directory;

const tableId = onlyLogicalId(template, 'AWS::DynamoDB::Table');
const keyId = onlyLogicalId(template, 'AWS::KMS::Key');
const busId = onlyLogicalId(template, 'AWS::Events::EventBus');
const functionNames = Object.keys(manifest.functions) as FunctionName[];
const machineNames = Object.keys(manifest.machines) as MachineName[];

/** The CloudFormation value each manifest ref must become. */
function expectedValue(r: Ref): unknown {
  switch (r.ref) {
    case 'table':
      return ref(tableId);
    case 'bus':
      return ref(busId);
    case 'sender':
      return manifest.email.sender;
    case 'configurationSet':
      return ref(onlyLogicalId(template, 'AWS::SES::ConfigurationSet'));
    case 'function':
      return getAttArn(functionLogicalId(template, r.function));
    case 'machine':
      return Match.anyValue();
    case 'literal':
      return r.value;
  }
}

describe('the data layer', () => {
  test('encrypts with a customer-managed key that rotates', () => {
    expectResourceProperties(template, 'AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('keeps the table on demand, recoverable to a point in time, KMS-encrypted and undeletable', () => {
    expectResource(template, 'AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAttArn(keyId) },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: manifest.tables.main.timeToLiveAttribute, Enabled: true },
      }),
    });
  });

  test('has every index of the manifest, projecting all attributes', () => {
    const indexes = entriesOf(manifest.tables.main.indexes).map(([indexName, index]) => ({
      IndexName: indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    expectResourceProperties(template, 'AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: manifest.tables.main.partitionKey, KeyType: 'HASH' },
        { AttributeName: manifest.tables.main.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayWith(indexes.map((i) => Match.objectLike(i))),
    });
    const table = resourcesOf(template, 'AWS::DynamoDB::Table')[tableId];
    expect(table?.Properties['GlobalSecondaryIndexes']).toHaveLength(indexes.length);
  });
});

describe('the functions', () => {
  test('are exactly the manifest functions, all on Node 24 arm64 with X-Ray', () => {
    template.resourceCountIs('AWS::Lambda::Function', functionNames.length);
    for (const name of functionNames) {
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
    }
  });

  test('get every manifest environment variable, resolved', () => {
    for (const name of functionNames) {
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)];
      const variables = (fn?.Properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [key, value] of Object.entries(manifest.functions[name].env as Record<string, Ref>)) {
        expect({ name, key, value: variables[key] }).toEqual({ name, key, value: expectedValue(value) });
      }
    }
  });

  test('log to their own encrypted log group, kept one year', () => {
    for (const name of functionNames) {
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)];
      const logGroupId = (fn?.Properties['LoggingConfig'] as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref ?? '';
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties).toMatchObject({
        RetentionInDays: 365,
        KmsKeyId: getAttArn(keyId),
      });
    }
  });
});

describe('the API', () => {
  const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));
  const apiResources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const id = (resourceId as { Ref?: string }).Ref;
    const resource = id === undefined ? undefined : apiResources[id];
    if (!resource) return '';
    return `${pathOf(resource.Properties['ParentId'])}/${String(resource.Properties['PathPart'])}`;
  };

  test('has one method per manifest route, integrated with its function by proxy', () => {
    expect(methods).toHaveLength(manifest.routes.length);
    for (const route of manifest.routes) {
      const method = methods.find((m) => m.Properties['HttpMethod'] === route.method && pathOf(m.Properties['ResourceId']) === route.path);
      expect(method).toBeDefined();
      expect(method?.Properties['Integration']).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method?.Properties['Integration'])).toContain(JSON.stringify(getAttArn(functionLogicalId(template, route.function))));
    }
  });

  test('authorizes every method with the Cognito user pool', () => {
    const authorizerId = onlyLogicalId(template, 'AWS::ApiGateway::Authorizer');
    expectResourceProperties(template, 'AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    for (const method of methods) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: ref(authorizerId) });
    }
  });

  test('logs access to an encrypted group and throttles the stage', () => {
    expectResourceProperties(template, 'AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ DataTraceEnabled: false, ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
      ]),
    });
  });

  test('has a Cognito group per role, an ORI attribute and optional MFA', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties['GroupName']);
    expect([...groups].sort()).toEqual([...ROLES].sort());
    expectResourceProperties(template, 'AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'ori', AttributeDataType: 'String' })]),
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });
});

describe('the state machines', () => {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  const machineOf = (name: MachineName) => Object.values(machines).find((m) => m.Properties['StateMachineName'] === `ciss-workflows-dev-${name}`);

  test('are exactly the manifest machines, standard, traced, logging without execution data', () => {
    expect(Object.keys(machines)).toHaveLength(machineNames.length);
    for (const name of machineNames) {
      expect(machineOf(name)?.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    }
  });

  test('log to encrypted vended-log groups, kept one year', () => {
    for (const name of machineNames) {
      const destinations = (machineOf(name)?.Properties['LoggingConfiguration'] as { Destinations: unknown[] }).Destinations;
      const logGroupId = JSON.stringify(destinations).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1] ?? '';
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties).toEqual({
        LogGroupName: `/aws/vendedlogs/states/ciss-workflows-dev-${name}`,
        RetentionInDays: 365,
        KmsKeyId: getAttArn(keyId),
      });
    }
  });

  test.each(machineNames)('%s deploys its ASL file with every placeholder substituted by the manifest resource', (name) => {
    const spec = manifest.machines[name];
    const machine = machineOf(name);
    // fromFile ships the ASL as an asset: read what will be uploaded, not the source file.
    const key = (machine?.Properties['DefinitionS3Location'] as { Key?: string } | undefined)?.Key ?? '';
    const deployed = readFileSync(path.join(assemblyDir, `asset.${key}`), 'utf8');
    expect(deployed).toBe(readFileSync(path.join(PROJECT_ROOT, spec.file), 'utf8'));

    const substitutions = (machine?.Properties['DefinitionSubstitutions'] ?? {}) as Record<string, unknown>;
    const placeholders = aslPlaceholders(deployed);
    expect(Object.keys(substitutions).sort()).toEqual([...placeholders].sort());
    for (const [placeholder, value] of entriesOf(spec.substitutions as Record<string, Ref>)) {
      expect({ placeholder, value: substitutions[placeholder] }).toEqual({ placeholder, value: expectedValue(value) });
    }
    // What Step Functions will run once CloudFormation substitutes: no `${` left, still JSON.
    const resolved = deployed.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, p: string) => (p in substitutions ? `resolved-${p}` : `\${${p}}`));
    expect(resolved).not.toContain('${');
    expect(() => JSON.parse(resolved) as unknown).not.toThrow();
  });

  test('the diagnostics role may invoke its three functions, write its table and put on its bus', () => {
    const roleId = (machineOf('diagnostics')?.Properties['RoleArn'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties['Roles']).includes(roleId));
    const statements = policies.flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
    const grantsOn = (action: string): string => JSON.stringify(statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource));

    for (const fn of ['diagnostics-check', 'diagnostics-park', 'diagnostics-notify'] as const) {
      expect(grantsOn('lambda:InvokeFunction')).toContain(JSON.stringify(getAttArn(functionLogicalId(template, fn))));
    }
    expect(grantsOn('lambda:InvokeFunction')).not.toContain(functionLogicalId(template, 'health'));
    expect(grantsOn('dynamodb:PutItem')).toContain(JSON.stringify(getAttArn(tableId)));
    expect(grantsOn('dynamodb:UpdateItem')).toContain(JSON.stringify(getAttArn(tableId)));
    expect(grantsOn('dynamodb:DeleteItem')).toBe('[]');
    expect(grantsOn('events:PutEvents')).toBe(JSON.stringify([getAttArn(busId)]));
  });
});

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

describe('IAM', () => {
  const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement,
  );

  // CDK adds these itself: X-Ray for active tracing, and CloudWatch Logs delivery for Step
  // Functions logging — neither action supports resource-level permissions.
  const allowedOnAnyResource = [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ];

  test('grants nothing on Resource "*" but the X-Ray and log-delivery actions CDK adds', () => {
    const onAnyResource = statements.filter((s) => [s.Resource].flat().includes('*')).flatMap((s) => [s.Action].flat());
    expect(onAnyResource.length).toBeGreaterThan(0);
    expect(onAnyResource.filter((a) => !allowedOnAnyResource.includes(a))).toEqual([]);
  });

  test('lets the mailing function send only through the app identity and configuration set, as the sender', () => {
    const sesStatements = statements.filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    expect(sesStatements.length).toBeGreaterThan(0);
    for (const s of sesStatements) {
      expect(s).toMatchObject({ Condition: { StringEquals: { 'ses:FromAddress': manifest.email.sender } } });
      expect(JSON.stringify(s.Resource)).toContain(onlyLogicalId(template, 'AWS::SES::EmailIdentity'));
      expect(JSON.stringify(s.Resource)).toContain('configuration-set/');
    }
  });
});

describe('events and mail', () => {
  test.each(entriesOf(manifest.eventRules))('rule %s matches the manifest pattern on the bus and targets its function', (_, rule) => {
    expectResourceProperties(template, 'AWS::Events::Rule', {
      EventBusName: ref(busId),
      EventPattern: rule.pattern,
      Targets: [Match.objectLike({ Arn: getAttArn(functionLogicalId(template, rule.target.function)) })],
    });
  });

  test('sends mail from a DKIM domain identity through a TLS-only configuration set', () => {
    expectResourceProperties(template, 'AWS::SES::EmailIdentity', {
      EmailIdentity: manifest.email.sender.split('@')[1],
      ConfigurationSetAttributes: { ConfigurationSetName: ref(onlyLogicalId(template, 'AWS::SES::ConfigurationSet')) },
    });
    expectResourceProperties(template, 'AWS::SES::ConfigurationSet', { Name: 'ciss-workflows-dev', DeliveryOptions: { TlsPolicy: 'REQUIRE' } });
  });

  test('outputs what operators and e2e tests need', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableNameMain', 'MachineArnDiagnostics']));
  });
});
