import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { API_SCOPE, MACHINE_ROLES, ORI_PATTERN } from '../../functions/auth/claims';
import { EXAM_PROVIDER_ROLE } from '../../functions/shared/roles';
import { ROLES, manifest, type FunctionName } from '../manifest';
import { LOG_RETENTION } from './function';
import { acknowledge } from './nag';
import { baseRules, fromEdge, logWaf, perSourceRules, wafVisibility } from './waf';

export interface ApiProps {
  /** Deployment stage; names the API, its stage and the user pool. */
  readonly stage: string;
  /** Every manifest function; routes pick theirs by name. */
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  /** Encrypts the access-log group. */
  readonly logKey: kms.IKey;
  /**
   * Steady-state requests per second across the API.
   * @default 50
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst above the steady rate.
   * @default 100
   */
  readonly throttleBurstLimit?: number;
  /**
   * Requests one client IP may make in any 5 minutes before WAF blocks it.
   * @default 1000
   */
  readonly requestsPerIpPer5Minutes?: number;
  /**
   * The agencies' records management systems, as machine clients: name → ORI. Each gets an app
   * client with a secret and the client-credentials grant, allowed the API, the agency-rms role
   * and its one agency as scopes (`ciss/ori.<ORI>`). Agencies provisioned at run time
   * (`POST /agencies/{ori}/rms-client`) need no scope here: the registry maps their client to
   * their ORI and the pre-token trigger reads it (a resource server holds at most 100 scopes).
   * @default {}
   */
  readonly rmsClients?: Readonly<Record<string, string>>;
  /** @default `ciss-workflows-<stage>` */
  readonly authDomainPrefix?: string;
  /**
   * The API's own name (SC-8, SC-13): served with the TLS 1.2-only security policy, and the
   * default `execute-api` endpoint is switched off, because its TLS policy cannot be chosen.
   * Without one, the default endpoint answers (TLS 1.2 by default, but 1.0 and 1.1 are not
   * refused): fine for a development stage, not for production.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/**
 * Request bodies over this size are blocked by WAF, which cannot see further into a body of a
 * regional API (16 KB), except on LARGE_BODY_PATHS.
 */
/**
 * The functions the user pool itself invokes (its triggers). They stay in the main template:
 * the pool references them and their permission references the pool, so in a nested stack
 * they would make a cycle (pool → nested stack → pool). See `StatelessResources.areaStacks`.
 */
export const USER_POOL_TRIGGERS: readonly FunctionName[] = ['auth-pre-token'];

export const WAF_BODY_INSPECTION_BYTES = 16 * 1024;

/**
 * Arrest-packet submissions (up to 256 KB): the handler refuses a larger one with a 413 that
 * names the limit, and API Gateway caps every payload at 10 MB. The stage name may prefix the
 * path WAF sees.
 */
export const LARGE_BODY_PATHS = '^(/[A-Za-z0-9_-]+)?/arrests(/[^/]+/versions)?/?$';

const F = apigw.AccessLogField;
/**
 * API Gateway's standard access-log fields, plus why a request was refused before any handler ran
 * (`$context.error.*`: for the Cognito authorizer "Unauthorized" or "The incoming token has
 * expired") and the user agent (AU-3). The local gateway writes the same fields for refused tokens.
 */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: F.contextRequestId(),
    ip: F.contextIdentitySourceIp(),
    userAgent: F.contextIdentityUserAgent(),
    caller: F.contextIdentityCaller(),
    user: F.contextIdentityUser(),
    requestTime: F.contextRequestTime(),
    httpMethod: F.contextHttpMethod(),
    resourcePath: F.contextResourcePath(),
    status: F.contextStatus(),
    protocol: F.contextProtocol(),
    responseLength: F.contextResponseLength(),
    errorMessage: F.contextErrorMessage(),
    errorResponseType: F.contextErrorResponseType(),
  }),
);

/**
 * The REST API of the manifest's routes. `token` routes are authenticated by Cognito and name
 * the `ciss/api` scope, so they take access tokens only: people's, after sign-in, and agency
 * RMS machine clients', by the OAuth client-credentials grant. The pre-token trigger
 * (functions/auth/pre-token.ts) puts the scope, the agency (`custom:ori`), a clerk's courts (`custom:courts`) and the e-mail in
 * them, and audits the logon. Which role may call a route is enforced by the handler (403),
 * from `cognito:groups` (people) or the client's role scope (machines). `signed-link` routes are the pages e-mailed approval links open: the recipient
 * has no token, so API Gateway lets the request through (`NONE`) and the handler accepts it
 * only with a valid, unexpired, unused HMAC signature over the link.
 */
