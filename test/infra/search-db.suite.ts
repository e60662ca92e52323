import { manifest, type FunctionName, type Permission, type SearchDbAccess } from '#infra/manifest';
import { SEARCH_DB_NAME } from '#infra/manifest/shared';
import { searchSchemaStatements } from '#infra/search-schema';
import { DATA_API_ACTIONS } from '#infra/aws/search-db';
import { BATCH_SOURCES, DROPPED_FILE_DAYS, PUSHING_SOURCES } from '#infra/aws/search-sources';
import { SEARCH_DB_USERS, searchDbGrantStatements } from '#infra/aws/search-migration/users';
import { appKeyId, clusterArnOf, devTemplate, functionLogicalId, exportedFromSearchDb, functionRoleId, getAttArn, onlyLogicalId, passedToSearchDb, ref, resourcesOf, roleStatements, searchDbTemplate, type Statement } from './template';

// CISS Search's database (infra/aws/search-db.ts) lives in a nested stack: its own template, read
// here; the search functions are the main template's, which reads the database through the nested
// stack's outputs.
const main = devTemplate();
const template = searchDbTemplate();
const clusterId = onlyLogicalId(template, 'AWS::RDS::DBCluster');
const cluster = resourcesOf(template, 'AWS::RDS::DBCluster')[clusterId] as { Properties: Record<string, unknown>; DeletionPolicy?: string };
const searchKeyId = onlyLogicalId(template, 'AWS::KMS::Key');
const clusterArn = clusterArnOf(ref(clusterId));
const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
const secretIdOf = (username: string): string => {
  const ids = Object.entries(secrets)
    .filter(([, s]) => JSON.stringify(s.Properties['GenerateSecretString']).includes(`\\"username\\":\\"${username}\\"`))
    .map(([id]) => id);
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one secret for database user ${username}, found ${ids.length}`);
  return ids[0];
};
const userSecretIds: Record<SearchDbAccess, string> = { query: secretIdOf(SEARCH_DB_USERS.query), ingest: secretIdOf(SEARCH_DB_USERS.ingest), purge: secretIdOf(SEARCH_DB_USERS.purge) };
const adminSecretId = secretIdOf('search_admin');
/** How policies name the admin secret: by its attachment to the cluster (the same ARN). */
const adminAttachmentId =
  Object.entries(resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment')).find(([, a]) => JSON.stringify(a.Properties['SecretId']) === JSON.stringify(ref(adminSecretId)))?.[0] ?? '';
/** What the main template's policies see of the database: the cluster's ARN, the users' secrets and the key, through the nested stack's outputs. */
const mainClusterArn = clusterArnOf(exportedFromSearchDb(ref(clusterId)));
const mainUserSecretRefs: Record<SearchDbAccess, unknown> = { query: exportedFromSearchDb(ref(userSecretIds.query)), ingest: exportedFromSearchDb(ref(userSecretIds.ingest)), purge: exportedFromSearchDb(ref(userSecretIds.purge)) };
const mainSearchKeyArn = exportedFromSearchDb(getAttArn(searchKeyId));
const searchSecretRefs = Object.values(mainUserSecretRefs).map((r) => JSON.stringify(r));

const functionNames = Object.keys(manifest.functions) as FunctionName[];
const accessOf = (name: FunctionName): SearchDbAccess | undefined =>
  (manifest.functions[name].permissions as readonly Permission[]).flatMap((p) => ('searchDb' in p ? [p.searchDb] : []))[0];
const actionsOf = (s: Statement): string[] => [s.Action].flat();

describe("CISS Search's database", () => {
  test('is Aurora PostgreSQL 17 Serverless v2 with the Data API, in its own database', () => {
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: expect.stringMatching(/^17\./),
      EnableHttpEndpoint: true,
      DatabaseName: SEARCH_DB_NAME,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
    const instances = Object.values(resourcesOf(template, 'AWS::RDS::DBInstance'));
    expect(instances.map((i) => i.Properties)).toEqual([expect.objectContaining({ DBInstanceClass: 'db.serverless', PubliclyAccessible: false, DBClusterIdentifier: ref(clusterId) })]);
  });

  test('is encrypted with its own rotating key, backed up for a week, protected from deletion and kept', () => {
    expect(searchKeyId).not.toBe('');
    expect(resourcesOf(template, 'AWS::KMS::Key')[searchKeyId]?.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(cluster).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { StorageEncrypted: true, KmsKeyId: getAttArn(searchKeyId), BackupRetentionPeriod: 7, DeletionProtection: true, EnableIAMDatabaseAuthentication: true },
    });
    for (const instance of Object.values(template.findResources('AWS::RDS::DBInstance'))) expect(instance).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  test('exports its PostgreSQL log to a group encrypted with the app key and kept a year', () => {
    expect(cluster.Properties['EnableCloudwatchLogsExports']).toEqual(['postgresql']);
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup')).filter((g) => g.Properties['LogGroupName'] === '/aws/rds/cluster/ciss-workflows-dev-search/postgresql');
    expect(cluster.Properties['DBClusterIdentifier']).toBe('ciss-workflows-dev-search');
    expect(groups.map((g) => g.Properties)).toEqual([expect.objectContaining({ KmsKeyId: passedToSearchDb(getAttArn(appKeyId(main))), RetentionInDays: 365 })]);
  });

  test('lives in isolated subnets only: no NAT, no internet gateway, no rule in its security group, flow logs on', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    const subnets = Object.values(resourcesOf(template, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.Properties['MapPublicIpOnLaunch']).toBe(false);
    const routes = Object.values(resourcesOf(template, 'AWS::EC2::Route'));
    expect(routes).toEqual([]);
    const [groupId] = (cluster.Properties['VpcSecurityGroupIds'] as { 'Fn::GetAtt': [string] }[]).map((g) => g['Fn::GetAtt'][0]);
    const group = resourcesOf(template, 'AWS::EC2::SecurityGroup')[groupId ?? '']?.Properties;
    expect(group?.['SecurityGroupIngress']).toBeUndefined();
    // CDK's way of saying "no egress": one rule to an address that cannot exist.
    expect(group?.['SecurityGroupEgress']).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test.each([
    ['the admin', 'search_admin'],
    ['the query user', SEARCH_DB_USERS.query],
    ['the ingest user', SEARCH_DB_USERS.ingest],
    ['the purge user', SEARCH_DB_USERS.purge],
  ])("keeps %s's generated password in its own secret, encrypted with the database's key", (_, username) => {
    expect(secrets[secretIdOf(username)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KmsKeyId: getAttArn(searchKeyId), GenerateSecretString: expect.objectContaining({ GenerateStringKey: 'password' }) },
    });
  });

  test('applies the schema, the users and their grants at deploy through a custom resource that changes with the schema', () => {
    const [migration, ...others] = Object.values(template.findResources('Custom::SearchSchema')) as { Properties: Record<string, unknown>; DependsOn?: string[] }[];
    expect(others).toEqual([]);
    // Any change to schema.sql changes this property, so CloudFormation updates the resource and the function runs again.
    expect(migration?.Properties).toMatchObject({
      ClusterArn: clusterArn,
      AdminSecretArn: ref(adminAttachmentId),
      Database: SEARCH_DB_NAME,
      Statements: searchSchemaStatements(),
      Users: [
        { Name: SEARCH_DB_USERS.query, SecretArn: ref(userSecretIds.query) },
        { Name: SEARCH_DB_USERS.ingest, SecretArn: ref(userSecretIds.ingest) },
        { Name: SEARCH_DB_USERS.purge, SecretArn: ref(userSecretIds.purge) },
      ],
      SchemaHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(migration?.Properties['Grants']).toEqual(searchDbGrantStatements(SEARCH_DB_NAME, searchSchemaStatements()));
    expect(migration?.Properties['Grants']).toContain(`GRANT CONNECT, TEMPORARY ON DATABASE ${SEARCH_DB_NAME} TO search_query, search_ingest, search_purge`);
    // Runs once the writer exists (Data API statements run there); the secrets it reads are referenced above.
    const writerId = onlyLogicalId(template, 'AWS::RDS::DBInstance');
    expect(migration?.DependsOn).toEqual(expect.arrayContaining([writerId, clusterId]));
    // The users' passwords never enter the template, not even as dynamic references: the function reads them.
    const text = JSON.stringify(template.toJSON());
    for (const id of Object.values(userSecretIds)) expect(text).not.toContain(`resolve:secretsmanager:",{"Ref":"${id}"`);
    expect(text).toContain(`resolve:secretsmanager:",{"Ref":"${adminSecretId}"`);
  });

  test("rotates the four users' passwords every 90 days with its own function, which may rotate those secrets only", () => {
    const fnId = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([, f]) => String(f.Properties['Description']).startsWith("Rotates the passwords of CISS Search's"))?.[0] ?? '';
    const schedules = Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')).filter(
      (r) => JSON.stringify(r.Properties['RotationLambdaARN']) === JSON.stringify(getAttArn(fnId)),
    );
    expect(schedules.map((r) => r.Properties['SecretId'])).toEqual([ref(adminAttachmentId), ref(userSecretIds.query), ref(userSecretIds.ingest), ref(userSecretIds.purge)]);
    for (const schedule of schedules) expect(schedule.Properties['RotationRules']).toEqual({ ScheduleExpression: 'rate(90 days)' });
    const roleId = (resourcesOf(template, 'AWS::Lambda::Function')[fnId]?.Properties['Role'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = roleStatements(template, roleId);
    const rotating = statements.filter((s) => actionsOf(s).includes('secretsmanager:PutSecretValue')).map((s) => s.Resource);
    expect(rotating).toEqual([ref(adminAttachmentId), ref(userSecretIds.query), ref(userSecretIds.ingest), ref(userSecretIds.purge)]);
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('rds-data:')))).toEqual([expect.objectContaining({ Action: 'rds-data:ExecuteStatement', Resource: clusterArn })]);
  });

  test('lets the migration run statements and read the four secrets, and nothing more on the database', () => {
    const fnId = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([, f]) => String(f.Properties['Description']).startsWith("Applies CISS Search's schema"))?.[0] ?? '';
    const roleId = (resourcesOf(template, 'AWS::Lambda::Function')[fnId]?.Properties['Role'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = roleStatements(template, roleId);
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('rds-data:')))).toEqual([expect.objectContaining({ Action: 'rds-data:ExecuteStatement', Resource: clusterArn })]);
    const read = statements.filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue')).map((s) => s.Resource);
    expect(read).toEqual(expect.arrayContaining([ref(adminAttachmentId), ref(userSecretIds.query), ref(userSecretIds.ingest), ref(userSecretIds.purge)]));
    expect(read).toHaveLength(4);
  });

  test('is its own nested stack, which gives the main template the cluster, the users\' secrets and the key, never the admin secret', () => {
    expect(onlyLogicalId(main, 'AWS::CloudFormation::Stack')).toMatch(/^StatefulSearchDbStack/);
    main.resourceCountIs('AWS::RDS::DBCluster', 0);
    const outputs = Object.values((template.toJSON()['Outputs'] ?? {}) as Record<string, { Value: unknown }>).map((o) => o.Value);
    expect(outputs).toEqual(expect.arrayContaining([ref(clusterId), ref(userSecretIds.query), ref(userSecretIds.ingest), ref(userSecretIds.purge), getAttArn(searchKeyId)]));
    expect(exportedFromSearchDb(ref(adminAttachmentId))).toBeUndefined();
    expect(exportedFromSearchDb(ref(adminSecretId))).toBeUndefined();
  });
});

