import { GetCommand, QueryCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { queryPage } from '#shared/adapters/query-page';
import { fieldUpdate, isConditionFailure, writeWithAudit, type TransactItems } from '#shared/adapters/transactions';
import { AuditSubject, auditPartition, auditTable, recordAudit, type AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import type { DynamoKey } from '#shared/cursor';
import { Conflict, NotFound } from '#shared/errors';
import type { FieldProblem } from '#shared/errors';
import type { ArrestPacket } from '../domain/packet';
import { PUBLISHED, STATUS_EVENT, TRANSITIONS, type PacketStatus } from '../domain/status';

export const SUBJECT_TYPE = 'arrest-packet';

export interface Disposition {
  readonly chargeSequenceID: number;
  readonly disposition: string;
  readonly dispositionDate: string;
}

/** A packet as stored: its current version's content and where it stands. */
export interface PacketRecord {
  readonly packetId: string;
  readonly version: number;
  readonly status: PacketStatus;
  readonly ori: string;
  readonly incidentNumber: string;
  readonly contentHash: string;
  readonly packet: ArrestPacket;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly executionName: string;
  readonly problems?: FieldProblem[];
  readonly warnings?: FieldProblem[];
  readonly decidedBy?: string;
  readonly returnReason?: string;
  readonly docketNumber?: string;
  readonly agencyNotifiedAt?: string;
  readonly dispositions?: Disposition[];
  readonly adjudicatedAt?: string;
  /** The execution that waits for adjudication now (it changes when the wait continues as new). */
  readonly waitingExecutionArn?: string;
  readonly adjudicationWaitGeneration?: number;
  /** The waiting execution's task token, sealed with KMS (never stored in clear). */
  readonly sealedAdjudicationToken?: string;
  /** The status and version whose event tasks-notify published (`VALIDATED#2`), so that it publishes it once. */
  readonly statusEventPublished?: string;
}

/** The packet moved on under a newer version: the execution working on an older one stops. */
export class StaleVersion extends Conflict {}
/** The packet is not where this change expects it (e.g. accepting one that was amended). */
export class InvalidTransition extends Conflict {}

const packetKey = (packetId: string) => ({ pk: `ARREST#${packetId}`, sk: 'PACKET' });
const versionKey = (packetId: string, version: number) => ({ pk: `ARREST#${packetId}`, sk: `VERSION#${String(version).padStart(4, '0')}` });
const statusIndex = (status: PacketStatus, receivedAt: string, packetId: string) => ({ gsi1pk: `ARRESTS#STATUS#${status}`, gsi1sk: `${receivedAt}#${packetId}` });
const agencyIndex = (ori: string, receivedAt: string, packetId: string) => ({ gsi2pk: `ARRESTS#ORI#${ori}`, gsi2sk: `${receivedAt}#${packetId}` });
/** Every packet, newest first (the lists of roles that see them all). */
const KIND = 'ARRESTS';
const kindIndex = (receivedAt: string, packetId: string) => ({ gsi3pk: KIND, gsi3sk: `${receivedAt}#${packetId}` });

function toRecord(item: Record<string, NativeAttributeValue>): PacketRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest as PacketRecord;
}

/**
 * A packet as stored (consistent read), or undefined. The one read a function that changes no
 * packet needs (indexing, dissemination): importing it alone leaves the store's writes, lists and
 * timeline out of that function's bundle.
 */
export async function readPacket(tableName: string, packetId: string): Promise<PacketRecord | undefined> {
  const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: packetKey(packetId), ConsistentRead: true }));
  return out.Item ? toRecord(out.Item) : undefined;
}

export interface TransitionChange {
  readonly packetId: string;
  /** The version the change is about: a newer version makes it stale. */
  readonly version: number;
  readonly to: PacketStatus;
  readonly actor: string;
  /** Fields set on the packet together with the status. */
  readonly set?: Readonly<Record<string, NativeAttributeValue>>;
  /** Extra audit details (strings, numbers). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  readonly now: string;
  /** Fields of the packet that must still hold the value they were read with (absent: still absent), besides status and version. */
  readonly unchanged?: readonly (keyof PacketRecord)[];
}

export type TransitionResult = { readonly kind: 'changed' | 'already'; readonly packet: PacketRecord };

export type Page = { readonly items: PacketRecord[]; readonly next?: DynamoKey };

