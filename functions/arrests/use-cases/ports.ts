import type { AuditSource } from '#shared/audit';
import type { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';
import type { Disposition, PacketRecord, PacketStore } from '../adapters/packet-store';
import type { ArrestPacket } from '../domain/packet';

/**
 * What the arrests use cases need from the outside world. Each use case takes only the ports it
 * uses (a `Pick` of these), so each route's entry wires, and its function is granted, no more.
 */
export interface ArrestPorts {
  /** Packets, their versions and their audit trail (DynamoDB). */
  readonly store: Pick<PacketStore, 'get' | 'mustGet' | 'create' | 'amend' | 'versions' | 'timeline' | 'list' | 'transition' | 'audit'>;
  /** The arrest-packet state machine (Step Functions). */
  readonly workflow: PacketWorkflow;
  /** The packet's status events (EventBridge). */
  readonly events: { publish(packet: PacketRecord, extra?: Record<string, unknown>): Promise<void> };
  /** The key packet ids are derived with (never rotated: a retried packet must get the same id). */
  packetIdKey(): Promise<Buffer>;
  /** Opaque list cursors, bound to the list, the query and the caller. */
  readonly cursors: Pick<Cursors, 'open' | 'seal'>;
  /** The execution that waits for an adjudication. */
  readonly adjudication: AdjudicationWait;
  /** The current time, ISO 8601. */
  now(): string;
  /** The API's public base URL: a packet's status URL starts with it. */
  readonly apiUrl: string;
}

/**
 * A packet version's execution input: the packet as stored travels with it (absent for a packet
 * too large to carry, and for an execution that continues the adjudication wait).
 */
export interface PacketExecutionInput {
  readonly packetId: string;
  readonly version: number;
  readonly packet?: ArrestPacket;
  readonly ori?: string;
  readonly incidentNumber?: string;
  /** The clerk's review timings and its reminder count, from 0. */
  readonly review?: { readonly decisionSeconds: number; readonly reminder: number; readonly maxReminders: number };
}

export interface PacketWorkflow {
  /** The ARN of the execution with this name (nothing is called). */
  executionArn(executionName: string): string;
  /** Starts a packet version's execution; the same name again is the same start. Its ARN. */
  start(executionName: string, input: PacketExecutionInput): Promise<string>;
  /** Stops a superseded version's execution; one that already ended is left as it is. */
  stop(executionName: string, cause: string): Promise<void>;
}

export interface AdjudicationWait {
  /**
   * Hands the adjudication to the execution whose sealed task token this is; false when that
   * execution no longer waits (a continue-as-new in between).
   */
  resume(sealedToken: string, packetId: string, output: { dispositions: readonly Disposition[]; adjudicatedAt: string; adjudicatedBy: string }): Promise<boolean>;
}

/** Who asks, and from where (for the audit trail). */
export interface ArrestRequest {
  readonly caller: Caller;
  readonly source: AuditSource;
}

/** A request about one packet: its id as the path gave it (undefined when malformed), and the route (audited). */
export interface PacketRequest extends ArrestRequest {
  readonly packetId: string | undefined;
  readonly resource: string;
}
