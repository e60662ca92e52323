import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Annotations, Aws, CfnRule, DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct, type IConstruct } from 'constructs';
import { PORTAL_PATH, portalConfig, portalCsp, portalHome } from '../../portal/config';
import type { ManifestRoute } from '../manifest';
import type { Api } from './api';
import { baseRules, EDGE_HEADER, logWaf, perSourceRules, wafVisibility } from './waf';
import { LOG_RETENTION } from './function';
import { accessLogBucket } from './log-bucket';
import { acknowledge, nagSpelling } from './nag';

/** What `buildPortal()` (portal/build.ts) produces, or a stand-in: file name → content. */
export interface PortalFiles {
  readonly files: Readonly<Record<string, string | Uint8Array>>;
}

/** The portal's own domain: a certificate in us-east-1 (CloudFront's), served with TLS 1.2 (2021) at least. */
export interface PortalDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface PortalHostingProps {
  /** Deployment stage; names the firewall and its log group. */
  readonly stage: string;
  /** The API the distribution forwards to, and whose user pool gets the portal's client. */
  readonly api: Api;
  /** The manifest's routes: the first segment of each is forwarded to the API. */
  readonly routes: readonly ManifestRoute[];
  /** A directory holding the built portal (`writePortalBundle`); deployed under `portal/`. */
  readonly bundleDir: string;
  /** Encrypts the firewall's and the deployment function's log groups. */
  readonly logKey: kms.IKey;
  /**
   * The portal on its own name. Without one it is served on the distribution's
   * `*.cloudfront.net` name, whose certificate CloudFront fixes at TLS 1.0 and up.
   * @default the distribution's own name
   */
  readonly domain?: PortalDomain;
  /**
   * An existing web ACL of scope CLOUDFRONT (made in us-east-1). Without one the stack makes
   * its own, which CloudFront requires in us-east-1: a CloudFormation rule then refuses to
   * deploy the stack in any other region, with a message that names this setting.
   * @default a web ACL made by the stack (us-east-1 only)
   */
  readonly webAclArn?: string;
  /**
   * Requests one client IP may make in any 5 minutes, at the edge, before WAF blocks it.
   * @default 1000
   */
  readonly requestsPerIpPer5Minutes?: number;
}

/**
 * The CloudFront Function in front of the bucket: `/` and `/portal` go to `/portal/`, a
 * directory (`/portal/`) is served its `index.html`; every other request is left as it is.
 * cloudfront-js-2.0; exported so a test runs it.
 */
export const PORTAL_REQUEST_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/portal') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${PORTAL_PATH}' }, 'cache-control': { value: 'no-store' } } };
  }
  if (uri.endsWith('/')) request.uri = uri + 'index.html';
  return request;
}`;

/** Cache behaviours a distribution may have before its quota is raised (CloudFront's default). */
export const CLOUDFRONT_BEHAVIOURS_QUOTA = 25;

/**
 * The path patterns CloudFront forwards to the API: one per first segment of the routes,
 * `/<segment>*`, which covers the segment and everything under it (`/arrests`, `/arrests/…`) in
 * one cache behaviour; a segment another one starts (`/search` before `/search-certifications`)
 * covers both. What else such a pattern catches (`/arrestsX`) reaches the API, which answers it
 * as an unknown path. Derived from the manifest, so a new route area is forwarded with no change
 * here, and the behaviours stay within CloudFront's default quota as areas are added.
 */
export function apiPathPatterns(routes: readonly Pick<ManifestRoute, 'path'>[]): string[] {
  const segments = new Set<string>();
  for (const route of routes) {
    const segment = /^\/([^/{}]+)/.exec(route.path)?.[1];
    if (segment === undefined) throw new Error(`Route ${route.path}: its first path segment must be a fixed name to be forwarded by CloudFront`);
    if (`/${segment}/` === PORTAL_PATH) throw new Error(`Route ${route.path}: ${PORTAL_PATH} is the portal's; no API route may start with it`);
    segments.add(segment);
  }
  const sorted = [...segments].sort();
  return sorted.filter((segment) => !sorted.some((other) => other !== segment && segment.startsWith(other))).map((segment) => `/${segment}*`);
}

