/**
 * An arrest event, through the dissemination rules (domain/rules.json) to the notices they send.
 */
import type { PacketRecord } from '../../arrests/adapters/packet-store';
import { courtFor } from '../../arrests/domain/courts';
import { recordKey, type SearchRecord } from '../../search/domain/record';
import { ARRESTS_SOURCE } from '../../search/domain/sources';
import { arrestRecord } from '../domain/arrest-record';
import { draftFields, eventKeyOf, noticeIdOf, officeRecipient, supervisingOfficer, type PacketFacts, type ResolvedRecipient, type RuleEventFacts } from '../domain/notice';
import { checkedRules, rulesFor, SOURCE_RECORD_EVENT, type Rule } from '../domain/rules';
import type { DisseminatePorts, NoticeRecord, PersonRecords } from '../ports';
import { deliverNotice, type DeliveryOutcome } from './deliver';
import { connecticutDate } from '#shared/time';

/** What became of one rule for one receiver. */
export interface RuleOutcome {
  readonly rule: string;
  readonly noticeId?: string;
  readonly result: 'switched-off' | 'no-match' | 'no-recipient' | 'muted' | 'withheld' | 'duplicate' | DeliveryOutcome;
}

/** Whether a matched record still holds: its Status (when it has one) is Active, and its end or expiry (when it has one, a Connecticut date) has not passed there. */
export function isActive(record: Pick<SearchRecord, 'fields'>, now: string): boolean {
  const field = (label: string) => record.fields.find((f) => f.label === label)?.value;
  const status = field('Status');
  if (status !== undefined && status.trim().toLowerCase() !== 'active') return false;
  const ends = field('Ends') ?? field('Expires');
  return ends === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(ends) || ends >= connecticutDate(now);
}

/** The records the rule's condition matched (`[undefined]` for a rule that needs none; `[]` when it does not hold). */
export async function matchedRecords(rule: Rule, arrest: SearchRecord, records: PersonRecords, now: string): Promise<readonly (SearchRecord | undefined)[]> {
  const condition = rule.condition;
  if (condition.kind === 'always') return [undefined];
  const name = arrest.person?.names[0];
  const sid = condition.matchBy.includes('sid') ? arrest.identifiers.sid?.[0] : undefined;
  const byName = condition.matchBy.includes('name-and-dob') && name?.first && arrest.person?.dob ? { last: name.last, first: name.first, dob: arrest.person.dob } : {};
  if (!sid && !('last' in byName)) return [];
  const found = await records.matching(condition.recordKind, { ...(sid ? { sid } : {}), ...byName });
  return condition.activeOnly ? found.filter((r) => isActive(r, now)) : found;
}

/** The receivers of a rule for one matched record (each address once). */
export function recipientsOf(rule: Rule, packet: PacketFacts, matched: SearchRecord | undefined): ResolvedRecipient[] {
  return rule.recipients.flatMap((r) => {
    const resolved = r.kind === 'office' ? officeRecipient(r.role, r.of, packet, (ga) => courtFor(ga)?.clerkEmail) : supervisingOfficer(r.role, matched);
    return resolved ? [resolved] : [];
  });
}

export const packetFacts = (p: PacketRecord): PacketFacts => ({ packetId: p.packetId, ori: p.ori, status: p.status, incidentNumber: p.incidentNumber, courtGa: p.packet.court.gaNumber, agencyEmail: p.packet.agency.contactEmail });

