import * as path from 'node:path';
import { App, CfnOutput, Stack, type Environment, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { StatefulResources } from './aws/stateful';
import { StatelessResources } from './aws/stateless';
import { Monitoring } from './aws/monitoring';
import { addNagChecks } from './aws/nag';
import { entriesOf } from './aws/refs';
import { writePortalBundle, type PortalDomain, type PortalFiles } from './aws/portal';

/** The repository root: where the manifest's `entry` and `file` paths start. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export const DEFAULT_STAGE = 'dev';

export interface CissWorkflowsStackProps extends StackProps {
  /**
   * Deployment stage, part of every fixed resource name.
   * @default DEFAULT_STAGE ('dev')
   */
  readonly stage?: string;
  /**
   * Directory the manifest's paths are relative to.
   * @default PROJECT_ROOT
   */
  readonly projectRoot?: string;
  /**
   * Agency RMS machine clients (OAuth client credentials), name → ORI; `cdk synth -c
   * rmsClients='{"new-haven-pd":"CT0000100"}'`.
   * @default {}
   */
  readonly rmsClients?: Readonly<Record<string, string>>;
  /**
   * The API's custom domain with the TLS 1.2-only policy (`-c apiDomainName=api.ciss.ct.gov -c
   * apiCertificateArn=arn:…`); the default execute-api endpoint is then disabled.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * The built portal, written to a directory (`writePortalBundle(await buildPortal())`, as
   * `infra/app.ts` does). Required, so that no stack deploys without the real bundle.
   */
  readonly portalBundleDir: string;
  /**
   * The portal on its own name (`-c portalDomainName=portal.ciss.ct.gov -c
   * portalCertificateArn=arn:…`, a certificate in us-east-1), with TLS 1.2 (2021) at least.
   * @default the distribution's `*.cloudfront.net` name
   */
  readonly portalDomain?: PortalDomain;
  /**
   * An existing web ACL of scope CLOUDFRONT, made in us-east-1 (`-c portalWebAclArn=arn:…`): needed
   * to deploy the stack outside us-east-1.
   * @default the stack makes one, and then deploys in us-east-1 only
   */
  readonly portalWebAclArn?: string;
}

/** The whole AWS back-end, built from `infra/manifest.ts`. */
export class CissWorkflowsStack extends Stack {
  readonly stateful: StatefulResources;
  readonly stateless: StatelessResources;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CissWorkflowsStackProps) {
    super(scope, id, props);
    const stage = props.stage ?? DEFAULT_STAGE;
    // Stage ends up in bus, machine, pool and log-group names; keep it valid for all of them.
    if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`Stage "${stage}" must be lower-case letters, digits and dashes (max 16)`);

    this.stateful = new StatefulResources(this, 'Stateful', { stage, projectRoot: props.projectRoot ?? PROJECT_ROOT });
    this.stateless = new StatelessResources(this, 'Stateless', {
      stage,
      stateful: this.stateful,
      projectRoot: props.projectRoot ?? PROJECT_ROOT,
      rmsClients: props.rmsClients,
      customDomain: props.customDomain,
      portal: { bundleDir: props.portalBundleDir, domain: props.portalDomain, webAclArn: props.portalWebAclArn },
    });

    this.monitoring = new Monitoring(this, 'Monitoring', { stage, stateful: this.stateful, stateless: this.stateless });

    new CfnOutput(this, 'OnCallTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'ApiUrl', { value: this.stateless.api.restApi.url });
    new CfnOutput(this, 'PortalUrl', { value: this.stateless.portal.url, description: 'The CISS portal (sign in with a user of the pool; TOTP required)' });
    new CfnOutput(this, 'PortalClientId', { value: this.stateless.portal.client.userPoolClientId });
    new CfnOutput(this, 'UserPoolId', { value: this.stateless.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.stateless.api.userPoolClient.userPoolClientId });
    for (const [name, client] of Object.entries(this.stateless.api.rmsClients)) {
      new CfnOutput(this, `RmsClientId${outputId(name)}`, { value: client.userPoolClientId, description: `App client of the ${name} RMS (its secret: aws cognito-idp describe-user-pool-client)` });
    }
    new CfnOutput(this, 'ExamProviderClientId', {
      value: this.stateless.api.examProviderClient.userPoolClientId,
      description: 'App client of the CISS Search training provider, which reports exam results (its secret: aws cognito-idp describe-user-pool-client)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.stateful.bus.eventBusName });
    for (const [name, table] of entriesOf(this.stateful.tables)) {
      new CfnOutput(this, `TableName${outputId(name)}`, { value: table.tableName });
    }
    for (const [name, machine] of entriesOf(this.stateless.machines)) {
      new CfnOutput(this, `MachineArn${outputId(name)}`, { value: machine.stateMachineArn });
    }
  }
}

/** Output logical ids are alphanumeric; manifest names are kebab-case. */
function outputId(name: string): string {
  return name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __: string, c: string) => c.toUpperCase());
}

