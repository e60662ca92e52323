import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { API_SCOPE } from '../../functions/auth/claims';
import { manifest, type FunctionName } from '#infra/manifest';
import { PORTAL_SCOPES, portalCsp } from '../../portal/config';
import { PLACEHOLDER_PORTAL, synthesizeStack } from '#infra/stack';
import { CLOUDFRONT_BEHAVIOURS_QUOTA, PORTAL_REQUEST_FUNCTION, apiPathPatterns, deployedPortalCsp, writePortalBundle } from '#infra/aws/portal';
import { EDGE_HEADER } from '#infra/aws/waf';
import { devTemplate, functionLogicalId, onlyLogicalId, ref, resourcesOf, type CfnResource } from './template';

/** A CloudFormation value as text: `Fn::Join`s concatenated, `Ref`s and `GetAtt`s as `${…}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v['Ref'] === 'string') return `\${${v['Ref']}}`;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`;
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(text).join(join[0]);
  return JSON.stringify(value);
}

/** Whether a CloudFront path pattern (`*` any characters, `?` one) matches a path. */
function matches(pattern: string, path: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(path);
}

interface Behavior {
  readonly PathPattern?: string;
  readonly TargetOriginId: string;
  readonly AllowedMethods: string[];
  readonly CachePolicyId: string;
  readonly OriginRequestPolicyId?: string;
  readonly ResponseHeadersPolicyId?: unknown;
  readonly ViewerProtocolPolicy: string;
  readonly FunctionAssociations?: unknown[];
}
interface Origin {
  readonly Id: string;
  readonly DomainName: unknown;
  readonly OriginPath?: string;
  readonly OriginAccessControlId?: unknown;
  readonly S3OriginConfig?: { OriginAccessIdentity?: string };
  readonly CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
}
interface DistributionConfig {
  readonly DefaultCacheBehavior: Behavior;
  readonly CacheBehaviors: Behavior[];
  readonly Origins: Origin[];
  readonly WebACLId?: unknown;
  readonly Logging?: { Bucket: unknown; Prefix: string };
  readonly ViewerCertificate?: Record<string, unknown>;
  readonly Aliases?: string[];
}

function distributionOf(template: Template): { id: string; config: DistributionConfig } {
  const id = onlyLogicalId(template, 'AWS::CloudFront::Distribution');
  return { id, config: resourcesOf(template, 'AWS::CloudFront::Distribution')[id]?.Properties['DistributionConfig'] as DistributionConfig };
}

/** The behaviour CloudFront picks for a path: the first whose pattern matches, else the default. */
function behaviorFor(config: DistributionConfig, path: string): Behavior {
  return config.CacheBehaviors.find((b) => matches(b.PathPattern ?? '', path)) ?? config.DefaultCacheBehavior;
}

function portalClient(template: Template): CfnResource | undefined {
  return Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient')).find((c) => String(c.Properties['ClientName']).endsWith('-portal'));
}