describe('the search functions', () => {
  const searchFunctions = functionNames.filter((name) => accessOf(name) !== undefined);

  test('are the manifest functions with a searchDb permission (the four search routes at least)', () => {
    expect(searchFunctions).toEqual(expect.arrayContaining(['search-query', 'search-record', 'search-sources', 'search-log']));
  });

  test.each(searchFunctions)("%s may use the Data API on the cluster, with its access's secret only", (name) => {
    const access = accessOf(name) ?? 'query';
    const statements = roleStatements(main, functionRoleId(main, name));

    const dataApi = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('rds-data:')));
    expect(dataApi).toEqual([expect.objectContaining({ Effect: 'Allow', Action: [...DATA_API_ACTIONS], Resource: mainClusterArn })]);
    const secretsRead = statements.filter((s) => searchSecretRefs.includes(JSON.stringify(s.Resource))).map((s) => s.Resource);
    expect(secretsRead).toEqual([mainUserSecretRefs[access]]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Resource: mainSearchKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      }),
    );
  });

  test('no other function may use the Data API or read a search secret', () => {
    const others = functionNames.filter((name) => accessOf(name) === undefined);
    for (const name of others) {
      const statements = roleStatements(main, functionRoleId(main, name));
      expect({ name, dataApi: statements.filter((s) => actionsOf(s).some((a) => a.startsWith('rds-data:'))) }).toEqual({ name, dataApi: [] });
      expect({ name, secrets: statements.filter((s) => searchSecretRefs.includes(JSON.stringify(s.Resource))) }).toEqual({ name, secrets: [] });
    }
  });
});