export class Api extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** The resource server whose scopes the API's methods name. */
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** One app client per agency RMS (client credentials), by name. */
  readonly rmsClients: Readonly<Record<string, cognito.UserPoolClient>>;
  /** The CISS Search training provider's app client (client credentials; the exam-provider role, no agency). */
  readonly examProviderClient: cognito.UserPoolClient;
  readonly restApi: apigw.RestApi;
  /**
   * `https://<id>.execute-api.<region>.<suffix>/<stage>`, no trailing slash: the same URL as
   * `restApi.url` but made of the API id and the stage *name*, so functions behind the API can
   * have it in their environment without a cycle (function → deployment → method → function).
   */
  readonly baseUrl: string;
  readonly accessLogs: logs.LogGroup;
  /** The value CloudFront sends in `EDGE_HEADER` with what it forwards from the portal (waf.ts). */
  readonly edgeKey: secretsmanager.Secret;
  readonly webAcl: wafv2.CfnWebACL;
  readonly wafLogs: logs.LogGroup;
  /**
   * The pool's hosted sign-in (`https://<prefix>.auth.<region>.amazoncognito.com`, no trailing
   * slash), built from the domain prefix and the region rather than read from the domain
   * resource: the portal's CSP names it, and the portal's distribution must not depend on the
   * user pool (pool → pre-token function → PORTAL_URL → distribution).
   */
  readonly authBaseUrl: string;
  /**
   * The host name a CloudFront origin reaches the API on: the custom domain when there is one
   * (the default endpoint is then off), else `<restApiId>.execute-api.<region>.<suffix>`. Made of
   * the RestApi id only, never the deployment or stage, so a distribution in front of the API
   * does not depend on the functions behind it.
   */
  readonly originDomainName: string;
  private readonly prefix: string;
  private readonly apiScope: cognito.ResourceServerScope;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const prefix = `ciss-workflows-${props.stage}`;
    this.prefix = prefix;

    // Who may call: people in the user pool, and agency RMS machine clients.
    this.userPool = this.createUserPool(prefix);
    this.userPoolClient = this.addPeopleClient();
    // Tokens: the pre-token trigger (V3_0: people and machine clients alike) shapes every
    // access token and audits the logon.
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, props.functions['auth-pre-token'], cognito.LambdaVersion.V3_0);
    const rms = rmsClientsOf(props);
    const scopes = apiScopes(rms);
    this.apiScope = scopes.api;
    this.resourceServer = this.addResourceServer(prefix, scopes);
    const domainPrefix = props.authDomainPrefix ?? prefix;
    this.addTokenDomain(domainPrefix);
    this.authBaseUrl = `https://${domainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`;
    this.rmsClients = this.addMachineClients(prefix, rms, scopes);
    this.examProviderClient = this.addExamProviderClient(prefix, scopes);

    // The REST API: its stage with access logs, throttling and tracing, the firewall in front,
    // its public URL, and one method per manifest route.
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      authorizerName: `${prefix}-cognito`,
    });
    this.restApi = this.createRestApi(prefix, props);
    const validator = this.addParameterValidator();
    // The key CloudFront sends with what it forwards from the portal (waf.ts EDGE_HEADER).
    this.edgeKey = new secretsmanager.Secret(this, 'EdgeKey', {
      description: `${prefix}: the header value CloudFront adds to what the portal forwards to the API (its web ACL limits those per viewer at the edge)`,
      encryptionKey: props.logKey,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const rotation = 'CloudFormation reads this value into the portal distribution\'s origin header and the API web ACL\'s rules at deploy time; a rotation Lambda would change it under both. It is rotated by replacing the secret in a deploy, which updates both together.';
    acknowledge(this.edgeKey, 'AwsSolutions-SMG4', rotation);
    acknowledge(this.edgeKey, 'NIST.800.53.R5-SecretsManagerRotationEnabled', rotation);
    [this.webAcl, this.wafLogs] = this.firewall(prefix, props);
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.restApi.deploymentStage.stageArn, webAclArn: this.webAcl.attrArn });
    this.baseUrl = this.publicBaseUrl(props);
    this.originDomainName =
      props.customDomain?.domainName ?? Fn.join('', [this.restApi.restApiId, '.execute-api.', Stack.of(this).region, '.', Stack.of(this).urlSuffix]);
    this.addRoutes(props.functions, authorizer, validator);
  }

  /**
   * The CISS portal's app client: a public client (a browser keeps no secret) with the
   * authorization-code grant only, for PKCE (S256). Cognito checks the `code_verifier` at the
   * token endpoint whenever the authorize request carried a `code_challenge`; it does not refuse
   * an authorize request without one, so PKCE is the portal's to send (it always does; the local
   * issuer refuses a request without it). Exact callback and sign-out URL, revocable refresh
   * tokens (sign-out revokes), the sessions of the people client. MFA is the pool's, for every
   * client: required, TOTP.
   */
  addPortalClient(portalUrl: string): cognito.UserPoolClient {
    const client = this.userPool.addClient('PortalClient', {
      userPoolClientName: `${this.prefix}-portal`,
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.resourceServer(this.resourceServer, this.apiScope)],
        callbackUrls: [portalUrl],
        logoutUrls: [portalUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('ori', 'courts'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });
    // Sign-in happens on the hosted pages only; the one API flow left is refresh (Cognito's
    // default list, SRP and custom auth, applies when none is named).
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return client;
  }

  /** The user pool of named agency staff, with one group per role. */
  private createUserPool(prefix: string): cognito.UserPool {
    const userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: prefix,
      // Accounts are issued to named agency staff, never self-created.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // ORI is 9 characters; courts a court clerk's GA courts ("GA23,GA7"). Both mutable so an
      // administrator can move a user, but no app client may write them.
      customAttributes: {
        ori: new cognito.StringAttribute({ minLen: 9, maxLen: 9, mutable: true }),
        courts: new cognito.StringAttribute({ minLen: 1, maxLen: 256, mutable: true }),
      },
      // CJIS v6.0 IA-2(1)/(2): multi-factor for every account. Decided before the first deploy,
      // because Cognito cannot make MFA required on an existing pool.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
        passwordHistorySize: 10,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      userPool,
      'AwsSolutions-COG8',
      'Threat protection needs the Cognito Plus plan (a per-user charge) and is an operator decision; MFA is required and lockout and password rules are enforced.',
    );
    for (const role of ROLES) {
      userPool.addGroup(`Group-${role}`, { groupName: role, description: `ciss-workflows role ${role}` });
    }
    return userPool;
  }

  /** The app client people sign in with (SRP, in the agencies' apps). */
  private addPeopleClient(): cognito.UserPoolClient {
    const standardRead: cognito.StandardAttributesMask = { email: true, emailVerified: true };
    return this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      // People sign in by SRP in the agencies' apps, never through the pool's hosted pages: with
      // the domain the RMS clients need, open OAuth flows would hand tokens to a callback URL.
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes(standardRead).withCustomAttributes('ori', 'courts'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });
  }

  /** The resource server whose scopes the API's methods and the machine clients name. */
  private addResourceServer(prefix: string, scopes: ApiScopes): cognito.UserPoolResourceServer {
    return this.userPool.addResourceServer('ResourceServer', {
      identifier: API_SCOPE.split('/')[0] ?? 'ciss',
      userPoolResourceServerName: `${prefix}-api`,
      scopes: [scopes.api, ...scopes.roles, ...scopes.ori.values()],
    });
  }

  /**
   * The token endpoint of client credentials lives on the pool's domain
   * (`https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`); prefixes are unique per
   * region across accounts, so a taken one is set with `-c authDomainPrefix=…`.
   */
  private addTokenDomain(domainPrefix: string): void {
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix } });
  }

  /** One app client per agency RMS: the client-credentials grant, the API, the agency-rms role and its one agency as scopes. */
  private addMachineClients(prefix: string, rms: readonly (readonly [string, string])[], scopes: ApiScopes): Record<string, cognito.UserPoolClient> {
    // The agency-rms role only: other machine roles (exam-provider) are other clients'.
    const role = roleScope(scopes, 'agency-rms');
    return Object.fromEntries(rms.map(([name, ori]) => [name, this.addMachineClient(`Rms-${name}`, `${prefix}-rms-${name}`, [scopes.api, role, scopes.ori.get(ori) ?? scopes.api])]));
  }

  /**
   * The CISS Search training provider's app client (issue 17): it reports exam results
   * (`POST /search-certifications/{id}/exam-results`). The client-credentials grant, the API and
   * the exam-provider role as scopes, and no agency scope: the provider acts for none
   * (functions/auth/claims.ts gives a client with this role no ORI).
   */
  private addExamProviderClient(prefix: string, scopes: ApiScopes): cognito.UserPoolClient {
    return this.addMachineClient('ExamProvider', `${prefix}-exam-provider`, [scopes.api, roleScope(scopes, EXAM_PROVIDER_ROLE)]);
  }

  /**
   * A machine's app client: a secret, the client-credentials grant and the given scopes of the
   * API's resource server, one-hour access tokens. It signs in by its secret only: no user sign-in
   * flow (Cognito's default list, SRP and custom auth, applies when none is named), and refresh
   * is its only other flow.
   */
  private addMachineClient(id: string, clientName: string, allowed: readonly cognito.ResourceServerScope[]): cognito.UserPoolClient {
    const client = this.userPool.addClient(id, {
      userPoolClientName: clientName,
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes: allowed.map((scope) => cognito.OAuthScope.resourceServer(this.resourceServer, scope)) },
      accessTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return client;
  }

  /**
   * The REST API and its stage: access logs, execution logs for errors only, tracing, metrics,
   * throttling, no cache; the Cognito authorizer's 401 with its challenge.
   */
  private createRestApi(prefix: string, props: ApiProps): apigw.RestApi {
    const restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: prefix,
      description: 'ciss-workflows API for agencies, approvers and operations',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      // Stage logging needs the account-level role; kept on stack deletion because other APIs
      // in the account share it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      // No defaultMethodOptions: every route states its authorization below.
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies are criminal-justice data: never in logs.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.throttleRateLimit ?? 50,
        throttlingBurstLimit: props.throttleBurstLimit ?? 100,
        // Every caller is a person or RMS acting on its own criminal-justice records: a shared
        // response cache could serve one caller's data to another.
        cachingEnabled: false,
      },
    });
    // The Cognito authorizer's 401 tells "expired" from every other refusal and no more (it does
    // not say missing or malformed); RFC 6750's challenge goes with it, as locally.
    restApi.addGatewayResponse('Unauthorized', {
      type: apigw.ResponseType.UNAUTHORIZED,
      statusCode: '401',
      responseHeaders: { 'WWW-Authenticate': `'Bearer realm="ciss-workflows"'` },
      templates: { 'application/json': '{"message":$context.error.messageString}' },
    });
    const stage = restApi.deploymentStage;
    acknowledge(
      stage,
      'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
      "Responses are per-caller criminal-justice data and are never cached, so there is no cache to encrypt.",
    );
    acknowledge(
      stage,
      'NIST.800.53.R5-APIGWSSLEnabled',
      'Every integration is a Lambda proxy, reached over the AWS API; a client certificate applies to HTTP back-ends only.',
    );
    acknowledge(
      restApi,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'The account-level role API Gateway logging requires; AWS maintains the policy, which allows log delivery only.',
    );
    return restApi;
  }

  /** Parameters declared on a method are checked by API Gateway; bodies by each handler. */
  private addParameterValidator(): apigw.RequestValidator {
    const validator = this.restApi.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: false });
    acknowledge(
      this.restApi,
      'AwsSolutions-APIG2',
      'Bodies are validated by each handler against its schema, answering 400 with every problem named (the same code runs locally); API Gateway models would duplicate the schemas with a generic error.',
    );
    return validator;
  }

  /**
   * The API's public base URL: on its own domain (TLS 1.2 only) when it has one, else on the
   * default endpoint, made of the API id and the stage name (see `baseUrl`).
   */
  private publicBaseUrl(props: ApiProps): string {
    if (props.customDomain) {
      const domain = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      domain.addBasePathMapping(this.restApi, { stage: this.restApi.deploymentStage, basePath: props.stage });
      return `https://${props.customDomain.domainName}/${props.stage}`;
    }
    const stack = Stack.of(this);
    return Fn.join('', ['https://', this.restApi.restApiId, '.execute-api.', stack.region, '.', stack.urlSuffix, '/', props.stage]);
  }

  /**
   * One method per manifest route. One integration, hence one Lambda permission scoped to method
   * and path, per route; a function may serve several routes.
   */
  private addRoutes(functions: ApiProps['functions'], authorizer: apigw.IAuthorizer, validator: apigw.IRequestValidator): void {
    for (const route of manifest.routes) {
      const auth: apigw.MethodOptions =
        route.auth === 'token'
          ? { authorizer, authorizationType: apigw.AuthorizationType.COGNITO, authorizationScopes: [API_SCOPE] }
          : // Deliberately unauthenticated at the gateway: the handler checks the link's signature
            // (signed-link) or the temporary password (credentials: first-time login).
            { authorizationType: apigw.AuthorizationType.NONE };
      const method = this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigw.LambdaIntegration(functions[route.function], { proxy: true, allowTestInvoke: false }), {
          ...auth,
          requestValidator: validator,
        });
      if (route.auth !== 'token') {
        const reason =
          route.auth === 'signed-link'
            ? 'Opened from an e-mailed approval link by someone without an account; the handler accepts only a valid, unexpired, unused HMAC signature.'
            : 'First-time login: the caller has no token yet and proves itself with the temporary password, under lockout.';
        acknowledge(method, 'AwsSolutions-APIG4', reason);
        acknowledge(method, 'AwsSolutions-COG4', reason);
      }
    }
  }

  /**
   * The WAF in front of the stage (SC-5, SC-7, SI-10): AWS managed rules for common exploits,
   * known-bad inputs and IP reputation, a per-IP rate limit, and a body-size limit. Logs go to
   * an encrypted group with the credentials redacted.
   */
  private firewall(prefix: string, props: ApiProps): [wafv2.CfnWebACL, logs.LogGroup] {
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: prefix,
      description: `${prefix}: managed rules, per-IP rate limit and body-size limit`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility(`${prefix}-waf`),
      rules: [
        ...baseRules(props.requestsPerIpPer5Minutes, fromEdge(this.edgeKey.secretValue.unsafeUnwrap())),
        {
          name: 'BodyTooLarge',
          priority: 4,
          action: { block: {} },
          statement: {
            andStatement: {
              statements: [
                {
                  sizeConstraintStatement: {
                    // WAF sees the first 16 KB of a body; a longer one counts as a match.
                    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                    comparisonOperator: 'GT',
                    size: WAF_BODY_INSPECTION_BYTES,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
                {
                  notStatement: {
                    statement: {
                      regexMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        regexString: LARGE_BODY_PATHS,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  },
                },
              ],
            },
          },
          visibilityConfig: wafVisibility('BodyTooLarge'),
        },
        ...perSourceRules(fromEdge(this.edgeKey.secretValue.unsafeUnwrap())),
      ],
    });

    const wafLogs = logWaf(this, webAcl, prefix, props.logKey);
    return [webAcl, wafLogs];
  }
}

