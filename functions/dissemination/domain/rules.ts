/**
 * Dissemination rules as data (rules.json), checked here once when loaded: which event a rule
 * listens to, the condition over the event and what the search sources know of the person, who
 * receives the notice, and the exact, minimal set of fields it carries. A rule is versioned and
 * names its review; each one has its own case in test/unit/dissemination-rules.test.ts.
 *
 * What a receiver may see is not decided here: the notice's fields pass through CISS Search's
 * visibility rules (functions/search/domain/visibility.ts) for the receiver's role, and the arrest
 * packet through the arrests' audience policy, before anything is sent.
 */
import * as z from 'zod/mini';
import { ROLES, type Role } from '#shared/roles';
import { ArrestDataAvailable } from '#events/arrest-data-available';
import { ArrestPacketAccepted } from '#events/arrest-packet-accepted';
import { ArrestPacketAdjudicated } from '#events/arrest-packet-adjudicated';
import { ArrestPacketReceived } from '#events/arrest-packet-received';
import data from './rules.json' with { type: 'json' };
import { isoDate } from '#shared/formats';
import { ARRESTS_SOURCE, SOURCES, sourceOf } from '../../search/domain/sources';
import { lazy } from '#shared/lazy';

/** The arrest workflow's events a rule may listen to, by their EventBridge detail-type (source `ciss.arrests`). */
export const RULE_EVENTS = [ArrestPacketReceived.detailType, ArrestPacketAccepted.detailType, ArrestDataAvailable.detailType, ArrestPacketAdjudicated.detailType] as const;
export type ArrestRuleEvent = (typeof RULE_EVENTS)[number];

/**
 * The search sources' record events: a source that pushes its changes (delivery `events` in
 * search's sources.json) puts them on the bus as `SearchRecordsChanged` from `ciss.search.<id>`;
 * search ingests them and tells the records it wrote (SearchRecordsWritten, ids only), which a
 * rule naming the source hears. A rule and its notices name the source's event.
 */
export const SOURCE_RECORD_EVENT = 'SearchRecordsChanged' as const;
export type RuleEvent = ArrestRuleEvent | typeof SOURCE_RECORD_EVENT;

/** The sources whose record events a rule may name: those that push their changes (the arrest workflow has its own events). */
export const PUSHING_SOURCES: readonly string[] = SOURCES.filter((s) => s.delivery.mode === 'events' && s.id !== ARRESTS_SOURCE).map((s) => s.id);

/** The fields a notice may carry, each read from one record (see notice.ts). */
export const NOTICE_FIELDS = [
  'arrestee.name',
  'arrestee.dob',
  'arrestee.sid',
  'arrest.incident',
  'arrest.date',
  'arrest.town',
  'arrest.agency',
  'arrest.statutes',
  'arrest.charges',
  'arrest.court',
  'arrest.arraignment',
  'arrest.docket',
  'arrest.dispositions',
  'supervision.case',
  'supervision.office',
  'order.title',
  'order.type',
  'order.issued',
  'order.court',
  'order.expires',
  'order.protected-party',
] as const;
export type NoticeFieldName = (typeof NOTICE_FIELDS)[number];

/** The kinds of search record a condition may look for about a person: a supervision, a protective order, an open arrest. */
export const MATCHED_KINDS = ['supervision', 'protective-order', 'arrest'] as const;
/** The kinds a rule on the arrest workflow's events matches the arrestee against. */
const ARRESTEE_KINDS = ['supervision', 'protective-order'] as const;
/** The kinds of a source's record a rule on its record events may look at. */
export const SOURCE_RECORD_KINDS = ['supervision', 'protective-order'] as const;
export type MatchedKind = (typeof MATCHED_KINDS)[number];

