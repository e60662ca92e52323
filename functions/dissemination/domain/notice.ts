/**
 * A notice: what one rule tells one receiver about one event. Built from the arrest (the packet as
 * CISS Search's ciss-arrests source maps it) and the record the rule's condition matched, then
 * cut down to what the receiver's role may see by the same rules search applies
 * (functions/search/domain/visibility.ts: a record they may not see withholds the notice, a field
 * they may not see is left out) and by the arrests' audience policy for the packet itself.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { courtIdOf } from '#shared/courts';
import type { Role } from '#shared/roles';
import { maySee as maySeePacket } from '../../arrests/domain/audience';
import type { PacketStatus } from '../../arrests/domain/status';
import type { SearchRecord } from '../../search/domain/record';
import { maySee, redactFields } from '../../search/domain/visibility';
import { ARREST_FACT_FIELDS, type NoticeFieldName, type Rule } from './rules';
import { lazy } from '#shared/lazy';

/** Where a notice goes: an e-mail address, and for an office the portal audience (role and court or agency). */
export const ResolvedRecipientSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    kind: z.enum(['office', 'person']),
    role: z.string(),
    address: z.email(),
    ori: z.optional(z.string()),
    court: z.optional(z.string()),
  }),
);
export type ResolvedRecipient = z.infer<typeof ResolvedRecipientSchema> & { readonly role: Role };

/** One field as sent: its name in the rule, its label for people, its value. */
export interface NoticeField {
  readonly name: NoticeFieldName;
  readonly label: string;
  readonly value: string;
}

/** The event as a rule sees it: which one, about which packet. */
export interface RuleEventFacts {
  readonly detailType: string;
  readonly packetId: string;
  readonly packetVersion: number;
}

/** The packet, as the audience policy and the offices read it. */
export interface PacketFacts {
  readonly packetId: string;
  readonly ori: string;
  readonly status: PacketStatus;
  readonly incidentNumber: string;
  readonly courtGa: number;
  readonly agencyEmail: string;
}

/** The event's key in idempotency and audit: the same detail-type for the same packet version is the same event, however often it is delivered. */
export const eventKeyOf = (e: RuleEventFacts): string => `${e.detailType}:${e.packetId}:v${e.packetVersion}`;

/** A notice's id: one per rule, event and receiver's address, so a repeated event or a retry makes no second notice. */
export function noticeIdOf(ruleId: string, eventKey: string, address: string): string {
  return `nt-${createHash('sha256').update(`${ruleId}\n${eventKey}\n${address.toLowerCase()}`).digest('hex').slice(0, 24)}`;
}
export const NOTICE_ID = /^nt-[0-9a-f]{24}$/;

const nameOf = (record: SearchRecord): string | undefined => {
  const n = record.person?.names[0];
  return n ? [n.first, n.middle, n.last, n.suffix].filter(Boolean).join(' ') : undefined;
};
const fieldValue = (record: SearchRecord, label: string): string | undefined => record.fields.find((f) => f.label === label)?.value;

/** Each notice field: its label, and how it is read from the arrest or the matched record. */
const FIELD_SOURCES: Readonly<Record<NoticeFieldName, { readonly label: string; readonly from: 'arrest' | 'matched'; readonly read: (r: SearchRecord) => string | undefined }>> = {
  'arrestee.name': { label: 'Arrestee', from: 'arrest', read: nameOf },
  'arrestee.dob': { label: 'Date of birth', from: 'arrest', read: (r) => r.person?.dob },
  'arrestee.sid': { label: 'SID', from: 'arrest', read: (r) => r.identifiers.sid?.[0] },
  'arrest.incident': { label: 'Incident number', from: 'arrest', read: (r) => r.identifiers['ori-incident']?.[0]?.split(':').slice(1).join(':') },
  'arrest.date': { label: 'Arrest date', from: 'arrest', read: (r) => r.date },
  'arrest.town': { label: 'Town', from: 'arrest', read: (r) => r.town },
  'arrest.agency': { label: 'Arresting agency', from: 'arrest', read: (r) => fieldValue(r, 'Arresting agency') },
  'arrest.statutes': { label: 'Statutes', from: 'arrest', read: (r) => fieldValue(r, 'Statutes') },
  'arrest.charges': { label: 'Charges', from: 'arrest', read: (r) => fieldValue(r, 'Charges') },
  'arrest.court': { label: 'Court (GA)', from: 'arrest', read: (r) => fieldValue(r, 'Court (GA)') },
  'arrest.arraignment': { label: 'Arraignment date', from: 'arrest', read: (r) => fieldValue(r, 'Arraignment date') },
  'arrest.docket': { label: 'Docket', from: 'arrest', read: (r) => fieldValue(r, 'Docket') },
  'arrest.dispositions': { label: 'Dispositions', from: 'arrest', read: (r) => fieldValue(r, 'Dispositions') },
  'supervision.case': { label: 'Supervision', from: 'matched', read: (r) => r.title },
  'supervision.office': { label: 'Supervising office', from: 'matched', read: (r) => fieldValue(r, 'Parole office') ?? r.town },
  'order.title': { label: 'Protective order', from: 'matched', read: (r) => r.title },
  'order.type': { label: 'Order type', from: 'matched', read: (r) => fieldValue(r, 'Order type') },
  'order.issued': { label: 'Issued', from: 'matched', read: (r) => r.date },
  'order.court': { label: 'Court', from: 'matched', read: (r) => fieldValue(r, 'Court') },
  'order.expires': { label: 'Expires', from: 'matched', read: (r) => fieldValue(r, 'Expires') },
  // The label search's field rule names ("protected party"): the visibility rules keep it to the court.
  'order.protected-party': { label: 'Protected party', from: 'matched', read: (r) => fieldValue(r, 'Protected party') },
};

