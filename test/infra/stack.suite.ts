import * as path from 'node:path';
import { replacePlaceholders } from '#shared/asl';
import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stack, type App } from 'aws-cdk-lib';
import { ROLES, manifest, type EventRuleSpec, type FunctionName, type MachineName, type Permission, type Ref, type SearchDbAccess, type SecretName } from '#infra/manifest';
import { PROJECT_ROOT } from '#infra/stack';
import { PARTITION_PLACEHOLDER, aslPlaceholders, withPartition } from '#infra/aws/asl';
import { entriesOf } from '#infra/aws/refs';
import { USER_POOL_TRIGGERS } from '#infra/aws/api';
import { functionArea } from '#infra/aws/stateless';
import { LAMBDA_BUNDLE } from '#infra/aws/bundling';
import {
  appKeyId,
  devSynthesizedStack,
  devTemplate,
  clusterArnOf,
  exportedFromSearchDb,
  expectResource,
  expectResourceProperties,
  functionLogicalId,
  functionRoleId,
  getAttArn,
  onlyLogicalId,
  ref,
  resourcesOf,
  roleStatements,
  searchDbTemplate,
  type Statement,
} from './template';

/** Where the manifest's paths start (a scratch copy can stand in while files are being written). */
const projectRoot = PROJECT_ROOT;

// The default stage's one synthesis (./template.ts), shared with the other suites that only read it.
const stack = devSynthesizedStack();
// The template with the function areas' nested stacks folded in: the suites check wiring, not where the templates split.
const template = devTemplate();
(stack.node.root as App).synth();

const tableIdOf = (name: string): string => {
  const ids = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')).filter((id) => id.startsWith(`Stateful${name}Table`));
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one table "${name}", found ${ids.length}`);
  return ids[0];
};
const tableId = tableIdOf('main');
const auditTableId = tableIdOf('audit');
const keyId = appKeyId(template);
const busId = onlyLogicalId(template, 'AWS::Events::EventBus');
const restApiId = onlyLogicalId(template, 'AWS::ApiGateway::RestApi');
const functionNames = Object.keys(manifest.functions) as FunctionName[];
const machineNames = Object.keys(manifest.machines) as MachineName[];
const secretNames = Object.keys(manifest.secrets) as SecretName[];
/** The one function that is not the manifest's: it rotates generated secrets. */
const rotationFunctionId =
  Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(
    ([, r]) => r.Properties['Description'] === 'Rotates generated ciss-workflows secrets to a new random value',
  )?.[0] ?? '';

/** Logical id of a manifest secret, found by its description. */
function secretLogicalId(name: SecretName): string {
  const found = Object.entries(resourcesOf(template, 'AWS::SecretsManager::Secret')).filter(
    ([, r]) => r.Properties['Description'] === `ciss-workflows-dev: ${manifest.secrets[name].description}`,
  );
  if (found.length !== 1 || !found[0]) throw new Error(`expected one secret "${name}", found ${found.length}`);
  return found[0][0];
}

// CISS Search's database is in its nested stack (search-db.suite.ts); the main template reads it through the nested stack's outputs.
const searchDb = searchDbTemplate();
const searchClusterRef = exportedFromSearchDb(ref(onlyLogicalId(searchDb, 'AWS::RDS::DBCluster')));
/** How the main template names the search database's secret for one access (its user's): the nested stack's output. */
const searchSecretRef = (access: SearchDbAccess): unknown => {
  const ids = Object.keys(resourcesOf(searchDb, 'AWS::SecretsManager::Secret')).filter((id) => id.startsWith(`SearchDb${access.charAt(0).toUpperCase()}${access.slice(1)}Secret`));
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one search secret for ${access}, found ${ids.length}`);
  return exportedFromSearchDb(ref(ids[0]));
};

/** The manifest functions holding a permission that matches. */
const functionsWith = (matches: (p: Permission) => boolean): FunctionName[] =>
  functionNames.filter((name) => (manifest.functions[name].permissions as readonly Permission[]).some(matches)).sort();