export const ConditionSchema = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('kind', [
    /** Every event of the kind. */
    z.strictObject({ kind: z.literal('always') }),
    /**
     * The arrestee is the person of a record of this kind in the search sources: the same SID, or
     * the same surname, given name and date of birth (normalised as search normalises names).
     * `activeOnly`: a record whose Status is not Active, or whose end or expiry date has passed, does not count.
     */
    z.strictObject({
      kind: z.literal('arrestee-has-record'),
      recordKind: z.enum(ARRESTEE_KINDS),
      matchBy: z.array(z.enum(['sid', 'name-and-dob'])).check(z.minLength(1)),
      activeOnly: z.boolean(),
    }),
    /**
     * A source's record event: a record of this kind was written (an upsert; an erase or a seal
     * tells no one), and its person has an open arrest in CISS Search: a ciss-arrests record whose
     * packet is AVAILABLE (published, not yet adjudicated), the same SID or surname, given name and
     * date of birth. `activeOnly`: the written record must be in force (Status Active when it has
     * one, its end or expiry not passed). The notice is about the open arrest's packet.
     */
    z.strictObject({
      kind: z.literal('record-person-has-open-arrest'),
      recordKind: z.enum(SOURCE_RECORD_KINDS),
      matchBy: z.array(z.enum(['sid', 'name-and-dob'])).check(z.minLength(1)),
      activeOnly: z.boolean(),
    }),
  ]),
);
export type Condition = z.infer<typeof ConditionSchema>;

/** The offices a rule can address, and the roles that have an office there (each with its mailbox: offices.ts). */
export const OFFICES = { 'packet-court': ['court-clerk', 'dcj', 'judicial'], 'packet-agency': ['agency-staff', 'agency-admin'] } as const satisfies Record<string, readonly Role[]>;
export const OFFICE_SCOPES = Object.keys(OFFICES) as (keyof typeof OFFICES)[];

export const RecipientSchema = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('kind', [
    /** The office of a role for the packet's court or agency: its mailbox, and in the portal everyone of that role there. */
    z
      .strictObject({ kind: z.literal('office'), role: z.enum(ROLES), of: z.enum(['packet-court', 'packet-agency']) })
      .check(z.refine((o) => (OFFICES[o.of] as readonly Role[]).includes(o.role), { message: `must be an office there: ${Object.entries(OFFICES).map(([of, roles]) => `${of}: ${roles.join(', ')}`).join('; ')}`, path: ['role'] })),
    /**
     * A person the matched record names: the supervising officer of a supervision record. `role` is
     * the role the rule sends to them as; visibility is decided for it.
     */
    z.strictObject({ kind: z.literal('record-assignee'), assignee: z.literal('supervising-officer'), role: z.enum(ROLES) }),
  ]),
);
export type Recipient = z.infer<typeof RecipientSchema>;

/** The kind of record a condition matches or looks at (none for `always`). */
export const recordKindOf = (c: Condition): MatchedKind | undefined => (c.kind === 'always' ? undefined : c.recordKind);

/**
 * The facts of an arrest a supervising officer hears of before the packet is published (before
 * AVAILABLE, the justice community's roles may not read it): who was arrested (what their own
 * supervision record already says), when, by which agency, for which statutes, and which court
 * arraigns. The packet's other content (charge narratives, incident, docket, dispositions) waits
 * until their role may read the packet (domain/notice.ts applies the same list).
 */
export const ARREST_FACT_FIELDS = ['arrestee.name', 'arrestee.dob', 'arrestee.sid', 'arrest.date', 'arrest.agency', 'arrest.statutes', 'arrest.court', 'arrest.arraignment'] as const satisfies readonly NoticeFieldName[];

/** Whether a rule's event comes before the packet is published (AVAILABLE): receipt or acceptance. */
const beforePublication = (r: { readonly on: string }): boolean => r.on === ArrestPacketReceived.detailType || r.on === ArrestPacketAccepted.detailType;

export const RuleIdSchema = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{2,62}$/, 'must be a rule id: lower-case letters, digits and -')));