export const labelOf = (name: NoticeFieldName): string => FIELD_SOURCES[name].label;

/** Why a receiver gets no notice: their role may not see the packet, or the record the rule matched. */
export type Withheld = { readonly withheld: true; readonly reason: 'packet-not-visible' | 'record-not-visible' };
export type Drafted = { readonly withheld: false; readonly fields: readonly NoticeField[] };

/**
 * The fields a receiver gets: the rule's fields in its order, each read from its record, then
 * every field the receiver's role may not see left out (search's visibility rules, applied per
 * record); a receiver who may not see the packet or the matched record at all gets nothing.
 *
 * One exception, for the person a matched record names as responsible for the arrestee (the
 * supervising officer): before the packet is published their role may not read it, yet they
 * have a need to know that their supervisee was arrested from the moment it reaches CISS: the
 * Court Support Services Division and the Board of Pardons and Paroles are criminal justice
 * agencies (CGS § 54-142g(b)), among which CJIS shares criminal history record information
 * (§ 54-142q), and a new arrest is what a violation of probation rests on (§ 53a-32). They get
 * the arrest's facts only (ARREST_FACT_FIELDS); the packet's content waits until their role may
 * read it.
 */
export function draftFields(rule: Rule, recipient: Pick<ResolvedRecipient, 'kind' | 'role' | 'ori' | 'court'>, packet: PacketFacts, arrest: SearchRecord, matched: SearchRecord | undefined): Withheld | Drafted {
  const roles: readonly Role[] = [recipient.role];
  const audience = { roles, ori: recipient.ori, courts: recipient.court ? [recipient.court] : [] };
  if (!maySee(roles, arrest)) return { withheld: true, reason: 'packet-not-visible' };
  const packetVisible = maySeePacket(audience, { ori: packet.ori, status: packet.status, packet: { court: { gaNumber: packet.courtGa } } });
  const namedByRecord = recipient.kind === 'person' && matched !== undefined;
  if (!packetVisible && !namedByRecord) return { withheld: true, reason: 'packet-not-visible' };
  if (matched && !maySee(roles, matched)) return { withheld: true, reason: 'record-not-visible' };
  const fields: NoticeField[] = [];
  for (const name of rule.fields) {
    if (!packetVisible && FIELD_SOURCES[name].from === 'arrest' && !(ARREST_FACT_FIELDS as readonly string[]).includes(name)) continue;
    const source = FIELD_SOURCES[name];
    const record = source.from === 'arrest' ? arrest : matched;
    const value = record && source.read(record);
    if (!record || value === undefined || value === '') continue;
    const field = { label: source.label, value };
    // The same rule search applies to the record's own fields, applied to this field as the record's.
    if (redactFields(roles, record, [field]).length === 0) continue;
    fields.push({ name, ...field });
  }
  return { withheld: false, fields };
}

/** The receivers of an office: its mailbox and its portal audience. */
export function officeRecipient(role: Role, of: 'packet-court' | 'packet-agency', packet: PacketFacts, clerkMailbox: (ga: number) => string | undefined): ResolvedRecipient | undefined {
  if (of === 'packet-agency') return { kind: 'office', role, address: packet.agencyEmail.toLowerCase(), ori: packet.ori };
  const court = courtIdOf(packet.courtGa);
  const n = packet.courtGa;
  const address = role === 'court-clerk' ? clerkMailbox(n) : role === 'dcj' ? `dcj.ga${n}@dcj.ct.example` : `judicial.ga${n}@jud.ct.example`;
  return address ? { kind: 'office', role, address, court } : undefined;
}

/** The label of the field a supervision record names its supervising officer by (an e-mail address). */
export const SUPERVISING_OFFICER_LABEL = 'Supervising officer';

/** The supervising officer a supervision record names, when it names one by a valid address. */
export function supervisingOfficer(role: Role, matched: SearchRecord | undefined): ResolvedRecipient | undefined {
  const value = matched && fieldValue(matched, SUPERVISING_OFFICER_LABEL)?.trim().toLowerCase();
  return value && z.safeParse(z.email(), value).success ? { kind: 'person', role, address: value } : undefined;
}

/**
 * Which portal inbox partition an office notice shows in: its role, and its agency or court, as
 * a caller's roles and claims name them (inboxKeysOf); a person's notice shows by address only.
 */
export function audienceKeyOf(recipient: Pick<ResolvedRecipient, 'kind' | 'role' | 'ori' | 'court'>): string | undefined {
  if (recipient.kind !== 'office') return undefined;
  if (recipient.ori) return `role#${recipient.role}#${recipient.ori}`;
  if (recipient.court && recipient.role === 'court-clerk') return `role#${recipient.role}#${recipient.court}`;
  return `role#${recipient.role}`;
}

/** The audience partitions a signed-in caller reads: one per role, scoped by their agency and courts as office notices are. */
export function inboxKeysOf(caller: { readonly roles: readonly Role[]; readonly ori?: string; readonly courts: readonly string[] }): string[] {
  return caller.roles.flatMap((role) => {
    if (role === 'court-clerk') return caller.courts.map((c) => `role#${role}#${c}`);
    if (role === 'agency-admin' || role === 'agency-staff') return caller.ori ? [`role#${role}#${caller.ori}`] : [];
    return [`role#${role}`];
  });
}