/** Which packets a caller may list: one agency's, every one, or those published (step 6 on). */
export type PacketView =
  | { readonly kind: 'agency'; readonly ori: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'published' }
  /** A court clerk: the packets arraigned in these GA courts (by `court.gaNumber`), any status. */
  | { readonly kind: 'courts'; readonly gaNumbers: readonly number[] };

export interface PacketQuery {
  readonly status?: PacketStatus;
  readonly ori?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
}

type PacketIndex = 'byStatus' | 'byAgency' | 'byKind';
const INDEX_KEYS: Readonly<Record<PacketIndex, readonly [string, string]>> = { byStatus: ['gsi1pk', 'gsi1sk'], byAgency: ['gsi2pk', 'gsi2sk'], byKind: ['gsi3pk', 'gsi3sk'] };

/** The index partition a list reads and the statuses it keeps; undefined when the view may see none. */
export function listPlan(view: PacketView, query: Pick<PacketQuery, 'status' | 'ori'>): { index: PacketIndex; partition: string; statuses?: readonly PacketStatus[] } | undefined {
  if (view.kind === 'courts' && view.gaNumbers.length === 0) return undefined;
  const visible = view.kind === 'published' ? PUBLISHED : undefined;
  if (query.status && visible && !visible.includes(query.status)) return undefined;
  const ori = view.kind === 'agency' ? view.ori : query.ori;
  if (view.kind === 'agency' && query.ori !== undefined && query.ori !== view.ori) return undefined;
  if (ori !== undefined) return { index: 'byAgency', partition: `ARRESTS#ORI#${ori}`, statuses: query.status ? [query.status] : visible };
  if (query.status) return { index: 'byStatus', partition: `ARRESTS#STATUS#${query.status}` };
  return { index: 'byKind', partition: KIND, statuses: visible };
}

/**
 * What a function that changes a packet's status inside a transaction of its own needs (the
 * clerk's task opening VALIDATED in tasks-notify): the packet as stored and the writes of one
 * status change. PacketStore has them too; importing this alone leaves the store's other writes,
 * lists and timeline out of that function's bundle.
 */
export class PacketStatusWrites {
  constructor(protected readonly tableName: string) {}

  get(packetId: string): Promise<PacketRecord | undefined> {
    return readPacket(this.tableName, packetId);
  }

  /**
   * The writes of a change from the one status `to` is reached from, at the change's version,
   * without reading the packet (for a caller that writes them in a transaction of its own);
   * undefined when `to` is reached from more than one status (the audit names the one left).
   */
  unreadWrite(change: TransitionChange): { items: TransactItems; audit: AuditEvent } | undefined {
    const from = TRANSITIONS[change.to];
    if (change.unchanged?.length) throw new Error('A change that holds fields to what was read needs the packet as read');
    return from.length === 1 && from[0] !== undefined ? this.statusWrite(from[0], change) : undefined;
  }

  /**
   * The writes of one status change of the packet as read (`current`), not written: the
   * conditional update (the status it is in, the version it has) and its audit event, for a
   * caller that writes them in a transaction of its own (the clerk's task opening VALIDATED).
   * Undefined when the packet is already in `to`; StaleVersion or InvalidTransition as transition.
   */
  transitionWrite(current: PacketRecord, change: TransitionChange): { items: TransactItems; audit: AuditEvent; packet: PacketRecord } | undefined {
    const from = TRANSITIONS[change.to];
    if (current.version !== change.version) throw new StaleVersion(`Packet ${change.packetId} is at version ${current.version}, not ${change.version}`);
    if (current.status === change.to) return undefined;
    if (!from.includes(current.status)) throw new InvalidTransition(`Packet ${change.packetId} is ${current.status}; it cannot become ${change.to}`);

    const seen = Object.fromEntries((change.unchanged ?? []).map((field) => [field, current[field] as string | number | undefined]));
    const { items, audit } = this.statusWrite(current.status, change, seen);
    return { items, audit, packet: { ...current, ...(change.set as Partial<PacketRecord>), status: change.to, updatedAt: change.now } };
  }

