/**
 * The local search database's ARNs: the cluster the local Data API answers for, and the secret of
 * each database user (`ref: 'searchDb'` and `ref: 'searchDbSecret'` resolve to them locally).
 * Tools that reach a running runtime through its edge (search:seed, the bench) name them from here.
 */
import type { SearchDbAccess } from '../../manifest';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../lambda';

/** The search database cluster's ARN locally, for a stage. */
export const localSearchDbArn = (stage: string): string => `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cluster:ciss-${stage}-search`;

/** The ARN of the secret of the search database's user for one access, locally, for a stage. */
export const localSearchDbSecretArn = (stage: string, access: SearchDbAccess): string => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:ciss-${stage}-search-${access}`;

/** What the edge knows of who calls: the access key id of the request's signature, if signed. */
export interface LocalCaller {
  readonly accessKeyId?: string;
}

const SOURCE_KEY_PREFIX = 'search-source-';
const SOURCE_EVENT_PREFIX = 'ciss.search.';

/**
 * The access key id a CISS Search source system signs its PutEvents with locally: its own
 * principal, as in AWS, where each pushing source has its own IAM role (infra/aws/search-sources.ts).
 */
export const localSourceAccessKeyId = (source: string): string => `${SOURCE_KEY_PREFIX}${source}`;

/**
 * Whether a caller may put an event with this `source` on the bus, as the bus policy decides in
 * AWS: `ciss.search.<id>` only from source <id>'s own principal, and a source's principal only
 * its own `ciss.search.<id>`. Everyone else may put any other source (IAM decides that part).
 */
export function mayPutEventSource(caller: LocalCaller, eventSource: string): boolean {
  const key = caller.accessKeyId ?? '';
  if (key.startsWith(SOURCE_KEY_PREFIX)) return eventSource === `${SOURCE_EVENT_PREFIX}${key.slice(SOURCE_KEY_PREFIX.length)}`;
  return !eventSource.startsWith(SOURCE_EVENT_PREFIX);
}
