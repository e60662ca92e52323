import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES, manifest, type FunctionName } from '../manifest';
import { LOG_RETENTION } from './function';

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
}

/**
 * The REST API of the manifest's routes. `token` routes are authenticated by Cognito, which
 * carries the caller's roles (`cognito:groups`) and agency (`custom:ori`) in the ID token;
 * which role may call a route is enforced by the handler, because a Cognito authorizer checks
 * no groups. `signed-link` routes are the pages e-mailed approval links open: the recipient
 * has no token, so API Gateway lets the request through (`NONE`) and the handler accepts it
 * only with a valid, unexpired, unused HMAC signature over the link.
 */
export class Api extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly restApi: apigw.RestApi;
  /**
   * `https://<id>.execute-api.<region>.<suffix>/<stage>`, no trailing slash: the same URL as
   * `restApi.url` but made of the API id and the stage *name*, so functions behind the API can
   * have it in their environment without a cycle (function → deployment → method → function).
   */
  readonly baseUrl: string;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const prefix = `ciss-workflows-${props.stage}`;

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: prefix,
      // Accounts are issued to named agency staff, never self-created.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // ORI is 9 characters; mutable so an administrator can move a user, but no app client may write it.
      customAttributes: { ori: new cognito.StringAttribute({ minLen: 9, maxLen: 9, mutable: true }) },
      mfa: cognito.Mfa.OPTIONAL,
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
    for (const role of ROLES) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: `ciss-workflows role ${role}` });
    }
    const standardRead: cognito.StandardAttributesMask = { email: true, emailVerified: true };
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes(standardRead).withCustomAttributes('ori'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      authorizerName: `${prefix}-cognito`,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: prefix,
      description: 'ciss-workflows API for agencies, approvers and operations',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Stage logging needs the account-level role; kept on stack deletion because other APIs
      // in the account share it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      // No defaultMethodOptions: every route states its authorization below.
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies are criminal-justice data: never in logs.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.throttleRateLimit ?? 50,
        throttlingBurstLimit: props.throttleBurstLimit ?? 100,
      },
    });

    const stack = Stack.of(this);
    this.baseUrl = Fn.join('', ['https://', this.restApi.restApiId, '.execute-api.', stack.region, '.', stack.urlSuffix, '/', props.stage]);

    // One integration, hence one Lambda permission scoped to method and path, per route; a
    // function may serve several routes.
    for (const route of manifest.routes) {
      const auth: apigw.MethodOptions =
        route.auth === 'token'
          ? { authorizer, authorizationType: apigw.AuthorizationType.COGNITO }
          : // Deliberately unauthenticated at the gateway: the handler checks the link's signature
            // (signed-link) or the temporary password (credentials: first-time login).
            { authorizationType: apigw.AuthorizationType.NONE };
      this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigw.LambdaIntegration(props.functions[route.function], { proxy: true, allowTestInvoke: false }), auth);
    }
  }
}
