import { App } from 'aws-cdk-lib';
import { addNagChecks } from './aws/nag';
import { buildPortal } from '../portal/build';
import { writePortalBundle } from './aws/portal';
import { CissWorkflowsStack, DEFAULT_STAGE, stackName } from './stack';

// Environment-agnostic on purpose: `cdk synth` works offline, and the account and region come
// from the credentials at deploy time.
const app = new App();
const context: unknown = app.node.tryGetContext('stage');
const stage = typeof context === 'string' && context !== '' ? context : DEFAULT_STAGE;
// `-c rmsClients='{"new-haven-pd":"CT0000100"}'` (or cdk.json): the agencies' RMS machine clients.
const clients: unknown = app.node.tryGetContext('rmsClients');
const rmsClients = typeof clients === 'string' ? (JSON.parse(clients) as Record<string, string>) : ((clients ?? {}) as Record<string, string>);
// `-c apiDomainName=… -c apiCertificateArn=…`: the API on its own name, TLS 1.2 only (production).
const domainName: unknown = app.node.tryGetContext('apiDomainName');
const certificateArn: unknown = app.node.tryGetContext('apiCertificateArn');
const customDomain = typeof domainName === 'string' && typeof certificateArn === 'string' ? { domainName, certificateArn } : undefined;
// `-c portalDomainName=… -c portalCertificateArn=…` (a certificate in us-east-1): the portal on
// its own name; `-c portalWebAclArn=…`: a CLOUDFRONT web ACL, to deploy outside us-east-1.
const portalName: unknown = app.node.tryGetContext('portalDomainName');
const portalCertificateArn: unknown = app.node.tryGetContext('portalCertificateArn');
const portalDomain = typeof portalName === 'string' && typeof portalCertificateArn === 'string' ? { domainName: portalName, certificateArn: portalCertificateArn } : undefined;
const webAclArn: unknown = app.node.tryGetContext('portalWebAclArn');
new CissWorkflowsStack(app, stackName(stage), {
  stage,
  rmsClients,
  customDomain,
  // The portal as esbuild bundles it now, deployed under /portal/ of the distribution.
  portalBundleDir: writePortalBundle(await buildPortal()),
  portalDomain,
  portalWebAclArn: typeof webAclArn === 'string' && webAclArn !== '' ? webAclArn : undefined,
  description: `ciss-workflows (${stage}): CJIS workflow orchestration — CCHRS access requests and the CISS arrest workflow`,
});
// AWS Solutions and NIST 800-53 rev 5 (issue 6): synthesis stops on any finding that is not
// acknowledged, with its reason, next to the resource in infra/aws.
addNagChecks(app);