describe("CISS Search's pushing sources on the bus", () => {
  const roles = Object.entries(resourcesOf(main, 'AWS::IAM::Role')).filter(([, r]) => String(r.Properties['RoleName']).startsWith('ciss-workflows-dev-search-source-'));
  const busId = onlyLogicalId(main, 'AWS::Events::EventBus');
  const busArn = getAttArn(busId);
  const roleIdOf = (sourceId: string) => roles.find(([, r]) => r.Properties['RoleName'] === `ciss-workflows-dev-search-source-${sourceId}`)?.[0] ?? '';

  test('each has its own role, whose one permission is PutEvents of its own ciss.search.<id> on the bus', () => {
    expect(roles.map(([, r]) => r.Properties['RoleName']).sort()).toEqual(PUSHING_SOURCES.map((s) => `ciss-workflows-dev-search-source-${s.id}`).sort());
    for (const source of PUSHING_SOURCES) {
      const roleId = roleIdOf(source.id);
      const attached = (resourcesOf(main, 'AWS::IAM::Role')[roleId]?.Properties['ManagedPolicyArns'] ?? []) as unknown[];
      const policies = Object.entries(resourcesOf(main, 'AWS::IAM::ManagedPolicy')).filter(([id]) => attached.some((arn) => JSON.stringify(arn) === JSON.stringify(ref(id)))).map(([, p]) => p);
      expect(policies).toHaveLength(attached.length);
      const statements = policies.flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
      expect(statements).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn, Condition: { StringEquals: { 'events:source': `ciss.search.${source.id}` } } }]);
      expect(roleStatements(main, roleId)).toEqual([]);
    }
  });

  test("the bus denies a source's ciss.search.<id> events to every principal but that source's role", () => {
    const policies = Object.values(resourcesOf(main, 'AWS::Events::EventBusPolicy')).map((p) => p.Properties as { EventBusName: unknown; Statement: Record<string, unknown> });
    for (const source of PUSHING_SOURCES) {
      const deny = policies.filter((p) => JSON.stringify(p.Statement['Condition']).includes(`"ciss.search.${source.id}"`));
      expect(deny).toEqual([
        {
          EventBusName: ref(busId),
          StatementId: expect.stringMatching(/^cdk-OnlySource/),
          Statement: expect.objectContaining({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'events:PutEvents',
            Resource: busArn,
            Condition: { StringEquals: { 'events:source': `ciss.search.${source.id}` }, ArnNotEquals: { 'aws:PrincipalArn': getAttArn(roleIdOf(source.id)) } },
          }),
        },
      ]);
    }
  });
});