  /** The conditional update of a change from status `from` (at the change's version) and its audit event. */
  protected statusWrite(from: PacketStatus, change: TransitionChange, unchanged: Readonly<Record<string, string | number | undefined>> = {}): { items: TransactItems; audit: AuditEvent } {
    const { set: sets, names, values } = fieldUpdate(change.set ?? {});
    sets.unshift('#status = :to', '#updatedAt = :now', 'gsi1pk = :g1pk');
    Object.assign(names, { '#status': 'status', '#version': 'version', '#updatedAt': 'updatedAt' });
    Object.assign(values, { ':to': change.to, ':v': change.version, ':now': change.now, ':g1pk': `ARRESTS#STATUS#${change.to}`, ':from': from });
    const conditions = ['#status = :from', '#version = :v'];
    for (const [i, [field, value]] of Object.entries(unchanged).entries()) {
      names[`#seen${i}`] = field;
      if (value === undefined) conditions.push(`attribute_not_exists(#seen${i})`);
      else {
        values[`:seen${i}`] = value;
        conditions.push(`#seen${i} = :seen${i}`);
      }
    }
    const audit: AuditEvent = {
      type: STATUS_EVENT[change.to],
      outcome: 'success',
      actor: change.actor,
      component: 'arrests',
      subject: AuditSubject.of(SUBJECT_TYPE, change.packetId),
      details: { from, to: change.to, version: change.version, ...change.details },
    };
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: packetKey(change.packetId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    return { items, audit };
  }
}

/**
 * Arrest packets in the main table. The packet and every version it had are items of one
 * partition; every status change is one transaction: the conditional update of the packet
 * (the status it must be in, the version it must have) and its audit event, from which the
 * packet's timeline is read.
 */
export class PacketStore extends PacketStatusWrites {
  async mustGet(packetId: string): Promise<PacketRecord> {
    const record = await this.get(packetId);
    if (!record) throw new NotFound(`No arrest packet ${packetId}`);
    return record;
  }

  /** Stores a new packet (version 1) with its received event; false when the key is taken. */
  async create(record: PacketRecord, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...packetKey(record.packetId), ...statusIndex(record.status, record.receivedAt, record.packetId), ...agencyIndex(record.ori, record.receivedAt, record.packetId), ...kindIndex(record.receivedAt, record.packetId), ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: this.tableName, Item: { ...versionKey(record.packetId, 1), packet: record.packet, contentHash: record.contentHash, receivedAt: record.receivedAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
      audit,
    );
  }


