/**
 * In-memory ports for the dissemination use cases: a notice store that keeps the same rules as
 * the DynamoDB one (a notice written once, an attempt claimed only when due), the search
 * sources' records, a mailer that can be told to fail, and a clock the test moves.
 */
import type { Email } from '../../functions/shared/adapters/mailer';
import type { AuditEvent } from '../../functions/shared/audit';
import type { PacketRecord } from '../../functions/arrests/adapters/packet-store';
import type { ArrestPacket } from '../../functions/arrests/domain/packet';
import type { SearchRecord, SearchRecordInput } from '../../functions/search/domain/record';
import { SearchRecordSchema } from '../../functions/search/domain/record';
import { audienceKeyOf } from '../../functions/dissemination/domain/notice';
import type { MatchedKind } from '../../functions/dissemination/domain/rules';
import type { DisseminatePorts, NoticeRecord, NoticeStore, PersonRecords, RuleSwitch } from '../../functions/dissemination/ports';
import { custodialPacket } from '../../drive/arrest-packet';

export class MemoryNoticeStore implements NoticeStore {
  readonly notices = new Map<string, NoticeRecord>();
  readonly audits: AuditEvent[] = [];
  readonly muteSet = new Set<string>();
  readonly switchMap = new Map<string, RuleSwitch>();

  async create(n: NoticeRecord) {
    if (this.notices.has(n.noticeId)) return false;
    this.notices.set(n.noticeId, { ...n });
    return true;
  }
  async get(id: string) {
    return this.notices.get(id);
  }
  async claim(id: string, now: string, leaseUntil: string) {
    const n = this.notices.get(id);
    if (!n) return undefined;
    const due = (n.status === 'PENDING' && (n.nextAttemptAt ?? '') <= now) || (n.status === 'SENDING' && (n.leaseUntil ?? '') < now);
    if (!due) return undefined;
    const claimed: NoticeRecord = { ...n, status: 'SENDING', leaseUntil, attempts: n.attempts + 1 };
    this.notices.set(id, claimed);
    return claimed;
  }
  private holds(n: NoticeRecord) {
    const now = this.notices.get(n.noticeId);
    return now?.status === 'SENDING' && now.attempts === n.attempts;
  }
  async markSent(n: NoticeRecord, at: string, messageId: string, audit: AuditEvent) {
    if (!this.holds(n)) return;
    this.notices.set(n.noticeId, { ...n, status: 'SENT', sentAt: at, messageId, leaseUntil: undefined, nextAttemptAt: undefined });
    this.audits.push(audit);
  }
  async retryLater(n: NoticeRecord, next: string, error: string) {
    if (this.holds(n)) this.notices.set(n.noticeId, { ...n, status: 'PENDING', nextAttemptAt: next, lastError: error, leaseUntil: undefined });
  }
  async markFailed(n: NoticeRecord, at: string, error: string, audit: AuditEvent) {
    if (!this.holds(n)) return;
    this.notices.set(n.noticeId, { ...n, status: 'FAILED', failedAt: at, lastError: error, leaseUntil: undefined, nextAttemptAt: undefined });
    this.audits.push(audit);
  }
  async redrive(n: NoticeRecord, at: string, audit: AuditEvent) {
    const now = this.notices.get(n.noticeId);
    if (now?.status !== 'FAILED') return false;
    this.notices.set(n.noticeId, { ...now, status: 'PENDING', attempts: 0, nextAttemptAt: at, failedAt: undefined, redrives: (now.redrives ?? 0) + 1 });
    this.audits.push(audit);
    return true;
  }
  async due(now: string) {
    return [...this.notices.values()].filter((n) => (n.status === 'PENDING' && (n.nextAttemptAt ?? '') <= now) || (n.status === 'SENDING' && (n.leaseUntil ?? '') < now)).map((n) => n.noticeId);
  }
  async failed() {
    return [...this.notices.values()].filter((n) => n.status === 'FAILED');
  }
  async inbox(address: string | undefined, audiences: readonly string[]) {
    return [...this.notices.values()].filter((n) => n.recipient.address === address?.toLowerCase() || audiences.includes(audienceKeyOf(n.recipient) ?? '-'));
  }
  async mutes(address: string) {
    return [...this.muteSet].filter((k) => k.startsWith(`${address.toLowerCase()}|`)).map((k) => k.split('|')[1]!);
  }
  async setMute(address: string, rule: string, muted: boolean, _at: string, audit: AuditEvent) {
    const k = `${address.toLowerCase()}|${rule}`;
    if (muted) this.muteSet.add(k);
    else this.muteSet.delete(k);
    this.audits.push(audit);
  }
  async switches() {
    return [...this.switchMap.values()];
  }
  async setSwitch(value: RuleSwitch, audit: AuditEvent) {
    this.switchMap.set(value.rule, value);
    this.audits.push(audit);
  }
}

