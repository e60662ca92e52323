/**
 * What dissemination's use cases need, as ports: the notices, mutes and rule switches (DynamoDB),
 * what the search sources know of a person (CISS Search's engine), the packet (the arrests'
 * store), and mail (SES).
 */
import type { Email } from '#shared/adapters/mailer';
import type { AuditEvent } from '#shared/audit';
import type { PacketRecord } from '../arrests/adapters/packet-store';
import type { SearchRecord } from '../search/domain/record';
import type { NoticeField, ResolvedRecipient } from './domain/notice';
import type { MatchedKind } from './domain/rules';

export const NOTICE_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** A notice as stored: who gets what, by which rule, for which event, and how its delivery stands. */
export interface NoticeRecord {
  readonly noticeId: string;
  readonly rule: string;
  readonly ruleVersion: number;
  readonly ruleTitle: string;
  /** The event's key (eventKeyOf): detail-type, packet and version. */
  readonly event: string;
  readonly packetId: string;
  /** For a source's record event: the record it wrote (`<source>/<record id>`), the notice's other subject. */
  readonly record?: string;
  readonly recipient: ResolvedRecipient;
  readonly fields: readonly NoticeField[];
  readonly status: NoticeStatus;
  /** E-mail attempts made so far. */
  readonly attempts: number;
  readonly createdAt: string;
  /** When the next attempt is due (PENDING). */
  readonly nextAttemptAt?: string;
  /** Until when an attempt in progress holds the notice (SENDING). */
  readonly leaseUntil?: string;
  readonly sentAt?: string;
  readonly messageId?: string;
  readonly failedAt?: string;
  /** The last failure's error name (never its message: it may echo the address). */
  readonly lastError?: string;
  readonly redrives?: number;
}

/** A rule switched off (or back on) at run time, without a deployment. */
export interface RuleSwitch {
  readonly rule: string;
  readonly enabled: boolean;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

export interface NoticeStore {
  /** Writes a new notice; false when one with its id exists (the event was seen before). */
  create(notice: NoticeRecord): Promise<boolean>;
  get(noticeId: string): Promise<NoticeRecord | undefined>;
  /**
   * Takes the notice for one attempt, when it is due (PENDING, its time come) or its last
   * attempt's lease ran out (SENDING): the record with the attempt counted, or undefined.
   */
  claim(noticeId: string, now: string, leaseUntil: string): Promise<NoticeRecord | undefined>;
  /** The attempt succeeded: SENT, with its audit record, in one transaction. */
  markSent(notice: NoticeRecord, at: string, messageId: string, audit: AuditEvent): Promise<void>;
  /** The attempt failed and another is due at `next`. */
  retryLater(notice: NoticeRecord, next: string, error: string): Promise<void>;
  /** The last attempt failed: FAILED (visible to operations), with its audit record. */
  markFailed(notice: NoticeRecord, at: string, error: string, audit: AuditEvent): Promise<void>;
  /** FAILED back to PENDING, due now, attempts reset; false when it was not FAILED. */
  redrive(notice: NoticeRecord, at: string, audit: AuditEvent): Promise<boolean>;
  /** Ids of PENDING notices due by `now` (and SENDING ones whose lease ran out), oldest first. */
  due(now: string, limit: number): Promise<string[]>;
  /** FAILED notices, newest first. */
  failed(limit: number): Promise<NoticeRecord[]>;
  /** Notices addressed to `address` and to the audience partitions, newest first. */
  inbox(address: string | undefined, audiences: readonly string[], limit: number): Promise<NoticeRecord[]>;
  /** The rules a person has muted. */
  mutes(address: string): Promise<string[]>;
  setMute(address: string, rule: string, muted: boolean, at: string, audit: AuditEvent): Promise<void>;
  switches(): Promise<readonly RuleSwitch[]>;
  setSwitch(value: RuleSwitch, audit: AuditEvent): Promise<void>;
}

/** What the search sources know of the arrestee. */
export interface PersonRecords {
  /** Records of this kind about the person with this SID, or this surname, given name and date of birth. */
  matching(kind: MatchedKind, person: { readonly sid?: string; readonly last?: string; readonly first?: string; readonly dob?: string }): Promise<readonly SearchRecord[]>;
  /** A source's records by id, as the index now holds them (an erased or sealed one is not there). */
  written(source: string, ids: readonly string[]): Promise<readonly SearchRecord[]>;
}

export interface DeliveryPorts {
  readonly store: NoticeStore;
  readonly send: (email: Email) => Promise<{ messageId: string }>;
  readonly now: () => string;
  readonly portalUrl?: string;
}

export interface DisseminatePorts extends DeliveryPorts {
  readonly packet: (packetId: string) => Promise<PacketRecord | undefined>;
  readonly records: PersonRecords;
}
