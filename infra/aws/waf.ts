import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { manifest, type ManifestRoute } from '../manifest';
import { LOG_RETENTION } from './function';

/**
 * What the API's web ACL (regional) and the portal's (at the edge) share: metrics and samples on
 * every rule, the per-IP rate limit and the AWS managed rule groups, the per-source limits of the
 * manifest's routes, and logs with the credentials redacted.
 */
export const wafVisibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/** The path regex WAF matches for a route (the stage name may prefix the path it sees). */
export function routePathPattern(path: string): string {
  return `^(/[A-Za-z0-9_-]+)?${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`;
}

/**
 * The header CloudFront adds to what it forwards to the API, with a secret value: the API's web
 * ACL leaves such requests to the edge ACL's per-viewer limits. Without it, every person behind
 * one CloudFront address would share that address's budget at the API, and anyone could spend a
 * shared address's first-login budget on purpose.
 */
export const EDGE_HEADER = 'x-ciss-edge-key';

/** A request that came through the portal's distribution (it carries the edge key). */
export function fromEdge(edgeKey: string): wafv2.CfnWebACL.StatementProperty {
  return { byteMatchStatement: { fieldToMatch: { singleHeader: { Name: EDGE_HEADER } }, positionalConstraint: 'EXACTLY', searchString: edgeKey, textTransformations: [{ priority: 0, type: 'NONE' }] } };
}

/** A rate-based rule's scope: `statements` all hold, and (at the API) the request did not come through the edge. */
function scopeOf(statements: readonly wafv2.CfnWebACL.StatementProperty[], exempt?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty | undefined {
  const all = [...statements, ...(exempt ? [{ notStatement: { statement: exempt } }] : [])];
  if (all.length === 0) return undefined;
  return all.length === 1 ? all[0] : { andStatement: { statements: all } };
}

/** An AWS managed rule group, with some of its rules only counted. */
function managed(priority: number, name: string, countOnly: readonly string[] = []): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } },
    visibilityConfig: wafVisibility(name),
  };
}

/**
 * Priorities 0–3: a per-IP rate limit (1000 in 5 minutes by default), then IP reputation, the
 * common rule set and known-bad inputs. The common set's own body limit (8 KB) would refuse
 * legitimate arrest packets: it only counts, and the API's ACL enforces the API's limits per path.
 */
export function baseRules(requestsPerIpPer5Minutes = 1000, exempt?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty[] {
  const scopeDownStatement = scopeOf([], exempt);
  return [
    {
      name: 'RatePerIp',
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: requestsPerIpPer5Minutes, evaluationWindowSec: 300, aggregateKeyType: 'IP', ...(scopeDownStatement ? { scopeDownStatement } : {}) } },
      visibilityConfig: wafVisibility('RatePerIp'),
    },
    managed(1, 'AWSManagedRulesAmazonIpReputationList'),
    managed(2, 'AWSManagedRulesCommonRuleSet', ['SizeRestrictions_BODY']),
    managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
  ];
}

/**
 * One rate-based rule per route with a per-source limit (the first-login route), answering 429:
 * in the portal's web ACL at the edge, where the source is the viewer's own address, and in the
 * API's for what does not come through the edge (`exempt`: what does is limited there).
 */
export function perSourceRules(exempt?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty[] {
  return (manifest.routes as readonly ManifestRoute[]).flatMap((route, i) => {
    const limit = route.perSourceLimit;
    if (!limit) return [];
    const name = `RatePerIp${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
    return [
      {
        name,
        priority: 10 + i,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: {
            limit: limit.requests,
            evaluationWindowSec: limit.windowSeconds,
            aggregateKeyType: 'IP',
            scopeDownStatement: scopeOf(
              [
                { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: route.method, textTransformations: [{ priority: 0, type: 'NONE' }] } },
                { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: routePathPattern(route.path), textTransformations: [{ priority: 0, type: 'NONE' }] } },
              ],
              exempt,
            ),
          },
        },
        visibilityConfig: wafVisibility(name),
      },
    ];
  });
}

/** The ACL's log group (WAF requires the `aws-waf-logs-` prefix), encrypted; tokens, cookies and link signatures (query strings) never reach it. */
export function logWaf(scope: Construct, webAcl: wafv2.CfnWebACL, prefix: string, logKey: kms.IKey): logs.LogGroup {
  const wafLogs = new logs.LogGroup(scope, 'WafLogs', { logGroupName: `aws-waf-logs-${prefix}`, retention: LOG_RETENTION, encryptionKey: logKey, removalPolicy: RemovalPolicy.RETAIN });
  new wafv2.CfnLoggingConfiguration(scope, 'WafLogging', {
    resourceArn: webAcl.attrArn,
    logDestinationConfigs: [Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }, { queryString: {} }],
  });
  return wafLogs;
}