  /**
   * A new version replaces the content of a packet not yet accepted; the old version stays as
   * its own item. Conditional on the version the caller saw, so two amendments cannot both win.
   */
  async amend(current: PacketRecord, packet: ArrestPacket, hash: string, executionName: string, audit: AuditEvent, now: string): Promise<PacketRecord> {
    const version = current.version + 1;
    const from = TRANSITIONS.RECEIVED;
    const written = await writeWithAudit(
      [
            {
              Update: {
                TableName: this.tableName,
                Key: packetKey(current.packetId),
                UpdateExpression:
                  'SET #status = :to, #version = :next, packet = :packet, contentHash = :hash, executionName = :exec, updatedAt = :now, gsi1pk = :g1pk REMOVE problems, warnings, decidedBy, returnReason',
                ConditionExpression: `#version = :seen AND #status IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
                ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                ExpressionAttributeValues: {
                  ':to': 'RECEIVED',
                  ':next': version,
                  ':seen': current.version,
                  ':packet': packet,
                  ':hash': hash,
                  ':exec': executionName,
                  ':now': now,
                  ':g1pk': 'ARRESTS#STATUS#RECEIVED',
                  ...Object.fromEntries(from.map((s, i) => [`:f${i}`, s])),
                },
              },
            },
            { Put: { TableName: this.tableName, Item: { ...versionKey(current.packetId, version), packet, contentHash: hash, receivedAt: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
      audit,
    );
    if (!written) {
      const fresh = await this.mustGet(current.packetId);
      if (fresh.version !== current.version) throw new Conflict(`Packet ${current.packetId} was amended meanwhile (now version ${fresh.version}); read it and try again`);
      throw new Conflict(`Packet ${current.packetId} is ${fresh.status}: only a packet not yet accepted can be amended`);
    }
    return { ...current, version, status: 'RECEIVED', packet, contentHash: hash, executionName, updatedAt: now };
  }

  /**
   * One status change: the packet's conditional update and its audit event, in one transaction.
   * A retried change that already happened answers `already` (the step is idempotent); a change
   * for an older version throws StaleVersion; one from the wrong status, InvalidTransition.
   * With `current` (the packet as the caller just read it) nothing is read first; without it,
   * the packet is read, then written on condition that it is still as read.
   */
  async transition(change: TransitionChange, current?: PacketRecord): Promise<TransitionResult> {
    const seen = current ?? (await this.mustGet(change.packetId));
    const write = this.transitionWrite(seen, change);
    if (!write) return { kind: 'already', packet: seen };
    // Someone else changed the packet between the read and the write: decide again on fresh data.
    if (!(await writeWithAudit(write.items, write.audit))) return this.transition(change);
    return { kind: 'changed', packet: write.packet };
  }

  /**
   * A status change the workflow makes without reading the packet first: the write is
   * conditional on the one status the packet can reach `to` from and on the execution's version,
   * which is exactly what a read would have checked. Only when that condition fails is the
   * packet read, to tell a retry (`already`) from a newer version (StaleVersion) or a wrong
   * status (InvalidTransition).
   */
  async changeStatus(change: TransitionChange): Promise<'changed' | 'already'> {
    const write = this.unreadWrite(change);
    if (write && (await writeWithAudit(write.items, write.audit))) return 'changed';
    return (await this.transition(change)).kind;
  }

  /** Sets fields that are not a status change (the agency was notified; the waiting execution). */
  async annotate(packetId: string, version: number, fields: Record<string, NativeAttributeValue>, condition?: { status: PacketStatus }): Promise<boolean> {
    const { set: sets, names, values } = fieldUpdate(fields);
    names['#version'] = 'version';
    values[':v'] = version;
    let expression = 'attribute_exists(pk) AND #version = :v';
    if (condition) {
      names['#status'] = 'status';
      values[':status'] = condition.status;
      expression += ' AND #status = :status';
    }
    try {
      await dynamo.send(new UpdateCommand({ TableName: this.tableName, Key: packetKey(packetId), UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The packet's audit trail, oldest first: status changes, tasks, notices. */
  async timeline(packetId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await dynamo.send(
        new QueryCommand({ TableName: auditTable(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': auditPartition({ type: SUBJECT_TYPE, id: packetId }) }, ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async versions(packetId: string): Promise<{ version: number; receivedAt: string; contentHash: string }[]> {
    const out = await dynamo.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)', ExpressionAttributeValues: { ':pk': `ARREST#${packetId}`, ':v': 'VERSION#' } }),
    );
    return (out.Items ?? []).map((i) => ({ version: Number(String(i['sk']).slice('VERSION#'.length)), receivedAt: String(i['receivedAt']), contentHash: String(i['contentHash']) }));
  }

  /**
   * A page of the packets a view may see, newest first, received between from and to. What the
   * view may not see is kept out by the query itself (its partition, or a filter DynamoDB applies
   * before it answers), so a page never holds it:
   * - an agency: its own partition of the by-agency index;
   * - every packet: the by-status or by-agency index for a filter, the by-kind index without one;
   * - published packets only: the by-status index for a published status (none for another),
   *   otherwise the by-agency or by-kind index filtered to the published statuses;
   * - a court clerk's courts: as every packet, filtered to the packets arraigned there.
   */
  async list(view: PacketView, query: PacketQuery, start?: DynamoKey): Promise<Page> {
    const plan = listPlan(view, query);
    if (!plan) return { items: [] };
    const names: Record<string, string> = {};
    const values: Record<string, NativeAttributeValue> = { ':pk': plan.partition, ':from': query.from ?? '0000', ':to': `${query.to ?? '9999'}~` };
    const filters: string[] = [];
    if (plan.statuses) {
      names['#status'] = 'status';
      plan.statuses.forEach((s, i) => (values[`:s${i}`] = s));
      filters.push(`#status IN (${plan.statuses.map((_, i) => `:s${i}`).join(', ')})`);
    }
    if (view.kind === 'courts') {
      Object.assign(names, { '#packet': 'packet', '#court': 'court', '#ga': 'gaNumber' });
      view.gaNumbers.forEach((n, i) => (values[`:ga${i}`] = n));
      filters.push(`#packet.#court.#ga IN (${view.gaNumbers.map((_, i) => `:ga${i}`).join(', ')})`);
    }
    const [pk, sk] = INDEX_KEYS[plan.index];
    const page = await queryPage(
      {
        TableName: this.tableName,
        IndexName: plan.index,
        KeyConditionExpression: `${pk} = :pk AND ${sk} BETWEEN :from AND :to`,
        FilterExpression: filters.length ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: filters.length ? names : undefined,
        ExpressionAttributeValues: values,
      },
      ['pk', 'sk', pk, sk],
      query.limit,
      start,
    );
    return { items: page.items.map(toRecord), next: page.next };
  }

  /** Appends an audit event to the packet's trail on its own (a read, a notice). */
  async audit(event: AuditEvent): Promise<void> {
    await recordAudit(event);
  }
}