/** Stands in for the user pool's domain, which holds a deploy-time token (the region) that `portalCsp` cannot parse as a URL. */
const AUTH_STAND_IN = 'https://auth.stand-in.invalid';

/** The portal's CSP (`portalCsp` of portal/config.ts, as the local gateway sends it) for a deploy-time auth URL. */
export function deployedPortalCsp(authBaseUrl: string): string {
  return portalCsp(AUTH_STAND_IN).split(AUTH_STAND_IN).join(authBaseUrl);
}

/**
 * Writes a built portal to a directory named by its content (under the OS temp directory), for
 * `Source.asset`: the same bundle is written once and reused, and nothing is left per synthesis.
 */
export function writePortalBundle(bundle: PortalFiles): string {
  const names = Object.keys(bundle.files).sort();
  if (!names.includes('index.html')) throw new Error('The portal bundle has no index.html');
  const hash = createHash('sha256');
  for (const name of names) {
    if (name.includes('..') || path.isAbsolute(name)) throw new Error(`Portal file name "${name}" must stay inside the bundle`);
    hash.update(name).update('\0').update(bundle.files[name] ?? '').update('\0');
  }
  const dir = path.join(tmpdir(), `ciss-portal-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) return dir;
  // Written beside, then renamed: a concurrent synthesis never sees half a bundle.
  const staging = `${dir}.${process.pid}.tmp`;
  for (const name of names) {
    const file = path.join(staging, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bundle.files[name] ?? '');
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

/**
 * The CISS portal in AWS (issue 15): a private bucket behind CloudFront (origin access
 * control), a firewall, strict response headers, and the API's paths forwarded to API Gateway
 * so that the browser calls the API on the portal's own origin. Also the portal's Cognito app
 * client, and the deployment of the bundle with its `config.json`.
 *
 * Dependencies run one way: the distribution needs only the RestApi id (not its deployment or
 * stage) and the pool's domain *name* (not the pool), so functions may carry the portal's URL
 * (PORTAL_URL) and the user pool may call them.
 */
export class PortalHosting extends Construct {
  readonly bucket: s3.Bucket;
  /** Access logs of the bucket (`portal-bucket/`) and of the distribution (`cloudfront/`). */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  /** The web ACL the stack made, when it was not given one. */
  readonly webAcl?: wafv2.CfnWebACL;
  /** `https://<domain>`: the portal's origin, which the API's paths are forwarded on too. */
  readonly origin: string;
  /** `https://<domain>/portal/`: the portal's address, its sign-in callback and sign-out URL. */
  readonly url: string;
  readonly client: cognito.UserPoolClient;
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: PortalHostingProps) {
    super(scope, id);
    const prefix = `ciss-workflows-${props.stage}-portal`;
    // S3 server access logs are granted to the logging service by bucket policy, not by the
    // log-delivery ACL (AWS's recommendation; CDK's older default).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.logBucket = this.createLogBucket();
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'portal-bucket/',
    });
    acknowledge(
      this.bucket,
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      "The bucket holds only the portal's public code (HTML, JS, CSS, config.json without secrets), encrypted at rest by S3 (SSE-S3); with KMS, CloudFront would need the key's policy to name the distribution, which depends on this bucket, which would depend on the key: a cycle.",
    );
    acknowledge(this.bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', 'The bundle is rebuilt from the repository and redeployed by every deploy; a replica would hold nothing that cannot be rebuilt.');

    this.webAcl = props.webAclArn === undefined ? this.firewall(prefix, props) : undefined;
    this.responseHeaders = this.portalResponseHeaders(props.api.authBaseUrl);
    this.distribution = this.createDistribution(props, props.webAclArn ?? this.webAcl?.attrArn);

    this.origin = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.url = portalHome(this.origin);
    this.client = props.api.addPortalClient(this.url);
    this.deployment = this.deployBundle(props);
  }

  /** Server access logs of the bucket and CloudFront's standard logs, kept one year. */
  private createLogBucket(): s3.Bucket {
    // CloudFront's standard logs are written with an ACL grant to the log-delivery account.
    return accessLogBucket(this, 'Logs', { of: 'the portal (public code)', objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, removalPolicy: RemovalPolicy.RETAIN });
  }

  /**
   * The portal's response headers (SC-8, SI-10): the strict CSP, HSTS for two years with
   * subdomains, nosniff, no referrer, and no framing. They override whatever the origin sends.
   */
  private portalResponseHeaders(authBaseUrl: string): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'CISS portal: strict CSP, HSTS, nosniff, no referrer, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: deployedPortalCsp(authBaseUrl), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
      // As the local gateway sends it: the portal asks for no device.
      customHeadersBehavior: { customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true }] },
    });
  }

  private createDistribution(props: PortalHostingProps, webAclId: string | undefined): cloudfront.Distribution {
    const bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const rewrite = new cloudfront.Function(this, 'Rewrite', {
      comment: 'CISS portal: / and /portal to /portal/, and a directory to its index.html',
      code: cloudfront.FunctionCode.fromInline(PORTAL_REQUEST_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const portal: cloudfront.BehaviorOptions = {
      origin: bucketOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.responseHeaders,
      functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    // The API's own answers (JSON, and the approval-link pages with their own headers): nothing
    // cached (every answer is per caller), every header but Host forwarded (with CachingDisabled
    // that includes Authorization), AWS's security headers where the API set none.
    const apiOrigin = new origins.HttpOrigin(props.api.originDomainName, {
      originPath: `/${props.stage}`,
      // The API's web ACL leaves what carries this key to the edge ACL's per-viewer limits (waf.ts).
      customHeaders: { [EDGE_HEADER]: props.api.edgeKey.secretValue.unsafeUnwrap() },
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const api: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
    };
    const apiPatterns = apiPathPatterns(props.routes);
    if (apiPatterns.length + 1 > CLOUDFRONT_BEHAVIOURS_QUOTA) {
      Annotations.of(this).addWarningV2(
        'ciss:portal-behaviours',
        `The portal's distribution has ${apiPatterns.length + 1} cache behaviours (one per route area, and /portal/*); CloudFront allows ${CLOUDFRONT_BEHAVIOURS_QUOTA} unless the account's quota is raised.`,
      );
    }
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `CISS portal (${props.stage}) and its API`,
      defaultBehavior: portal,
      additionalBehaviors: {
        [`${PORTAL_PATH}*`]: portal,
        ...Object.fromEntries(apiPatterns.map((pattern) => [pattern, api])),
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe: the portal's users are in Connecticut.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      webAclId,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    if (!props.domain) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR4',
        'Without a portal domain (-c portalDomainName, -c portalCertificateArn) the distribution is served on its *.cloudfront.net name, whose default certificate CloudFront fixes at TLS 1.0 and up; with a domain the policy is TLSv1.2_2021. Production sets a domain.',
      );
    }
    acknowledge(
      distribution,
      'AwsSolutions-CFR1',
      'Access is decided by sign-in (Cognito, MFA required) and by agency and court in the API; CJIS users may sign in from anywhere their agency is, so no country is blocked.',
    );
    return distribution;
  }

  /**
   * The edge firewall (SC-5, SC-7, SI-10): a per-IP rate limit and AWS managed rules for common
   * exploits, known-bad inputs and IP reputation, logged with credentials redacted. Scope
   * CLOUDFRONT exists only in us-east-1: the rule below stops a deploy anywhere else.
   */
  private firewall(prefix: string, props: PortalHostingProps): wafv2.CfnWebACL {
    new CfnRule(this, 'WebAclRegion', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
          assertDescription:
            "The portal's web ACL (scope CLOUDFRONT) can only be created in us-east-1: deploy the stack there, or make the web ACL in us-east-1 and pass its ARN with -c portalWebAclArn=arn:…",
        },
      ],
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: prefix,
      description: `${prefix}: per-IP rate limit and AWS managed rules at the edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility(`${prefix}-waf`),
      // The API's per-source limits (first login, CJIS AC-7) on the viewer's own address.
      rules: [...baseRules(props.requestsPerIpPer5Minutes), ...perSourceRules()],
    });
    logWaf(this, webAcl, prefix, props.logKey);
    return webAcl;
  }

  /**
   * The bundle under `portal/`, and `config.json` beside it with what the app needs to sign in
   * (PortalConfig, portal/config.ts). Every file is `Cache-Control: no-cache`: the edge and the
   * browser revalidate (a 304 while unchanged), so a deploy is seen at once with no invalidation,
   * whose permission CDK grants on every distribution (`Resource: *`). The portal is a few small
   * files; caching them longer would save little.
   */
  private deployBundle(props: PortalHostingProps): s3deploy.BucketDeployment {
    const config = portalConfig(this.origin, { authBase: props.api.authBaseUrl, clientId: this.client.userPoolClientId });
    if (config.redirectUri !== this.url) throw new Error(`The portal's config.json would return to ${config.redirectUri}, not to its client's callback ${this.url}`);
    const logGroup = new logs.LogGroup(this, 'DeployLogs', { retention: LOG_RETENTION, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN });
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: PORTAL_PATH.slice(1),
      sources: [s3deploy.Source.asset(props.bundleDir), s3deploy.Source.jsonData('config.json', config)],
      cacheControl: [s3deploy.CacheControl.noCache()],
      logGroup,
      memoryLimit: 256,
    });
    acknowledgeDeploymentHandler(this, deployment, this.bucket);
    return deployment;
  }
}

/** The findings of CDK's bucket-deployment function (a singleton custom resource), and why they stand. */
function acknowledgeDeploymentHandler(scope: IConstruct, deployment: s3deploy.BucketDeployment, bucket: s3.IBucket): void {
  const stack = Stack.of(scope);
  const role = deployment.handlerRole;
  const assets = `arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
  const wildcards: Readonly<Record<string, string>> = {
    'Action::s3:GetObject*': "CDK's grant to read the staged bundle from the CDK asset bucket and the portal bucket it syncs to, nothing else.",
    'Action::s3:GetBucket*': "CDK's grant to read the staged bundle from the CDK asset bucket and the portal bucket it syncs to, nothing else.",
    'Action::s3:List*': 'The sync lists the portal bucket to remove files no longer in the bundle (prune).',
    'Action::s3:DeleteObject*': 'The sync removes files of an earlier bundle from the portal bucket (prune); scoped to that bucket.',
    'Action::s3:Abort*': 'Aborts its own multipart uploads into the portal bucket; scoped to that bucket.',
    [`Resource::${assets}`]: "The CDK asset bucket's objects: the staged bundle's key is known only at deploy time.",
    [`Resource::${nagSpelling(stack.resolve(bucket.bucketArn))}/*`]: 'Every object of the portal bucket: the bundle replaces what is there.',
  };
  for (const [finding, reason] of Object.entries(wildcards)) acknowledge(role, `AwsSolutions-IAM5[${finding}]`, reason);
  const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  for (const target of [...handlers, role]) {
    acknowledge(target, 'AwsSolutions-L1', 'CDK pins the bucket-deployment runtime to the one its bundled AWS CLI layer supports; it runs only during a deploy.');
    acknowledge(target, 'NIST.800.53.R5-LambdaInsideVPC', 'Runs only during a deploy, copying the built portal from the CDK asset bucket to the portal bucket over AWS endpoints; it accepts no connections.');
    acknowledge(target, 'NIST.800.53.R5-LambdaConcurrency', 'Invoked once per deploy by CloudFormation; reserved concurrency would only take from the account pool.');
    acknowledge(target, 'NIST.800.53.R5-LambdaDLQ', 'Invoked synchronously by CloudFormation as a custom resource; a failure fails the deploy, which is where it is seen.');
    acknowledge(target, 'NIST.800.53.R5-IAMNoInlinePolicy', "CDK's policy for this one deployment role (read the asset, write and invalidate the portal); a managed policy would only make it attachable elsewhere.");
    acknowledge(target, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'The AWS policy that lets the function write its own logs, nothing more.');
  }
}