export const RuleSchema = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      id: RuleIdSchema,
      /** Raised with every change to the rule; each notice and its audit record name it. */
      version: z.int().check(z.minimum(1)),
      title: z.string().check(z.minLength(1), z.maxLength(120)),
      purpose: z.string().check(z.minLength(1), z.maxLength(400)),
      /** Who reviewed this version, and when. */
      review: z.strictObject({ by: z.string().check(z.minLength(1), z.maxLength(120)), on: isoDate() }),
      on: z.enum([...RULE_EVENTS, SOURCE_RECORD_EVENT]),
      /** For `SearchRecordsChanged`: the source whose record events the rule hears (one that pushes its changes). */
      source: z.optional(z.string()),
      condition: ConditionSchema,
      recipients: z.array(RecipientSchema).check(z.minLength(1), z.maxLength(5)),
      /** The fields sent, in this order: the minimum the receiver needs. */
      fields: z.array(z.enum(NOTICE_FIELDS)).check(z.minLength(1)),
      /** Whether a receiver may mute this rule's notices for themselves. */
      mutable: z.boolean(),
    })
    .check(
      z.refine((r) => new Set(r.fields).size === r.fields.length, { message: 'must name each field once', path: ['fields'] }),
      z.refine((r) => r.fields.every((f) => !f.startsWith('supervision.') || recordKindOf(r.condition) === 'supervision'), {
        message: 'supervision fields need a condition that matches a supervision record',
        path: ['fields'],
      }),
      z.refine((r) => r.fields.every((f) => !f.startsWith('order.') || recordKindOf(r.condition) === 'protective-order'), {
        message: 'order fields need a condition that matches a protective order',
        path: ['fields'],
      }),
      z.refine((r) => r.recipients.every((x) => x.kind !== 'record-assignee' || recordKindOf(r.condition) === 'supervision'), {
        message: 'a supervising officer is named only by a matched supervision record',
        path: ['recipients'],
      }),
      z.refine((r) => (r.on === SOURCE_RECORD_EVENT) === (r.condition.kind === 'record-person-has-open-arrest'), {
        message: `a rule on ${SOURCE_RECORD_EVENT} needs the condition record-person-has-open-arrest, and that condition needs ${SOURCE_RECORD_EVENT}`,
        path: ['condition'],
      }),
      z.refine((r) => (r.on === SOURCE_RECORD_EVENT ? r.source !== undefined && PUSHING_SOURCES.includes(r.source) : r.source === undefined), {
        message: `must name a source that pushes its record events (${PUSHING_SOURCES.join(', ')}) on ${SOURCE_RECORD_EVENT}, and none on an arrest event`,
        path: ['source'],
      }),
      z.refine((r) => r.condition.kind !== 'record-person-has-open-arrest' || (sourceOf(r.source ?? '')?.kinds as readonly string[] | undefined)?.includes(r.condition.recordKind) === true, {
        message: "must be a kind of record the rule's source holds",
        path: ['condition', 'recordKind'],
      }),
      z.refine((r) => !beforePublication(r) || r.recipients.every((x) => x.kind !== 'record-assignee') || r.fields.every((f) => (ARREST_FACT_FIELDS as readonly string[]).includes(f) || !f.startsWith('arrest')), {
        message: `a supervising officer hears of an arrest before it is published only its facts (${ARREST_FACT_FIELDS.join(', ')}) and their own record's fields`,
        path: ['fields'],
      }),
    ),
);
export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetSchema = /* @__PURE__ */ lazy(() =>
  z
    .object({ rules: z.array(RuleSchema).check(z.minLength(1)) })
    .check(z.refine((s) => new Set(s.rules.map((r) => r.id)).size === s.rules.length, { message: 'rule ids must be unique', path: ['rules'] })),
);

/**
 * The rules in force (rules.json) as shipped: fixed data in the bundle, checked against
 * RuleSetSchema by the unit test (test/unit/dissemination-rules.test.ts), as search's registry and
 * field maps are, not parsed in a function. Parsing them on first use cost every function that
 * reads a rule 6–20 ms of CPU and carried the rules' schemas (and the registry they check sources
 * against) in its bundle: 6 KB of dissemination-disseminate's.
 */
export const RULES = (data as unknown as { readonly rules: readonly Rule[] }).rules; // JSON's inferred type knows no enums or unions
export const checkedRules = (): readonly Rule[] => RULES;

export const ruleOf = (id: string, rules: readonly Rule[] = checkedRules()): Rule | undefined => rules.find((r) => r.id === id);

/** The rules listening to an event (for a source's record events, those naming the source). */
export const rulesFor = (event: string, rules: readonly Rule[] = checkedRules(), source?: string): readonly Rule[] => rules.filter((r) => r.on === event && r.source === source);

/** The sources whose record events the rules in force listen to (the event rule's pattern names them). */
export const sourcesHeard = (rules: readonly Rule[] = checkedRules()): string[] => [...new Set(rules.flatMap((r) => (r.source ? [r.source] : [])))].sort();