/** Notices for one rule and its receivers: each muted, withheld, or written once and delivered. */
async function notify(
  rule: Rule,
  event: { readonly key: string; readonly packetId: string; readonly record?: string },
  facts: PacketFacts,
  arrest: SearchRecord,
  receivers: readonly { readonly recipient: ResolvedRecipient; readonly matched: SearchRecord | undefined }[],
  ports: DisseminatePorts,
  rules: readonly Rule[],
): Promise<RuleOutcome[]> {
  const outcomes: RuleOutcome[] = [];
  const now = ports.now();
  for (const { recipient, matched } of receivers) {
    const noticeId = noticeIdOf(rule.id, event.key, recipient.address);
    if (rule.mutable && (await ports.store.mutes(recipient.address)).includes(rule.id)) {
      outcomes.push({ rule: rule.id, noticeId, result: 'muted' });
      continue;
    }
    const draft = draftFields(rule, recipient, facts, arrest, matched);
    if (draft.withheld) {
      outcomes.push({ rule: rule.id, noticeId, result: 'withheld' });
      continue;
    }
    const notice: NoticeRecord = {
      noticeId,
      rule: rule.id,
      ruleVersion: rule.version,
      ruleTitle: rule.title,
      event: event.key,
      packetId: event.packetId,
      ...(event.record ? { record: event.record } : {}),
      recipient,
      fields: draft.fields,
      status: 'PENDING',
      attempts: 0,
      createdAt: now,
      nextAttemptAt: now,
    };
    const created = await ports.store.create(notice);
    // A repeated event finds the notice written: it is not sent again, but one still due is tried.
    const delivered = await deliverNotice(noticeId, ports, rules);
    outcomes.push({ rule: rule.id, noticeId, result: created ? delivered : delivered === 'not-due' ? 'duplicate' : delivered });
  }
  return outcomes;
}

/** The rules listening, less those switched off at run time (each of those an outcome). */
async function rulesInForce(listening: readonly Rule[], ports: DisseminatePorts): Promise<{ active: Rule[]; outcomes: RuleOutcome[] }> {
  if (listening.length === 0) return { active: [], outcomes: [] };
  const off = new Set((await ports.store.switches()).filter((s) => !s.enabled).map((s) => s.rule));
  return { active: listening.filter((r) => !off.has(r.id)), outcomes: listening.filter((r) => off.has(r.id)).map((r) => ({ rule: r.id, result: 'switched-off' as const })) };
}

/**
 * 1. the rules listening to the event, less those switched off at run time
 * 2. read the packet as it now is (the event carries no personal data) and map it as search does
 * 3. for each rule, its condition over the arrestee and the search sources' records
 * 4. its receivers: an office's mailbox, or the person the matched record names
 * 5. skip a receiver who muted the rule (where it allows), and withhold what their role may not see
 * 6. write the notice, once per rule, event and receiver (a repeated event finds it written), and deliver it
 */
export async function disseminate(event: RuleEventFacts, ports: DisseminatePorts, rules: readonly Rule[] = checkedRules()): Promise<RuleOutcome[]> {
  const { active, outcomes } = await rulesInForce(rulesFor(event.detailType, rules), ports);
  if (active.length === 0) return outcomes;
  const packet = await ports.packet(event.packetId);
  const arrest = packet && arrestRecord(packet);
  if (!packet || !arrest) return [...outcomes, ...active.map((r) => ({ rule: r.id, result: 'no-match' as const }))];
  const facts = packetFacts(packet);
  const key = eventKeyOf(event);
  const now = ports.now();

  for (const rule of active) {
    const matches = await matchedRecords(rule, arrest, ports.records, now);
    if (matches.length === 0) {
      outcomes.push({ rule: rule.id, result: 'no-match' });
      continue;
    }
    const seen = new Set<string>();
    const receivers = matches.flatMap((matched) => recipientsOf(rule, facts, matched).map((recipient) => ({ recipient, matched }))).filter(({ recipient }) => !seen.has(recipient.address) && seen.add(recipient.address));
    if (receivers.length === 0) outcomes.push({ rule: rule.id, result: 'no-recipient' });
    outcomes.push(...(await notify(rule, { key, packetId: event.packetId }, facts, arrest, receivers, ports, rules)));
  }
  return outcomes;
}

