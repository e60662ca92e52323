import type { AuditEvent, AuditSource } from '#shared/audit';
import type { Email } from '#shared/adapters/mailer';
import type { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';
import type { Role } from '#shared/roles';
import type { Task } from '../tasks/domain/task';
import type { Actor, DecideResult } from '../tasks/domain/use-cases';
import type { CertificationStore } from './adapters/store';
import type { AwarenessFacts } from './domain/awareness';
import type { RoleGrant } from './domain/grant';

/**
 * What the certification use cases need from the world, as arguments: the entries pass the
 * DynamoDB, Step Functions, SES and Cognito adapters; the unit tests pass fakes.
 */

export type Store = Pick<CertificationStore, 'get' | 'create' | 'transition' | 'timeline' | 'list' | 'openFor'>;

/**
 * Where a role given by a lifecycle is held: the main table's grant, and in AWS also the Cognito
 * group (adapters/grants.ts). Both calls are idempotent: a retried step grants or suspends once.
 */
export interface RoleGrants {
  grant(grant: RoleGrant): Promise<void>;
  /** Suspends the grant only while it is the one `certificationId` gave (a later certification's grant stays). */
  suspend(email: string, role: Role, certificationId: string, at: string, reason: string): Promise<void>;
}

/** The employee's CCHRS account and the request it rests on (the Security Awareness Training evidence). */
export type AwarenessLookup = (email: string) => Promise<AwarenessFacts>;

/** Starts the certification machine's execution called `name` (a repeated start is the same execution). */
export type StartWorkflow = (name: string, input: Readonly<Record<string, unknown>>) => Promise<void>;

export type RecordAudit = (event: AuditEvent) => Promise<void>;
export type Clock = () => string;
export type Send = (email: Email) => Promise<unknown>;
export type ListCursors = Pick<Cursors, 'open' | 'seal'>;

/** Who acts, and from where. */
export interface Acting {
  readonly caller: Caller;
  readonly source: AuditSource;
}

/** The open exam task of a certification, and deciding it (the human-task use case). */
export interface ExamTask {
  readonly tasks: { currentFor(workflow: string, subjectId: string, step: string): Promise<{ task: Task } | undefined>; get(taskId: string): Promise<{ task: Task; sealedToken: string } | undefined> };
  readonly decide: (task: Task, sealedToken: string, choice: string, comment: string | undefined, actor: Actor) => Promise<DecideResult>;
}