/** The search sources' records, matched as the SQL does: SID, or surname, given name and date of birth (case-insensitive). */
export class MemoryRecords implements PersonRecords {
  readonly records: SearchRecord[] = [];
  add(...records: SearchRecordInput[]) {
    this.records.push(...records.map((r) => SearchRecordSchema.parse(r)));
  }
  /** As search applies a change: an upsert replaces an older version of its record, an erase or seal removes it. */
  apply(change: { op: 'upsert'; record: SearchRecordInput } | { op: 'erase' | 'seal'; source: string; id: string; version: number }) {
    const [source, id] = change.op === 'upsert' ? [change.record.source, change.record.id] : [change.source, change.id];
    const at = this.records.findIndex((r) => r.source === source && r.id === id);
    if (at >= 0 && change.op === 'upsert' && this.records[at]!.version >= change.record.version) return;
    if (at >= 0) this.records.splice(at, 1);
    if (change.op === 'upsert') this.add(change.record);
  }
  async written(source: string, ids: readonly string[]) {
    return this.records.filter((r) => r.source === source && ids.includes(r.id));
  }
  async matching(kind: MatchedKind, p: { sid?: string; last?: string; first?: string; dob?: string }) {
    const norm = (s?: string) => (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
    return this.records.filter(
      (r) =>
        r.kind === kind &&
        ((p.sid && (r.identifiers.sid ?? []).some((s) => norm(s) === norm(p.sid))) ||
          (p.last && p.first && p.dob && r.person?.dob === p.dob && r.person.names.some((n) => norm(n.last) === norm(p.last) && norm(n.first) === norm(p.first)))),
    );
  }
}

export class FakeClock {
  constructor(public ms = Date.parse('2026-11-30T12:00:00Z')) {}
  now = () => new Date(this.ms).toISOString();
  advanceMinutes(m: number) {
    this.ms += m * 60_000;
  }
}

/** A mailer that records what it sent and fails the next `failNext` sends. */
export class FakeMailer {
  readonly sent: Email[] = [];
  failNext = 0;
  send = async (email: Email) => {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('Throttling: rate exceeded for someone@example.org'), { name: 'TooManyRequestsException' });
    }
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  };
}

/** A packet as the arrests' store holds it, from the drive's custodial packet. */
export function packetRecord(overrides: { status?: PacketRecord['status']; sid?: string | null; incident?: string; dispositions?: PacketRecord['dispositions']; docketNumber?: string } = {}): PacketRecord {
  const packet = custodialPacket(overrides.incident ?? 'INC-1', Date.parse('2026-11-30T10:00:00Z')) as unknown as ArrestPacket;
  const arrestee = { ...packet.arrestee } as ArrestPacket['arrestee'];
  if (overrides.sid === null) delete (arrestee as { stateIdentification?: string }).stateIdentification;
  else if (overrides.sid) Object.assign(arrestee, { stateIdentification: overrides.sid });
  return {
    packetId: 'ap-0123456789abcdef01234567',
    version: 1,
    status: overrides.status ?? 'AVAILABLE',
    ori: packet.agency.ori,
    incidentNumber: packet.incidentNumber,
    contentHash: 'x',
    packet: { ...packet, arrestee },
    receivedAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T11:00:00.000Z',
    executionName: 'ap-0123456789abcdef01234567-v1',
    ...(overrides.docketNumber ? { docketNumber: overrides.docketNumber } : {}),
    ...(overrides.dispositions ? { dispositions: overrides.dispositions } : {}),
  };
}

export function givenPorts(packet: PacketRecord | undefined) {
  const store = new MemoryNoticeStore();
  const records = new MemoryRecords();
  const mailer = new FakeMailer();
  const clock = new FakeClock();
  const ports: DisseminatePorts = { store, records, send: mailer.send, now: clock.now, portalUrl: 'https://ciss.example/portal/', packet: async (id) => (packet?.packetId === id ? packet : undefined) };
  return { store, records, mailer, clock, ports };
}