describe("CISS Search's drop for batch sources (S3)", () => {
  const buckets = resourcesOf(main, 'AWS::S3::Bucket');
  const dropId = Object.entries(buckets).find(([, b]) => JSON.stringify(b.Properties['NotificationConfiguration'] ?? {}).includes('EventBridgeConfiguration'))?.[0] ?? '';
  const drop = buckets[dropId]?.Properties ?? {};
  const dropArn = getAttArn(dropId);
  const keyId = String((JSON.stringify(drop['BucketEncryption']).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/) ?? [])[1]);
  const managedStatements = (roleId: string): Statement[] => {
    const attached = (resourcesOf(main, 'AWS::IAM::Role')[roleId]?.Properties['ManagedPolicyArns'] ?? []) as unknown[];
    return Object.entries(resourcesOf(main, 'AWS::IAM::ManagedPolicy'))
      .filter(([id]) => attached.some((arn) => JSON.stringify(arn) === JSON.stringify(ref(id))))
      .flatMap(([, p]) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
  };
  const s3Region = { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] };

  test('is private, owner-enforced, versioned, encrypted with its own rotating key, logged, and keeps files 14 days', () => {
    expect(dropId).not.toBe('');
    expect(resourcesOf(main, 'AWS::KMS::Key')[keyId]?.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(keyId).not.toBe(appKeyId(main));
    expect(drop).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAttArn(keyId) }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: DROPPED_FILE_DAYS, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) }, LogFilePrefix: 'search-drop/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    expect(DROPPED_FILE_DAYS).toBe(14);
    const policy = Object.values(resourcesOf(main, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties['Bucket']) === JSON.stringify(ref(dropId)));
    const denies = ((policy?.Properties['PolicyDocument'] as { Statement: Statement[] } | undefined)?.Statement ?? []).filter((st) => st.Effect === 'Deny');
    expect(denies.map((d) => d.Condition)).toEqual(expect.arrayContaining([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]));
  });

  test('each batch source has its own role, which may put files under its own <source id>/ only', () => {
    const roles = Object.entries(resourcesOf(main, 'AWS::IAM::Role')).filter(([, r]) => String(r.Properties['RoleName']).startsWith('ciss-workflows-dev-search-drop-'));
    expect(roles.map(([, r]) => r.Properties['RoleName']).sort()).toEqual(BATCH_SOURCES.map((s) => `ciss-workflows-dev-search-drop-${s.id}`).sort());
    expect(BATCH_SOURCES.map((s) => s.id).sort()).toEqual(['despp-cch', 'despp-weapons', 'dmv-licences', 'dmv-registrations']);
    for (const source of BATCH_SOURCES) {
      const [roleId] = roles.find(([, r]) => r.Properties['RoleName'] === `ciss-workflows-dev-search-drop-${source.id}`)!;
      const statements = managedStatements(roleId);
      const s3Statements = statements.filter((st) => [st.Action].flat().some((a) => String(a).startsWith('s3:')));
      expect(s3Statements).toEqual([{ Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [dropArn, `/${source.id}/*`]] } }]);
      expect(statements.filter((st) => !s3Statements.includes(st))).toEqual([
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: getAttArn(keyId), Condition: { StringEquals: { 'kms:ViaService': s3Region } } },
      ]);
      expect(roleStatements(main, roleId)).toEqual([]);
    }
  });

  test("S3's Object Created events of the drop bucket, on the default bus, go to search-drop, which may read the drop and decrypt with its key", () => {
    const rules = Object.values(resourcesOf(main, 'AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties['EventPattern'] ?? {}).includes('aws.s3'));
    expect(rules.map((r) => ({ bus: r.Properties['EventBusName'], pattern: r.Properties['EventPattern'] }))).toEqual([
      { bus: undefined, pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [ref(dropId)] } } } },
    ]);
    expect(rules[0]?.Properties['Targets']).toEqual([expect.objectContaining({ Arn: getAttArn(functionLogicalId(main, 'search-drop')) })]);
    const statements = roleStatements(main, functionRoleId(main, 'search-drop'));
    expect(statements).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [dropArn, '/*']] } },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: getAttArn(keyId), Condition: { StringEquals: { 'kms:ViaService': s3Region } } },
      ]),
    );
    const readers = functionNames.filter((name) => roleStatements(main, functionRoleId(main, name)).some((st) => JSON.stringify(st.Resource).includes(JSON.stringify(dropArn))));
    expect(readers).toEqual(['search-drop']);
  });
});
