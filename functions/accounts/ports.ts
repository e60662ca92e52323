import type { AuditEvent, AuditSource } from '#shared/audit';
import type { Email } from '#shared/adapters/mailer';
import type { Caller } from '#shared/http';
import type { AccountStore } from './adapters/store';

/**
 * What the accounts use cases need from the world, as arguments: the entries pass the DynamoDB,
 * SES and Cognito adapters; the unit tests pass fakes.
 */
export type Store = Pick<AccountStore, 'get' | 'idleSince' | 'ofAgency' | 'activeAgencies' | 'markNotice' | 'disable' | 'remove' | 'askEnablement' | 'enable' | 'review' | 'openReview' | 'updateReview' | 'reviewsDue' | 'reviews'>;

/**
 * Where an account ends outside the table: Cognito in AWS (AdminDisableUser, AdminUserGlobalSignOut:
 * refresh tokens revoked; AdminEnableUser when a disabled account is enabled again). In the embedded runtime nothing more is needed: the local issuer's
 * pre-token trigger reads the account record at every sign-in and refresh, and refuses an ended one.
 */
export interface Directory {
  disable(email: string): Promise<void>;
  /** AdminEnableUser: a DISABLED account may sign in again. */
  enable(email: string): Promise<void>;
  signOut(email: string): Promise<void>;
}

/** The roles a lifecycle granted a person (CISS Search's `search`): suspended at a removal, group and all. */
export type RevokeGrants = (email: string, at: string, reason: string) => Promise<readonly string[]>;

/** Open human tasks assigned to a person's e-mail, handed to another (the administrator who asked for the removal). */
export type ReassignTasks = (from: { accountId: string; email: string; ori?: string; roles: readonly string[] }, to: string, actor: string) => Promise<readonly string[]>;

export type RecordAudit = (event: AuditEvent) => Promise<void>;
export type Clock = () => string;
export type Send = (email: Email) => Promise<unknown>;

export interface Acting {
  readonly caller: Caller;
  readonly source: AuditSource;
}