describe('the CISS portal in AWS (issue 15)', () => {
  const template = devTemplate();
  const { id: distributionId, config } = distributionOf(template);
  const apiOrigin = config.Origins.find((o) => o.CustomOriginConfig !== undefined);
  const bucketOrigin = config.Origins.find((o) => o.S3OriginConfig !== undefined);
  const bucketId = Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([, b]) => (b.Properties['LoggingConfiguration'] as { LogFilePrefix?: string } | undefined)?.LogFilePrefix === 'portal-bucket/')?.[0] ?? '';
  const portalUrl = `https://\${${distributionId}.DomainName}/portal/`;

  describe('the bucket', () => {
    test('is private: all public access blocked, no website, TLS only, encrypted', () => {
      const bucket = resourcesOf(template, 'AWS::S3::Bucket')[bucketId]?.Properties;
      expect(bucket?.['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket?.['WebsiteConfiguration']).toBeUndefined();
      expect(bucket?.['BucketEncryption']).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(bucket?.['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    });

    test('lets only this distribution read it, through origin access control', () => {
      const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties['Bucket']) === JSON.stringify(ref(bucketId)));
      const statements = (policy?.Properties['PolicyDocument'] as { Statement: { Effect: string; Principal: unknown; Action: unknown; Condition?: Record<string, Record<string, unknown>> }[] }).Statement;
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
      expect(text(allows[0]?.Condition?.['StringEquals']?.['AWS:SourceArn'])).toBe(`arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`);
      expect(statements.filter((s) => s.Effect === 'Deny').map((s) => s.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
      expect(bucketOrigin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [onlyLogicalId(template, 'AWS::CloudFront::OriginAccessControl'), 'Id'] });
      expect(bucketOrigin?.S3OriginConfig?.OriginAccessIdentity ?? '').toBe('');
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    });

    test('logs its access, and the distribution its requests, to the log bucket', () => {
      const logging = resourcesOf(template, 'AWS::S3::Bucket')[bucketId]?.Properties['LoggingConfiguration'] as { DestinationBucketName: { Ref: string } };
      const logBucketId = logging.DestinationBucketName.Ref;
      expect(config.Logging).toMatchObject({ Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
      expect(resourcesOf(template, 'AWS::S3::Bucket')[logBucketId]?.Properties['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    });
  });

  describe('the response headers of the portal', () => {
    const policies = resourcesOf(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const policyId = onlyLogicalId(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = (policies[policyId]?.Properties['ResponseHeadersPolicyConfig'] as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;

    test('carry the strict CSP: own files only, the API and Cognito to call, no framing, no base, forms to itself', () => {
      expect(text(headers['ContentSecurityPolicy']?.['ContentSecurityPolicy'])).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://ciss-workflows-dev.auth.${AWS::Region}.amazoncognito.com; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(headers['ContentSecurityPolicy']?.['Override']).toBe(true);
    });

    test('carry the CSP the local gateway sends, but for the user pool’s domain', () => {
      expect(deployedPortalCsp('https://pool.auth.us-east-1.amazoncognito.com')).toBe(portalCsp('https://pool.auth.us-east-1.amazoncognito.com'));
    });

    test('carry HSTS, nosniff, no referrer and DENY framing', () => {
      expect(headers['StrictTransportSecurity']).toEqual({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
      expect(headers['ContentTypeOptions']).toEqual({ Override: true });
      expect(headers['ReferrerPolicy']).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
      expect(headers['FrameOptions']).toEqual({ FrameOption: 'DENY', Override: true });
    });

    test('apply to every page of the portal, served from the bucket over HTTPS only', () => {
      for (const path of ['/', '/portal/', '/portal/index.html', '/portal/portal.js', '/portal/config.json']) {
        const behavior = behaviorFor(config, path);
        expect({ path, origin: behavior.TargetOriginId, headers: behavior.ResponseHeadersPolicyId, viewer: behavior.ViewerProtocolPolicy }).toEqual({
          path,
          origin: bucketOrigin?.Id,
          headers: ref(policyId),
          viewer: 'https-only',
        });
      }
    });
  });

  describe('the API behind the same origin', () => {
    test('reaches the RestApi by its id (not its deployment) and stage, over TLS 1.2', () => {
      expect(text(apiOrigin?.DomainName)).toBe(`\${${onlyLogicalId(template, 'AWS::ApiGateway::RestApi')}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`);
      expect(apiOrigin?.OriginPath).toBe('/dev');
      expect(apiOrigin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    });

    test.each(manifest.routes.map((r) => [r.method, r.path] as const))('forwards %s %s to API Gateway, uncached, with every header but Host (Authorization among them)', (method, path) => {
      const concrete = path.replace(/\{[^}]+\}/g, 'ID-1');
      for (const requested of [concrete, `${concrete}/`]) {
        const behavior = behaviorFor(config, requested);
        expect(behavior.TargetOriginId).toBe(apiOrigin?.Id);
        expect(behavior.AllowedMethods).toContain(method);
        expect(behavior.CachePolicyId).toBe(cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId);
        expect(behavior.OriginRequestPolicyId).toBe(cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
        expect(behavior.ViewerProtocolPolicy).toBe('https-only');
      }
    });

    test("stays within CloudFront's default quota of cache behaviours", () => {
      expect(config.CacheBehaviors.length).toBeLessThanOrEqual(CLOUDFRONT_BEHAVIOURS_QUOTA);
    });

    test('derives the forwarded paths from the routes: a new route area is forwarded, the portal path and parameter-first paths are refused', () => {
      expect(apiPathPatterns([{ path: '/arrests/{packetId}' }, { path: '/arrests' }, { path: '/new-area/{id}/x' }])).toEqual(['/arrests*', '/new-area*']);
      // A segment that starts another covers it: one behaviour for both.
      expect(apiPathPatterns([{ path: '/search' }, { path: '/search-certifications/{id}' }, { path: '/search/records' }])).toEqual(['/search*']);
      expect(() => apiPathPatterns([{ path: '/portal/x' }])).toThrow(/portal/);
      expect(() => apiPathPatterns([{ path: '/{id}' }])).toThrow(/first path segment/);
    });
  });

  describe('the edge', () => {
    test('sends / and /portal to /portal/, and serves a directory its index.html', () => {
      type Request = { uri: string };
      const handler = new Function(`${PORTAL_REQUEST_FUNCTION}; return handler;`)() as (event: { request: Request }) => Request | { statusCode: number; headers: { location: { value: string } } };
      expect(handler({ request: { uri: '/' } })).toMatchObject({ statusCode: 302, headers: { location: { value: '/portal/' } } });
      expect(handler({ request: { uri: '/portal' } })).toMatchObject({ statusCode: 302, headers: { location: { value: '/portal/' } } });
      expect(handler({ request: { uri: '/portal/' } })).toEqual({ uri: '/portal/index.html' });
      expect(handler({ request: { uri: '/portal/portal.js' } })).toEqual({ uri: '/portal/portal.js' });
      for (const path of ['/', '/portal/']) expect(behaviorFor(config, path).FunctionAssociations).toHaveLength(1);
    });

    test('puts a CLOUDFRONT web ACL with a per-IP rate limit and the AWS common rules in front, made only in us-east-1', () => {
      const aclId = Object.entries(resourcesOf(template, 'AWS::WAFv2::WebACL')).find(([, a]) => a.Properties['Scope'] === 'CLOUDFRONT')?.[0] ?? '';
      const rules = resourcesOf(template, 'AWS::WAFv2::WebACL')[aclId]?.Properties['Rules'] as { Name: string; Statement: Record<string, unknown> }[];
      expect(rules.find((r) => r.Name === 'RatePerIp')?.Statement).toEqual({ RateBasedStatement: { AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 1000 } });
      expect(rules.map((r) => r.Name)).toEqual(expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']));
      // The API's per-source limits (first login) hold at the edge too, on the viewer's own address.
      const apiAcl = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL')).find((a) => a.Properties['Scope'] === 'REGIONAL');
      const perSource = (apiAcl?.Properties['Rules'] as { Name: string }[]).filter((r) => r.Name.startsWith('RatePerIp') && r.Name !== 'RatePerIp').map((r) => r.Name);
      expect(perSource.length).toBeGreaterThan(0);
      expect(rules.map((r) => r.Name)).toEqual(expect.arrayContaining(perSource));
      expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      const rule = Object.values(template.toJSON()['Rules'] as Record<string, { Assertions: { Assert: unknown }[] }>).find((r) => JSON.stringify(r).includes('us-east-1'));
      expect(rule?.Assertions[0]?.Assert).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    });
  });

  describe('the edge key: what comes through the portal is limited per viewer at the edge, not per CloudFront address at the API', () => {
    const secretId = Object.entries(resourcesOf(template, 'AWS::SecretsManager::Secret')).find(([, s]) => String(s.Properties['Description']).includes('CloudFront adds'))?.[0] ?? '';
    const keyRef = `{{resolve:secretsmanager:\${${secretId}}:SecretString:::}}`;
    const aclRules = (scope: string) => Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL')).find((a) => a.Properties['Scope'] === scope)?.Properties['Rules'] as { Name: string; Statement: { RateBasedStatement?: { ScopeDownStatement?: unknown } } }[];
    const exemptsEdge = (rule: { Statement: { RateBasedStatement?: { ScopeDownStatement?: unknown } } }) => {
      const scope = JSON.stringify(rule.Statement.RateBasedStatement?.ScopeDownStatement ?? {});
      return scope.includes('"NotStatement"') && scope.includes(`"Name":"${EDGE_HEADER}"`) && scope.includes(secretId);
    };

    test('CloudFront sends the key, a generated secret, to the API origin only', () => {
      expect(secretId).not.toBe('');
      const headers = (apiOrigin as unknown as { OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }).OriginCustomHeaders ?? [];
      expect(headers.map((h) => [h.HeaderName, text(h.HeaderValue)])).toEqual([[EDGE_HEADER, keyRef]]);
      expect(JSON.stringify(bucketOrigin)).not.toContain(EDGE_HEADER);
    });

    test("the API's per-IP and per-source limits leave requests with the key to the edge; the edge's own limits apply to every viewer", () => {
      const api = aclRules('REGIONAL').filter((r) => r.Name.startsWith('RatePerIp'));
      expect(api.length).toBeGreaterThan(1);
      for (const rule of api) expect(exemptsEdge(rule)).toBe(true);
      const edge = aclRules('CLOUDFRONT').filter((r) => r.Name.startsWith('RatePerIp'));
      expect(edge.map((r) => r.Name).sort()).toEqual(api.map((r) => r.Name).sort());
      for (const rule of edge) expect(JSON.stringify(rule)).not.toContain(EDGE_HEADER);
    });
  });

  describe("the portal's app client", () => {
    const client = portalClient(template)?.Properties;

    test('is public, with the authorization-code grant only, the exact portal URL to return to and to sign out to', () => {
      expect(client?.['GenerateSecret']).toBe(false);
      expect(client?.['AllowedOAuthFlows']).toEqual(['code']);
      expect(client?.['AllowedOAuthFlowsUserPoolClient']).toBe(true);
      expect((client?.['CallbackURLs'] as unknown[]).map(text)).toEqual([portalUrl]);
      expect((client?.['LogoutURLs'] as unknown[]).map(text)).toEqual([portalUrl]);
      expect(client?.['SupportedIdentityProviders']).toEqual(['COGNITO']);
      expect(client?.['ExplicitAuthFlows']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    });

    test('is the only client that signs people in through the hosted pages (the SRP client and machine clients have no callback)', () => {
      const withCallbacks = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient')).filter((c) => c.Properties['CallbackURLs'] !== undefined);
      expect(withCallbacks).toEqual([portalClient(template)]);
    });

    test('asks for openid, email and the API scope of the resource server', () => {
      const resourceServerId = onlyLogicalId(template, 'AWS::Cognito::UserPoolResourceServer');
      expect((client?.['AllowedOAuthScopes'] as unknown[]).map(text)).toEqual(['openid', 'email', `\${${resourceServerId}}/${API_SCOPE.split('/')[1]}`]);
      expect(resourcesOf(template, 'AWS::Cognito::UserPoolResourceServer')[resourceServerId]?.Properties['Identifier']).toBe(API_SCOPE.split('/')[0]);
    });

    test('revokes refresh tokens on sign-out; tokens for an hour, sessions for 12 hours; no user-existence errors', () => {
      expect(client).toMatchObject({
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 720,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    test('signs in to a pool that requires MFA by TOTP (no SMS) for everyone', () => {
      const pool = resourcesOf(template, 'AWS::Cognito::UserPool')[onlyLogicalId(template, 'AWS::Cognito::UserPool')]?.Properties;
      expect(pool?.['MfaConfiguration']).toBe('ON');
      expect(pool?.['EnabledMfas']).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(client?.['UserPoolId']).toEqual(ref(onlyLogicalId(template, 'AWS::Cognito::UserPool')));
    });
  });

  describe('the deployment', () => {
    test('puts the bundle and config.json (this client, this URL) under portal/, revalidated on every load so a deploy is seen at once', () => {
      const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment') as Record<string, CfnResource>)[0]?.Properties;
      expect(deployment).toMatchObject({ DestinationBucketKeyPrefix: 'portal/', SystemMetadata: { 'cache-control': 'no-cache' }, Prune: true });
      expect(deployment?.['DestinationBucketName']).toEqual(ref(bucketId));
      const markers = JSON.stringify(deployment?.['SourceMarkers']);
      expect(markers).toContain(JSON.stringify(ref(Object.entries(resourcesOf(template, 'AWS::Cognito::UserPoolClient')).find(([, c]) => c === portalClient(template))?.[0] ?? '')));
      expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [distributionId, 'DomainName'] }));
    });

    test("gives every function that links to the portal (PORTAL_URL) the distribution's portal URL", () => {
      const linking = (Object.keys(manifest.functions) as FunctionName[]).filter((name) => JSON.stringify(manifest.functions[name].env).includes('"portalUrl"'));
      expect(linking.length).toBeGreaterThan(0);
      for (const name of linking) {
        const env = (resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)]?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
        expect({ name, url: text(env['PORTAL_URL']) }).toEqual({ name, url: portalUrl });
      }
    });

    test("asks in config.json for exactly the scopes the portal's client is allowed", () => {
      expect([...PORTAL_SCOPES]).toEqual(['openid', 'email', API_SCOPE]);
    });

    test('prints the portal URL', () => {
      expect(text(template.toJSON()['Outputs']['PortalUrl']['Value'])).toBe(portalUrl);
    });

    test('writes a bundle once, to a directory named by its content, and refuses one without index.html or with a path out of it', () => {
      expect(writePortalBundle(PLACEHOLDER_PORTAL)).toBe(writePortalBundle({ files: { ...PLACEHOLDER_PORTAL.files } }));
      expect(writePortalBundle({ files: { 'index.html': 'a' } })).not.toBe(writePortalBundle({ files: { 'index.html': 'b' } }));
      expect(() => writePortalBundle({ files: { 'portal.js': '' } })).toThrow(/index\.html/);
      expect(() => writePortalBundle({ files: { 'index.html': '', '../x': '' } })).toThrow(/inside the bundle/);
    });
  });
});

describe('the portal on its own domain, behind a given web ACL (production)', () => {
  const webAclArn = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/ciss/abc';
  const template = Template.fromStack(
    synthesizeStack({
      stage: 'prod',
      portalDomain: { domainName: 'portal.ciss.ct.example', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' },
      portalWebAclArn: webAclArn,
    }),
  );
  const { config } = distributionOf(template);

  test('serves the domain with TLS 1.2 (2021) at least, by SNI', () => {
    expect(config.Aliases).toEqual(['portal.ciss.ct.example']);
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
  });

  test('returns to, and signs out to, exactly the domain’s portal path', () => {
    expect(portalClient(template)?.Properties['CallbackURLs']).toEqual(['https://portal.ciss.ct.example/portal/']);
    expect(portalClient(template)?.Properties['LogoutURLs']).toEqual(['https://portal.ciss.ct.example/portal/']);
  });

  test('uses the given web ACL, makes none, and may deploy in any region', () => {
    expect(config.WebACLId).toBe(webAclArn);
    expect(Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL')).filter((a) => a.Properties['Scope'] === 'CLOUDFRONT')).toEqual([]);
    expect(JSON.stringify(template.toJSON()['Rules'])).not.toContain('us-east-1');
  });
});
