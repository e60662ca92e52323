import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Source } from '../../functions/search/domain/sources';
import { SEARCH_PUSHING_SOURCES } from '../manifest/search';

/** Where a source's pushed changes come from on the bus: `ciss.search.<source id>` (functions/search/ingest.ts). */
export const sourceEventName = (sourceId: string): string => `ciss.search.${sourceId}`;

/** The sources that push their changes as events (the manifest's, whose rule takes their events). */
export const PUSHING_SOURCES: readonly Source[] = SEARCH_PUSHING_SOURCES;

export interface SearchSourceAccessProps {
  /** Deployment stage: names the roles (`ciss-workflows-<stage>-search-source-<id>`). */
  readonly stage: string;
  /** The application's bus, where sources put `SearchRecordsChanged`. */
  readonly bus: events.EventBus;
  /**
   * Who may take on a source's role, by source id: the source agency's own principal once it is
   * on board (a role in its account, say). Until then the account itself, whose administrators
   * grant `sts:AssumeRole` on the role to whom they choose.
   * @default new iam.AccountRootPrincipal() for every source
   */
  readonly principals?: Readonly<Record<string, iam.IPrincipal>>;
}

/**
 * Each pushing source's own principal, and the bus policy that makes it the only one: a source may
 * put only its own `ciss.search.<id>` events, and nobody else may put them.
 * - Each source has a role whose one permission is `events:PutEvents` on the bus with the
 *   condition `events:source` = its own `ciss.search.<id>`.
 * - The bus's resource policy denies `events:PutEvents` of `ciss.search.<id>` to every principal
 *   but that source's role (`aws:PrincipalArn`), so no function role or person of the account,
 *   whatever IAM gives them, can speak for a source.
 * Locally the edge applies the same rule by the request's access key (infra/local/search/names.ts
 * `mayPutEventSource`).
 */
export class SearchSourceAccess extends Construct {
  /** Each pushing source's role, by source id. */
  readonly roles: Readonly<Record<string, iam.Role>>;

  constructor(scope: Construct, id: string, props: SearchSourceAccessProps) {
    super(scope, id);
    const roles: Record<string, iam.Role> = {};
    for (const source of PUSHING_SOURCES) {
      const eventSource = sourceEventName(source.id);
      const role = new iam.Role(this, `Role-${source.id}`, {
        roleName: `ciss-workflows-${props.stage}-search-source-${source.id}`,
        description: `${source.name} (${source.agency}) pushes its changes to CISS Search: ${eventSource} events on the bus, nothing else`,
        assumedBy: props.principals?.[source.id] ?? new iam.AccountRootPrincipal(),
      });
      // A managed policy (not inline): one statement, its own resource, readable on its own.
      role.addManagedPolicy(
        new iam.ManagedPolicy(this, `Policy-${source.id}`, {
          description: `Put ${eventSource} events on the CISS bus, and no other source's`,
          statements: [
            new iam.PolicyStatement({
              actions: ['events:PutEvents'],
              resources: [props.bus.eventBusArn],
              conditions: { StringEquals: { 'events:source': eventSource } },
            }),
          ],
        }),
      );
      props.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `OnlySource${source.id.replace(/[^A-Za-z0-9]/g, '')}`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': eventSource }, ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
        }),
      );
      roles[source.id] = role;
    }
    this.roles = roles;
  }
}
