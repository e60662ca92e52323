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