/**
 * A source's record event as the rules see it: which source, and the records of it search wrote
 * (SearchRecordsWritten, which search-ingest publishes once a source's pushed changes are in the
 * index), by id and version.
 */
export interface SourceRecordsFacts {
  readonly source: string;
  readonly records: readonly { readonly id: string; readonly version: number }[];
}

/** An arrest search holds whose packet awaits adjudication: published (AVAILABLE), not yet adjudicated. */
const OPEN_ARREST_STATUS = 'AVAILABLE';

/** The open arrests of the person a written record names: by SID or surname, given name and date of birth, as the index holds them. */
export async function openArrestsOf(rule: Rule, record: SearchRecord, records: PersonRecords): Promise<readonly SearchRecord[]> {
  const condition = rule.condition;
  if (condition.kind !== 'record-person-has-open-arrest') return [];
  const name = record.person?.names[0];
  const sid = condition.matchBy.includes('sid') ? record.identifiers.sid?.[0] : undefined;
  const byName = condition.matchBy.includes('name-and-dob') && name?.first && record.person?.dob ? { last: name.last, first: name.first, dob: record.person.dob } : {};
  if (!sid && !('last' in byName)) return [];
  const found = await records.matching('arrest', { ...(sid ? { sid } : {}), ...byName });
  return found.filter((r) => r.source === ARRESTS_SOURCE && r.fields.find((f) => f.label === 'Status')?.value === OPEN_ARREST_STATUS);
}

/**
 * A source's record event (its SearchRecordsChanged from ciss.search.<source>, as search wrote it: SearchRecordsWritten), through the rules that name the source.
 * 1. the rules naming the source, less those switched off at run time
 * 2. the records the event names, read from CISS Search's index as they now are (an erased or sealed one is gone); of the rule's kind, in force
 * 3. for each, the open arrests of its person in CISS Search; each one's packet read as it now is (still AVAILABLE)
 * 4. the rule's receivers for that packet (e.g. the clerk of its court), the written record as the matched one
 * 5. as for an arrest event: mutes, what the receiver's role may see, once per rule, record version, packet and receiver
 */
export async function disseminateRecords(event: SourceRecordsFacts, ports: DisseminatePorts, rules: readonly Rule[] = checkedRules()): Promise<RuleOutcome[]> {
  const { active, outcomes } = await rulesInForce(rulesFor(SOURCE_RECORD_EVENT, rules, event.source), ports);
  if (active.length === 0) return outcomes;
  const written = event.records.length > 0 ? await ports.records.written(event.source, event.records.map((r) => r.id)) : [];
  const now = ports.now();
  for (const rule of active) {
    const condition = rule.condition;
    const heard = written.filter((r) => condition.kind === 'record-person-has-open-arrest' && r.kind === condition.recordKind && (!condition.activeOnly || isActive(r, now)));
    let notified = false;
    for (const record of heard) {
      for (const open of await openArrestsOf(rule, record, ports.records)) {
        const packet = await ports.packet(open.id);
        const arrest = packet && packet.status === OPEN_ARREST_STATUS ? arrestRecord(packet) : undefined;
        if (!packet || !arrest) continue;
        const facts = packetFacts(packet);
        const seen = new Set<string>();
        const receivers = recipientsOf(rule, facts, record).filter((r) => !seen.has(r.address) && seen.add(r.address)).map((recipient) => ({ recipient, matched: record }));
        const key = `${SOURCE_RECORD_EVENT}:${recordKey(record.source, record.id)}:v${record.version}:${packet.packetId}`;
        notified = true;
        if (receivers.length === 0) outcomes.push({ rule: rule.id, result: 'no-recipient' });
        outcomes.push(...(await notify(rule, { key, packetId: packet.packetId, record: recordKey(record.source, record.id) }, facts, arrest, receivers, ports, rules)));
      }
    }
    if (!notified) outcomes.push({ rule: rule.id, result: 'no-match' });
  }
  return outcomes;
}
