import { GetCommand, QueryCommand, TransactWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { auditPartition, auditPut, auditTable, type AuditEvent } from '../audit';
import { dynamo } from '#shared/clients/dynamo';
import type { DynamoKey } from '../cursor';
import type { Conflict } from '../errors';
import { queryPage } from './query-page';
import { fieldUpdate, isConditionFailure, type TransactItems } from './transactions';

/** What every lifecycle record (a CCHRS access request, a CISS Search certification) holds. */
export interface LifecycleRecord<S extends string = string> {
  readonly status: S;
  readonly ori: string;
  readonly createdAt: string;
  readonly employee: { readonly email: string };
}

/** Which records a caller may list: one agency's, or every one (the unit). */
export type LifecycleView = { readonly kind: 'agency'; readonly ori: string } | { readonly kind: 'all' };

/** How one lifecycle lays its records out in the main table. */
export interface LifecycleLayout<T> {
  /** The key and index prefix (`ACCESS`, `CERT`): `<kind>#<id>`, `<kind>#STATUS#<status>`, `<kind>_OPEN#<email>`. */
  readonly kind: string;
  /** The record's sort key. */
  readonly sk: string;
  /** The record's id field. */
  readonly idField: keyof T & string;
  /** Statuses that close the record, freeing the employee's e-mail for a new one. */
  readonly closed: readonly string[];
  /** The 409 for a second open record of the same e-mail. */
  readonly conflict: (email: string, openId: string | undefined) => Conflict;
}

/**
 * Conditions a status change holds to besides the status: fields that still have the value they
 * were read with (undefined: still absent), and lists that still have the length they were read with.
 */
export interface Unchanged {
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly sizes?: Readonly<Record<string, number>>;
}

function strip<T>(item: Record<string, NativeAttributeValue>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest as T;
}

/**
 * The parts every workflow lifecycle shares: a record per request, one open record per employee
 * e-mail (a transaction with a guard item), status changes as one conditional write with their
 * audit event, and the lists by agency, status and kind. The CCHRS access requests and the CISS
 * Search certifications are two layouts of it.
 */
export class LifecycleStore<S extends string, T extends LifecycleRecord<S>> {
  constructor(
    protected readonly tableName: string,
    private readonly layout: LifecycleLayout<T>,
  ) {}

  protected recordKey(id: string) {
    return { pk: `${this.layout.kind}#${id}`, sk: this.layout.sk };
  }

  private openKey(email: string) {
    return { pk: `${this.layout.kind}_OPEN#${email.toLowerCase()}`, sk: 'OPEN' };
  }

  private idOf(record: T): string {
    return String(record[this.layout.idField]);
  }

  private indexKeys(record: T, status: S = record.status) {
    const id = this.idOf(record);
    return {
      gsi1pk: `${this.layout.kind}#STATUS#${status}`,
      gsi1sk: `${record.createdAt}#${id}`,
      gsi2pk: `AGENCY#${record.ori}`,
      gsi2sk: `${this.layout.kind}#${record.createdAt}#${id}`,
      gsi3pk: this.layout.kind,
      gsi3sk: `${record.createdAt}#${id}`,
    };
  }

  async get(id: string): Promise<T | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: this.recordKey(id), ConsistentRead: true }));
    return out.Item ? strip<T>(out.Item) : undefined;
  }

  /**
   * Stores a new record with its audit event; one open per employee e-mail (the Conflict names the
   * open one). With `takesOver`, the new record takes the open place over from that record (a
   * renewal), only while that one holds it.
   */
  async create(record: T, audit: AuditEvent, takesOver?: string): Promise<void> {
    const id = this.idOf(record);
    const open =
      takesOver === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#id = :holder', ExpressionAttributeNames: { '#id': this.layout.idField }, ExpressionAttributeValues: { ':holder': takesOver } };
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...this.recordKey(id), ...this.indexKeys(record), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: { ...this.openKey(record.employee.email), [this.layout.idField]: id }, ...open } },
            auditPut(audit),
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const open = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: this.openKey(record.employee.email), ConsistentRead: true }));
      const openId = open.Item?.[this.layout.idField];
      throw this.layout.conflict(record.employee.email, typeof openId === 'string' ? openId : undefined);
    }
  }

  /** The id of the employee's open record, if any. */
  async openFor(email: string): Promise<string | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: this.openKey(email), ConsistentRead: true }));
    const id = out.Item?.[this.layout.idField];
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * The writes of a status change from one of `from` to `to` with `fields` (undefined: removed),
   * without its audit event, to be put in a transaction; a closing status frees the employee's
   * e-mail while it still names this record (a renewal may have taken it over).
   */
  transitionItems(record: T, from: readonly S[], to: S, fields: Partial<T>, updatedAt: string, unchanged: Unchanged = {}, keepsOpen = false): TransactItems {
    const { set, remove, names, values } = fieldUpdate({ ...fields, gsi1pk: this.indexKeys(record, to).gsi1pk });
    set.unshift('#status = :to', 'updatedAt = :updatedAt');
    names['#status'] = 'status';
    Object.assign(values, { ':to': to, ':updatedAt': updatedAt, ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])) });
    const conditions = [`#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`];
    for (const [i, [field, value]] of Object.entries(unchanged.fields ?? {}).entries()) {
      names[`#seen${i}`] = field;
      if (value === undefined) conditions.push(`attribute_not_exists(#seen${i})`);
      else {
        values[`:seen${i}`] = value as NativeAttributeValue;
        conditions.push(`#seen${i} = :seen${i}`);
      }
    }
    for (const [i, [field, size]] of Object.entries(unchanged.sizes ?? {}).entries()) {
      names[`#size${i}`] = field;
      values[`:size${i}`] = size;
      conditions.push(`size(#size${i}) = :size${i}`);
    }
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: this.recordKey(this.idOf(record)),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    if (this.layout.closed.includes(to) && !keepsOpen) items.push({ Delete: { TableName: this.tableName, Key: this.openKey(record.employee.email) } });
    return items;
  }

  /** The audit events of a subject, oldest first, without its reads (`readType`) and the refused attempts. */
  protected async events(subject: { type: string; id: string }, readType: string): Promise<Record<string, NativeAttributeValue>[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: auditTable(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': auditPartition(subject) } }));
    // What happened to the record: not its reads, nor the attempts refused to callers who may
    // not act on it (another agency's administrator, say); both stay in the audit trail.
    return (out.Items ?? []).filter((i) => i['type'] !== readType && i['outcome'] !== 'denied');
  }

  /**
   * A page of the records a view may see, newest first: an agency's partition of the by-agency
   * index; for the unit, the by-status index for a status, the by-agency index for an agency,
   * and the by-kind index for every record.
   */
  async list(view: LifecycleView, filter: { status?: S; ori?: string; limit: number }, start?: DynamoKey): Promise<{ items: T[]; next?: DynamoKey }> {
    const ori = view.kind === 'agency' ? view.ori : filter.ori;
    const byStatus = filter.status !== undefined && ori === undefined;
    const [index, pk, sk] = ori !== undefined ? ['byAgency', 'gsi2pk', 'gsi2sk'] : byStatus ? ['byStatus', 'gsi1pk', 'gsi1sk'] : ['byKind', 'gsi3pk', 'gsi3sk'];
    const filtered = ori !== undefined && filter.status !== undefined;
    const page = await queryPage(
      {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: ori !== undefined ? 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)' : `${pk} = :pk`,
        ExpressionAttributeValues: {
          ':pk': ori !== undefined ? `AGENCY#${ori}` : byStatus ? `${this.layout.kind}#STATUS#${filter.status}` : this.layout.kind,
          ...(ori !== undefined ? { ':prefix': `${this.layout.kind}#` } : {}),
          ...(filtered ? { ':status': filter.status } : {}),
        },
        FilterExpression: filtered ? '#status = :status' : undefined,
        ExpressionAttributeNames: filtered ? { '#status': 'status' } : undefined,
      },
      ['pk', 'sk', pk, sk],
      filter.limit,
      start,
    );
    return { items: page.items.map((i) => strip<T>(i)), next: page.next };
  }
}

export { strip as stripKeys };