export const stackName = (stage: string): string => `CissWorkflows-${stage}`;

export interface SynthesizeOptions {
  /** @default DEFAULT_STAGE */
  readonly stage?: string;
  /**
   * Run esbuild for every function; off for tests, where the assets do not matter and
   * bundling is most of the time.
   * @default false
   */
  readonly bundle?: boolean;
  /**
   * Directory the manifest's paths are relative to.
   * @default PROJECT_ROOT
   */
  readonly projectRoot?: string;
  /**
   * Account and region, to synthesize for a given partition (AWS GovCloud (US) among them).
   * @default environment-agnostic, as `cdk synth`
   */
  readonly env?: Environment;
  /**
   * Register the cdk-nag packs as validation plugins, as `infra/app.ts` does, so that
   * `app.synth()` fails on an unacknowledged finding. Off by default: the packs add about a
   * second, and the nag test runs them on the construct tree directly (`nagFindings`).
   * @default false
   */
  readonly nag?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation on each synthesis, as `cdk synth` (infra/app.ts)
   * does. Off for tests: its rule engine (WebAssembly) took ~15 s to load on a test file's first
   * synthesis and ~1.5 s each synthesis after; it only warns, no test reads its warnings, and the
   * tests check the templates with cfn-lint (test/infra/cfn-lint.suite.ts, `npm run lint:cfn`).
   * @default false
   */
  readonly cfnValidation?: boolean;
  /** @default {} */
  readonly rmsClients?: Readonly<Record<string, string>>;
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * The built portal (`await buildPortal()`).
   * @default PLACEHOLDER_PORTAL: one index.html; the infra tests read the template, not the bundle
   */
  readonly portalBundle?: PortalFiles;
  readonly portalDomain?: PortalDomain;
  readonly portalWebAclArn?: string;
}

/**
 * A stand-in bundle for synthesizing in tests, as Lambda bundling is skipped there:
 * `infra/app.ts` always deploys the bundle `buildPortal()` makes.
 */
export const PLACEHOLDER_PORTAL: PortalFiles = {
  files: { 'index.html': '<!doctype html><html lang="en"><title>CISS portal</title><p>Synthesized without the portal bundle.</p></html>\n' },
};

/** Synthesizes the stack in memory, for tests (the parity test among them). */
export function synthesizeTemplate(options: SynthesizeOptions = {}): Template {
  return Template.fromStack(synthesizeStack(options));
}

/** The stack itself, when a test needs construct-level access as well as the template. */
export function synthesizeStack(options: SynthesizeOptions = {}): CissWorkflowsStack {
  const stage = options.stage ?? DEFAULT_STAGE;
  const app = new App({ context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: options.cfnValidation ?? false });
  if (options.nag) addNagChecks(app);
  return new CissWorkflowsStack(app, stackName(stage), {
    stage,
    projectRoot: options.projectRoot,
    env: options.env,
    rmsClients: options.rmsClients,
    customDomain: options.customDomain,
    portalBundleDir: writePortalBundle(options.portalBundle ?? PLACEHOLDER_PORTAL),
    portalDomain: options.portalDomain,
    portalWebAclArn: options.portalWebAclArn,
  });
}