/** The CloudFormation value each manifest ref must become. */
function expectedValue(r: Ref): unknown {
  switch (r.ref) {
    case 'table':
      return ref(tableIdOf(r.table));
    case 'bus':
      return ref(busId);
    case 'sender':
      return manifest.email.sender;
    case 'configurationSet':
      return ref(onlyLogicalId(template, 'AWS::SES::ConfigurationSet'));
    case 'function':
      return getAttArn(functionLogicalId(template, r.function));
    case 'machine':
      // Built from the machine's fixed name (any value here; a jest matcher, not an assertions Match).
      return expect.anything();
    case 'apiUrl':
      // The stage URL, made of the API id and stage name (not the deployment: that would cycle).
      return {
        'Fn::Join': ['', ['https://', ref(restApiId), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/dev']],
      };
    case 'portalUrl':
      // The distribution's portal path (the distribution needs the API id only, not the functions).
      return { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [onlyLogicalId(template, 'AWS::CloudFront::Distribution'), 'DomainName'] }, '/portal/']] };
    case 'key':
      return getAttArn(keyId);
    case 'secret':
      // A secret's Ref is its ARN, what GetSecretValue takes.
      return ref(secretLogicalId(r.secret));
    case 'literal':
      return r.value;
    case 'endpoint':
      // The URL is read from the endpoint's SSM parameter at deploy time.
      return { Ref: expect.stringMatching(/^SsmParameterValue/) };
    case 'userPool':
      // The people's user pool id (a lifecycle's grant adds them to a group).
      return ref(onlyLogicalId(template, 'AWS::Cognito::UserPool'));
    case 'searchDb':
      // The cluster's ARN, the Data API's resourceArn.
      return clusterArnOf(searchClusterRef);
    case 'searchDbSecret':
      return searchSecretRef(r.access);
    case 'searchDropBucket':
      // The drop bucket's name (its Ref), where the batch sources drop their files.
      return { Ref: expect.stringMatching(/SearchSourcesDrop/) };
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

describe('the secrets', () => {
  test("are exactly the manifest secrets, the portal's edge key and the search database's three, the manifest's generated, encrypted with the app key and kept", () => {
    // The edge key (infra/aws/waf.ts EDGE_HEADER) is the stack's own: CloudFront's origin header and the API's web ACL read it; no function does.
    // The search database's admin, query, ingest and purge users' secrets are in its nested stack (search-db.suite.ts).
    template.resourceCountIs('AWS::SecretsManager::Secret', secretNames.length + 1);
    for (const name of secretNames) {
      expect(resourcesOf(template, 'AWS::SecretsManager::Secret')[secretLogicalId(name)]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { KmsKeyId: getAttArn(keyId), GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } },
      });
    }
  });

  test.each(secretNames)('%s can be read by exactly the functions that ask, through Secrets Manager only', (name) => {
    const secretRef = JSON.stringify(ref(secretLogicalId(name)));
    const readers = functionNames.filter((fn) =>
      roleStatements(template, functionRoleId(template, fn)).some(
        (s) => [s.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === secretRef,
      ),
    );
    expect(readers.sort()).toEqual(functionsWith((p) => 'secret' in p && p.secret === name));
    expect(readers.length).toBeGreaterThan(0);
    for (const fn of readers) {
      expect(roleStatements(template, functionRoleId(template, fn))).toContainEqual(
        expect.objectContaining({
          Action: 'kms:Decrypt',
          Resource: getAttArn(keyId),
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        }),
      );
    }
  });

  test('only the functions the manifest names may change group membership or end accounts, on the people’s user pool only', () => {
    const members = functionsWith((p) => 'userPool' in p && p.userPool !== 'clients');
    expect([...members].sort()).toEqual(['access-remove', 'accounts-enable', 'accounts-remove', 'accounts-sweep', 'certification-grant', 'certification-lapse']);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
    const onPool = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('cognito-idp:Admin')));
    expect(onPool).toHaveLength(members.length);
    const groups = ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup'];
    const accounts = ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser', 'cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminRemoveUserFromGroup'];
    for (const s of onPool) {
      expect([groups, accounts]).toContainEqual(s.Action);
      expect(s.Resource).toEqual(getAttArn(onlyLogicalId(template, 'AWS::Cognito::UserPool')));
    }
    for (const fn of ['certification-grant', 'certification-lapse'] as const) expect(JSON.stringify(roleStatements(template, functionRoleId(template, fn)))).toContain('cognito-idp:AdminAddUserToGroup');
    for (const fn of ['access-remove', 'accounts-enable', 'accounts-remove', 'accounts-sweep'] as const) {
      const role = JSON.stringify(roleStatements(template, functionRoleId(template, fn)));
      expect(role).toContain('cognito-idp:AdminUserGlobalSignOut');
      expect(role).not.toContain('cognito-idp:AdminAddUserToGroup');
    }
  });

  test('every route function reads the people’s account records (the revocation check), and only them by that grant', () => {
    const checked = functionsWith((p) => 'accounts' in p);
    expect([...checked].sort()).toEqual(manifest.routes.map((r) => r.function).sort());
    const statements = roleStatements(template, functionRoleId(template, 'health'));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'dynamodb:GetItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PERSON#*'] } } }));
    expect(JSON.stringify(statements)).not.toContain('dynamodb:Query');
  });

  test('only agency provisioning may make app clients, on the people’s user pool only, and nothing may change the resource server (CloudFormation owns its scopes)', () => {
    const members = functionsWith((p) => 'userPool' in p && p.userPool === 'clients');
    expect([...members]).toEqual(['agencies-provision']);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
    const onClients = statements.filter((s) => [s.Action].flat().some((a) => a === 'cognito-idp:CreateUserPoolClient'));
    expect(onClients.map((s) => [[s.Action].flat(), s.Resource])).toEqual([[['cognito-idp:CreateUserPoolClient'], getAttArn(onlyLogicalId(template, 'AWS::Cognito::UserPool'))]]);
    expect(statements.filter((s) => [s.Action].flat().some((a) => String(a).includes('ResourceServer')))).toEqual([]);
    expect(JSON.stringify(roleStatements(template, functionRoleId(template, 'agencies-provision')))).toContain('cognito-idp:CreateUserPoolClient');
  });

  test('no policy reads a secret of another resource, or any secret on "*"', () => {
    const secretRefs = [
      ...secretNames.map((name) => JSON.stringify(ref(secretLogicalId(name)))),
      // The admin secret is not even exported to the main template (search-db.suite.ts).
      ...(['query', 'ingest', 'purge'] as const).map((access) => JSON.stringify(searchSecretRef(access))),
    ];
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement,
    );
    for (const s of statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('secretsmanager:')))) {
      // GetRandomPassword (the rotation function's) is the one Secrets Manager action on no secret.
      if (JSON.stringify(s.Action) === JSON.stringify('secretsmanager:GetRandomPassword')) continue;
      expect(secretRefs).toContain(JSON.stringify(s.Resource));
    }
  });

  test('the generated approval-link and list-cursor keys rotate every 90 days; the CMS credential is left to DCJ, the packet-id key never changes', () => {
    // The search database's three are rotated by its own function (search-db.suite.ts).
    const schedules = Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')).filter(
      (r) => JSON.stringify(r.Properties['RotationLambdaARN']) === JSON.stringify(getAttArn(rotationFunctionId)),
    );
    expect(schedules.map((r) => r.Properties['SecretId'])).toEqual([ref(secretLogicalId('approval-link-key')), ref(secretLogicalId('list-cursor-key'))]);
    for (const schedule of schedules) {
      expect(schedule.Properties).toMatchObject({
        RotationLambdaARN: getAttArn(rotationFunctionId),
        RotationRules: { ScheduleExpression: 'rate(90 days)' },
      });
    }
  });

  test('the rotation function may rotate the generated keys only, and use the key only through Secrets Manager', () => {
    const roleId = (resourcesOf(template, 'AWS::Lambda::Function')[rotationFunctionId]?.Properties['Role'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = roleStatements(template, roleId);
    const onSecrets = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:') && a !== 'secretsmanager:GetRandomPassword'));
    expect(onSecrets.map((s) => s.Resource)).toEqual([ref(secretLogicalId('approval-link-key')), ref(secretLogicalId('list-cursor-key'))]);
    for (const s of statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')))) {
      expect(JSON.stringify(s.Condition)).toContain('secretsmanager.');
    }
  });
});