/** The scopes of the API's resource server: the API itself, each machine role, and each RMS client's agency. */
interface ApiScopes {
  readonly api: cognito.ResourceServerScope;
  readonly roles: readonly cognito.ResourceServerScope[];
  readonly ori: ReadonlyMap<string, cognito.ResourceServerScope>;
}

/** The scope of one machine role (every machine role has one: apiScopes). */
function roleScope(scopes: ApiScopes, role: (typeof MACHINE_ROLES)[number]): cognito.ResourceServerScope {
  const found = scopes.roles.find((s) => s.scopeName === role);
  if (!found) throw new Error(`No scope for the machine role ${role}`);
  return found;
}

/** The `rmsClients` prop as name → ORI pairs; an ORI that is not one is refused, naming the client. */
function rmsClientsOf(props: ApiProps): (readonly [string, string])[] {
  const rms = Object.entries(props.rmsClients ?? {});
  for (const [name, ori] of rms) {
    if (!ORI_PATTERN.test(ori)) throw new Error(`rmsClients.${name}: "${ori}" is not an ORI (2 letters and 7 letters or digits)`);
  }
  return rms;
}

function apiScopes(rms: readonly (readonly [string, string])[]): ApiScopes {
  return {
    api: new cognito.ResourceServerScope({ scopeName: API_SCOPE.split('/')[1] ?? 'api', scopeDescription: 'Call the ciss-workflows API' }),
    roles: MACHINE_ROLES.map((role) => new cognito.ResourceServerScope({ scopeName: role, scopeDescription: `Act as ${role} (machine clients)` })),
    ori: new Map([...new Set(rms.map(([, ori]) => ori))].map((ori) => [ori, new cognito.ResourceServerScope({ scopeName: `ori.${ori}`, scopeDescription: `Act for agency ${ori}` })])),
  };
}