describe('the functions', () => {
  test('are exactly the manifest functions, all on Node 24 arm64 with X-Ray', () => {
    // …and the secret-rotation function, CDK's bucket-deployment function (the portal's bundle),
    // (the search database's migration and password rotation are in its nested stack).
    template.resourceCountIs('AWS::Lambda::Function', functionNames.length + 2);
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
      // Source maps at run time cost every cold start; they follow the one setting (bundling.ts).
      expect({ name, NODE_OPTIONS: variables['NODE_OPTIONS'] }).toEqual({ name, NODE_OPTIONS: LAMBDA_BUNDLE.sourceMapsAtRuntime ? '--enable-source-maps' : undefined });
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

  const methodOf = (route: (typeof manifest.routes)[number]) =>
    methods.find((m) => m.Properties['HttpMethod'] === route.method && pathOf(m.Properties['ResourceId']) === route.path);

  test('authorizes every token route with the Cognito user pool', () => {
    const authorizerId = onlyLogicalId(template, 'AWS::ApiGateway::Authorizer');
    expectResourceProperties(template, 'AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    const tokenRoutes = manifest.routes.filter((r) => r.auth === 'token');
    expect(tokenRoutes.length).toBeGreaterThan(0);
    for (const route of tokenRoutes) {
      // Naming the API scope makes the authorizer take access tokens (people's and machines') only.
      expect(methodOf(route)?.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: ref(authorizerId), AuthorizationScopes: ['ciss/api'] });
    }
  });

  test('leaves signed-link and credential routes to the handler (no gateway authorizer), and has no other methods', () => {
    const linkRoutes = manifest.routes.filter((r) => r.auth === 'signed-link' || r.auth === 'credentials');
    expect(linkRoutes.map((r) => r.auth)).toEqual(expect.arrayContaining(['signed-link', 'credentials']));
    for (const route of linkRoutes) {
      expect(methodOf(route)?.Properties['AuthorizationType']).toBe('NONE');
      expect(methodOf(route)?.Properties['AuthorizerId']).toBeUndefined();
    }
    const routed = manifest.routes.map((r) => methodOf(r));
    expect(methods.filter((m) => !routed.includes(m))).toEqual([]);
  });

  test('lets API Gateway invoke each function once per route it serves, scoped to that method and path', () => {
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
      (p) => p.Properties['Principal'] === 'apigateway.amazonaws.com',
    );
    expect(permissions).toHaveLength(manifest.routes.length);
    for (const route of manifest.routes) {
      const suffix = `/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
      const matching = permissions.filter(
        (p) =>
          JSON.stringify(p.Properties['FunctionName']) === JSON.stringify(getAttArn(functionLogicalId(template, route.function))) &&
          JSON.stringify(p.Properties['SourceArn']).endsWith(`${JSON.stringify(suffix)}]]}`),
      );
      expect({ route: `${route.method} ${route.path}`, count: matching.length }).toEqual({ route: `${route.method} ${route.path}`, count: 1 });
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

  test('logs access without request or response bodies, and sits behind the WAF', () => {
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    const format = String((stage?.Properties['AccessLogSetting'] as { Format?: string } | undefined)?.Format);
    expect(format).toContain('$context.requestId');
    // Why a request was refused before any handler ran (a token refused by the authorizer).
    expect(format).toContain('$context.error.message');
    expect(format).toContain('$context.identity.sourceIp');
    expectResourceProperties(template, 'AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': `'Bearer realm="ciss-workflows"'` },
    });
    expect(format.toLowerCase()).not.toMatch(/body|payload|authorization/);
    // The API's own (REGIONAL) web ACL; the portal's edge one (CLOUDFRONT) is in portal.suite.ts.
    const [apiAclId, apiAcl] = Object.entries(resourcesOf(template, 'AWS::WAFv2::WebACL')).find(([, acl]) => acl.Properties['Scope'] === 'REGIONAL') ?? [];
    expectResourceProperties(template, 'AWS::WAFv2::WebACLAssociation', { WebACLArn: getAttArn(apiAclId ?? '') });
    const rules = (apiAcl?.Properties['Rules'] ?? []) as { Name: string; Statement: Record<string, unknown> }[];
    expect(rules.map((r) => r.Name)).toEqual(
      expect.arrayContaining(['RatePerIp', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList', 'BodyTooLarge']),
    );
    expect(rules.find((r) => r.Name === 'RatePerIp')?.Statement).toMatchObject({ RateBasedStatement: { Limit: 1000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } });
    expectResourceProperties(template, 'AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }, { QueryString: {} }],
    });
  });

  test('limits first-login attempts per source address at the WAF (CJIS AC-7: one source cannot lock out employees at will), answering 429', () => {
    const rules = (Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL')).find((acl) => acl.Properties['Scope'] === 'REGIONAL')?.Properties['Rules'] ?? []) as { Name: string; Priority: number; Action: unknown; Statement: { RateBasedStatement?: Record<string, unknown> } }[];
    const rule = rules.find((r) => r.Name === 'RatePerIpAuthFirstLogin');
    expect(rule?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    expect(rule?.Statement.RateBasedStatement).toMatchObject({ Limit: 20, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    const scope = JSON.stringify(rule?.Statement.RateBasedStatement?.['ScopeDownStatement']);
    expect(scope).toContain('"SearchString":"POST"');
    const regex = String(/"RegexString":"((?:[^"\\]|\\.)*)"/.exec(scope)?.[1]).replace(/\\\\/g, '\\');
    for (const path of ['/auth/first-login', '/prod/auth/first-login', '/auth/first-login/']) expect(new RegExp(regex).test(path)).toBe(true);
    for (const path of ['/auth/first-login-x', '/x/y/auth/first-login', '/access-requests']) expect(new RegExp(regex).test(path)).toBe(false);
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  test('keeps WAF logs free of credentials', () => {
    expectResourceProperties(template, 'AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }, { QueryString: {} }],
    });
  });

  test('has a Cognito group per role, an ORI attribute and required MFA', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties['GroupName']);
    expect([...groups].sort()).toEqual([...ROLES].sort());
    expectResourceProperties(template, 'AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'ori', AttributeDataType: 'String' })]),
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });
});

describe('the state machines', () => {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  const machineOf = (name: MachineName) => Object.values(machines).find((m) => m.Properties['StateMachineName'] === `ciss-workflows-dev-${name}`);

  test('encrypt definition and history with the app key', () => {
    for (const name of machineNames) {
      expect(machineOf(name)?.Properties['EncryptionConfiguration']).toEqual({
        Type: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyId: getAttArn(keyId),
        KmsDataKeyReusePeriodSeconds: 300,
      });
    }
  });

  test('tasks-cancel may only DescribeExecution, on the executions of the machines with human steps', () => {
    const statements = roleStatements(template, functionRoleId(template, 'tasks-cancel'));
    const onStates = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    expect(onStates.map((s) => s.Action)).toEqual(onStates.map(() => 'states:DescribeExecution'));
    const machinesWithTasks = machineNames.filter((m) => JSON.stringify(manifest.machines[m].substitutions).includes('"tasks-notify"'));
    expect(machinesWithTasks.length).toBeGreaterThan(0);
    const resources = JSON.stringify(onStates.map((s) => s.Resource));
    for (const machine of machineNames) {
      const covered = resources.includes(`:execution:ciss-workflows-dev-${machine}:`);
      expect({ machine, covered }).toEqual({ machine, covered: machinesWithTasks.includes(machine) });
    }
  });

  test('let every function that calls a machine use its key, in that machine\'s encryption context only', () => {
    for (const fn of functionsWith((p) => 'machine' in p)) {
      const statements = roleStatements(template, functionRoleId(template, fn));
      for (const machine of (manifest.functions[fn].permissions as readonly Permission[]).flatMap((p) => ('machine' in p ? [p.machine] : []))) {
        expect(statements).toContainEqual(
          expect.objectContaining({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: getAttArn(keyId),
            Condition: {
              StringEquals: {
                'kms:EncryptionContext:aws:states:stateMachineArn': expect.objectContaining({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining([`:stateMachine:ciss-workflows-dev-${machine}`])]) }),
                'kms:ViaService': expect.anything(),
              },
            },
          }),
        );
      }
    }
  });

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
    // Inline in the template, the file's text with its ARNs made partition-aware.
    const deployed = String(machine?.Properties['DefinitionString']);
    expect(deployed).toBe(withPartition(readFileSync(path.join(projectRoot, spec.file), 'utf8')));

    const substitutions = (machine?.Properties['DefinitionSubstitutions'] ?? {}) as Record<string, unknown>;
    const placeholders = aslPlaceholders(deployed);
    expect(Object.keys(substitutions).sort()).toEqual([...placeholders].sort());
    expect(substitutions[PARTITION_PLACEHOLDER]).toEqual({ Ref: 'AWS::Partition' });
    for (const [placeholder, value] of entriesOf(spec.substitutions as Record<string, Ref>)) {
      expect({ placeholder, value: substitutions[placeholder] }).toEqual({ placeholder, value: expectedValue(value) });
    }
    // What Step Functions will run once CloudFormation substitutes: no `${` left, still JSON.
    const resolved = replacePlaceholders(deployed, (p, whole) => (p in substitutions ? `resolved-${p}` : whole));
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

  test('the approval role may invoke exactly the task functions it substitutes, and nothing else', () => {
    const roleId = (machineOf('approval')?.Properties['RoleArn'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = roleStatements(template, roleId);
    const invoked = functionNames.filter((fn) =>
      statements.some(
        (s) => [s.Action].flat().includes('lambda:InvokeFunction') && JSON.stringify(s.Resource).includes(JSON.stringify(getAttArn(functionLogicalId(template, fn)))),
      ),
    );
    expect(invoked.sort()).toEqual(['tasks-expire', 'tasks-notify']);
    const actions = statements.flatMap((s) => [s.Action].flat()).filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:') && !a.startsWith('kms:'));
    expect([...new Set(actions)]).toEqual(['lambda:InvokeFunction']);
    // The key only for its own definition and history, and for log delivery (CDK's grants).
    for (const s of statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')))) {
      expect(Object.keys((s.Condition as { StringEquals: Record<string, unknown> }).StringEquals)).toEqual([
        expect.stringMatching(/^kms:EncryptionContext:(aws:states:stateMachineArn|SourceArn)$/),
      ]);
    }
  });
});

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
    // The secret-rotation function's: a random value belongs to no secret.
    'secretsmanager:GetRandomPassword',
  ];

  test('grants nothing on Resource "*" but the X-Ray and log-delivery actions CDK adds', () => {
    const onAnyResource = statements.filter((s) => [s.Resource].flat().includes('*')).flatMap((s) => [s.Action].flat());
    expect(onAnyResource.length).toBeGreaterThan(0);
    expect(onAnyResource.filter((a) => !allowedOnAnyResource.includes(a))).toEqual([]);
  });

  const unconditionedKeyActions = (statements: readonly Statement[]): string[] =>
    statements
      .filter((s) => s.Condition === undefined && JSON.stringify(s.Resource) === JSON.stringify(getAttArn(keyId)))
      .flatMap((s) => [s.Action].flat());

  test.each(['encrypt', 'decrypt'] as const)('lets exactly the functions that ask %s with the app key directly', (use) => {
    const action = use === 'encrypt' ? 'kms:Encrypt' : 'kms:Decrypt';
    const users = functionNames.filter((fn) => unconditionedKeyActions(roleStatements(template, functionRoleId(template, fn))).includes(action));
    const asking = functionsWith((p) => 'key' in p && p.key === use);
    expect(asking.length).toBeGreaterThan(0);
    expect(users.sort()).toEqual(asking);
  });

  test('uses the app key for nothing else but through DynamoDB, Secrets Manager, Step Functions or CloudWatch Logs', () => {
    const direct = new Set(functionsWith((p) => 'key' in p).map((fn) => functionRoleId(template, fn)));
    for (const [policyId, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
      const roles = JSON.stringify(policy.Properties['Roles']);
      if ([...direct].some((roleId) => roles.includes(JSON.stringify(ref(roleId))))) continue;
      const statements = (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement;
      expect({ policyId, actions: unconditionedKeyActions(statements) }).toEqual({ policyId, actions: [] });
    }
    // The app key's (another key, such as the search drop's own, is that resource's business).
    const viaServices = statements
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')) && JSON.stringify(s.Resource) === JSON.stringify(getAttArn(keyId)))
      .map((s) => JSON.stringify((s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals?.['kms:ViaService'] ?? 'direct'));
    for (const via of viaServices) expect(via).toMatch(/"direct"|dynamodb\.|secretsmanager\.|states\./);
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
  const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
  const ruleSpecs = entriesOf(manifest.eventRules as Record<string, EventRuleSpec>);

  test('are exactly the manifest rules and schedules', () => {
    expect(rules.filter((r) => 'EventPattern' in r.Properties)).toHaveLength(ruleSpecs.length);
    expect(rules.filter((r) => 'ScheduleExpression' in r.Properties)).toHaveLength(Object.keys(manifest.schedules).length);
    expect(rules).toHaveLength(ruleSpecs.length + Object.keys(manifest.schedules).length);
  });

  test.each(ruleSpecs.filter(([, rule]) => (rule.bus ?? 'app') === 'app'))(
    'rule %s matches the manifest pattern on the app bus and targets its function',
    (_, rule) => {
      const found = rules.filter((r) => r.Properties['Description'] === rule.description);
      expect(found).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        EventBusName: ref(busId),
        EventPattern: rule.pattern,
        Targets: [expect.objectContaining({ Arn: getAttArn(functionLogicalId(template, rule.target.function)) })],
      });
      expect(found[0]?.Properties['EventPattern']).toEqual(rule.pattern);
    },
  );

  const fromStepFunctions = (rule: EventRuleSpec) => JSON.stringify(rule.pattern['source']) === '["aws.states"]';

  test.each(ruleSpecs.filter(([, rule]) => rule.bus === 'default' && fromStepFunctions(rule)))(
    'rule %s matches the manifest pattern on the default bus, narrowed to this stage\'s machines',
    (_, rule) => {
      const found = rules.filter((r) => r.Properties['Description'] === rule.description);
      expect(found).toHaveLength(1);
      const properties = found[0]?.Properties ?? {};
      expect(properties['EventBusName'] ?? 'default').toBe('default');
      expect(properties['Targets']).toEqual([expect.objectContaining({ Arn: getAttArn(functionLogicalId(template, rule.target.function)) })]);

      const machineArns = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).map((m) => m.Properties['StateMachineName']);
      const { detail, ...rest } = properties['EventPattern'] as { detail?: Record<string, unknown> };
      const { detail: specDetail, ...specRest } = rule.pattern as { detail?: Record<string, unknown> };
      expect(rest).toEqual(specRest);
      const { stateMachineArn, ...detailRest } = detail ?? {};
      expect(detailRest).toEqual(specDetail ?? {});
      const names = (stateMachineArn as unknown[]).map((arn) => JSON.stringify(arn).match(/:stateMachine:([a-z0-9-]+)/)?.[1]);
      expect(names.sort()).toEqual([...machineArns].sort());
    },
  );

  // S3 rules are narrowed to the drop bucket (infra/aws/stateless.ts onlyBucketsOf; test/infra/search-db.suite.ts).
  test.each(ruleSpecs.filter(([, rule]) => rule.bus === 'default' && !fromStepFunctions(rule) && JSON.stringify(rule.pattern['source']) !== '["aws.s3"]'))('rule %s matches the manifest pattern on the default bus as written', (_, rule) => {
    const found = rules.filter((r) => r.Properties['Description'] === rule.description);
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties['EventBusName']).toBeUndefined();
    expect(found[0]?.Properties['EventPattern']).toEqual(rule.pattern);
    expect(found[0]?.Properties['Targets']).toEqual([expect.objectContaining({ Arn: getAttArn(functionLogicalId(template, rule.target.function)) })]);
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

describe('the template', () => {
  // `Template` refuses a template whose resources form a dependency cycle (CloudFormation
  // would only find out at deploy time); this stack's obvious risk is functions carrying the
  // API URL while the API invokes the functions.
  test('the assertions library rejects a dependency cycle, through a reference and a DependsOn', () => {
    const cyclic = {
      Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'B' } } }, B: { Type: 'AWS::SNS::Topic', DependsOn: 'A' } },
    };
    expect(() => Template.fromJSON(cyclic)).toThrow(/dependency cycle/);
  });

  test('has no dependency cycle', () => {
    expect(() => Template.fromJSON(template.toJSON())).not.toThrow();
  });

  // CloudFormation refuses a stack of more than 500 resources (TooManyResourcesInStack, at synth).
  // The budget keeps room below CloudFormation's 500 for the next feature (a function alone is
  // four: role, policy, log group, function, and a fifth for each route). The manifest's functions
  // live in one nested stack per area (`functions/<area>/`, infra/aws/stateless.ts), so a new area
  // costs the main template one resource; its routes, rules and alarms stay here. When this fails,
  // move another self-contained part into a nested stack, as CISS Search's database is
  // (infra/aws/stateful.ts), rather than raise it.
  const resourceCount = (t: Template): number => Object.keys(t.toJSON()['Resources'] as Record<string, unknown>).length;
  test('keeps the main template within its resource budget, well below CloudFormation\'s 500', () => {
    const RESOURCE_BUDGET = 450;
    const count = resourceCount(Template.fromStack(stack));
    expect({ count, withinBudget: count <= RESOURCE_BUDGET }).toEqual({ count, withinBudget: true });
  });

  test('keeps every nested stack within its budget, and gives every area of functions its own', () => {
    const NESTED_BUDGET = 400;
    const nested = [stack.stateful.searchDbStack, ...Object.values(stack.stateless.areaStacks)];
    const over = nested.map((n) => ({ stack: n.node.path, count: resourceCount(Template.fromStack(n)) })).filter((n) => n.count > NESTED_BUDGET);
    expect(over).toEqual([]);
    const areas = new Set(Object.values<{ entry: string }>(manifest.functions).map((spec) => functionArea(spec.entry)));
    expect(Object.keys(stack.stateless.areaStacks).sort()).toEqual([...areas].sort());
    // Every manifest function but the user pool's triggers is in its area's nested stack.
    for (const name of functionNames) {
      const inStack = Stack.of(stack.stateless.functions[name].fn);
      const expected = USER_POOL_TRIGGERS.includes(name) ? stack : stack.stateless.areaStacks[functionArea(manifest.functions[name].entry)];
      expect({ name, stack: inStack.node.path }).toEqual({ name, stack: expected?.node.path });
    }
  });
});

describe('the audit trail (CJIS AU-9, AU-11)', () => {
  const writers = (Object.keys(manifest.functions) as FunctionName[]).filter((fn) =>
    (manifest.functions[fn].permissions as readonly Permission[]).some((p) => 'table' in p && p.table === 'audit' && p.access === 'append'),
  );

  test('is kept: point-in-time recovery, deletion protection, retained, no expiry', () => {
    const table = resourcesOf(template, 'AWS::DynamoDB::Table')[auditTableId];
    expect(table?.Properties).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true });
    expect(table?.Properties['TimeToLiveSpecification']).toBeUndefined();
  });

  test('can only be appended to: every writer may PutItem on it and nothing that changes or removes a record', () => {
    expect(writers.length).toBeGreaterThan(10);
    const auditArn = JSON.stringify(getAttArn(auditTableId));
    const actionsOn = (fn: FunctionName) =>
      roleStatements(template, functionRoleId(template, fn))
        .filter((st) => JSON.stringify(st.Resource).includes(auditArn))
        .flatMap((st) => [st.Action].flat().map(String));
    const changing = (Object.keys(manifest.functions) as FunctionName[]).flatMap((fn) =>
      actionsOn(fn).filter((a) => ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*'].includes(a)).map((a) => `${fn}: ${a}`),
    );
    expect(changing).toEqual([]);
    expect(writers.filter((fn) => !actionsOn(fn).includes('dynamodb:PutItem'))).toEqual([]);
  });
});
