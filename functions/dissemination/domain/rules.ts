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

/** The events a rule may listen to: the arrest workflow's, by their EventBridge detail-type. */
export const RULE_EVENTS = [ArrestPacketReceived.detailType, ArrestPacketAccepted.detailType, ArrestDataAvailable.detailType, ArrestPacketAdjudicated.detailType] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

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
  'order.court',
  'order.expires',
  'order.protected-party',
] as const;
export type NoticeFieldName = (typeof NOTICE_FIELDS)[number];

/** The kinds of search record a condition may look for about the arrestee. */
export const MATCHED_KINDS = ['supervision', 'protective-order'] as const;
export type MatchedKind = (typeof MATCHED_KINDS)[number];

export const ConditionSchema = z.discriminatedUnion('kind', [
  /** Every event of the kind. */
  z.strictObject({ kind: z.literal('always') }),
  /**
   * The arrestee is the person of a record of this kind in the search sources: the same SID, or
   * the same surname, given name and date of birth (normalised as search normalises names).
   * `activeOnly`: a record whose Status is not Active, or whose end or expiry date has passed, does not count.
   */
  z.strictObject({
    kind: z.literal('arrestee-has-record'),
    recordKind: z.enum(MATCHED_KINDS),
    matchBy: z.array(z.enum(['sid', 'name-and-dob'])).check(z.minLength(1)),
    activeOnly: z.boolean(),
  }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

/** The offices a rule can address, and the roles that have an office there (each with its mailbox: offices.ts). */
export const OFFICES = { 'packet-court': ['court-clerk', 'dcj', 'judicial'], 'packet-agency': ['agency-staff', 'agency-admin'] } as const satisfies Record<string, readonly Role[]>;
export const OFFICE_SCOPES = Object.keys(OFFICES) as (keyof typeof OFFICES)[];

export const RecipientSchema = z.discriminatedUnion('kind', [
  /** The office of a role for the packet's court or agency: its mailbox, and in the portal everyone of that role there. */
  z
    .strictObject({ kind: z.literal('office'), role: z.enum(ROLES), of: z.enum(['packet-court', 'packet-agency']) })
    .check(z.refine((o) => (OFFICES[o.of] as readonly Role[]).includes(o.role), { message: `must be an office there: ${Object.entries(OFFICES).map(([of, roles]) => `${of}: ${roles.join(', ')}`).join('; ')}`, path: ['role'] })),
  /**
   * A person the matched record names: the supervising officer of a supervision record. `role` is
   * the role the rule sends to them as; visibility is decided for it.
   */
  z.strictObject({ kind: z.literal('record-assignee'), assignee: z.literal('supervising-officer'), role: z.enum(ROLES) }),
]);
export type Recipient = z.infer<typeof RecipientSchema>;

export const RuleIdSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{2,62}$/, 'must be a rule id: lower-case letters, digits and -'));

export const RuleSchema = z
  .strictObject({
    id: RuleIdSchema,
    /** Raised with every change to the rule; each notice and its audit record name it. */
    version: z.int().check(z.minimum(1)),
    title: z.string().check(z.minLength(1), z.maxLength(120)),
    purpose: z.string().check(z.minLength(1), z.maxLength(400)),
    /** Who reviewed this version, and when. */
    review: z.strictObject({ by: z.string().check(z.minLength(1), z.maxLength(120)), on: isoDate() }),
    on: z.enum(RULE_EVENTS),
    condition: ConditionSchema,
    recipients: z.array(RecipientSchema).check(z.minLength(1), z.maxLength(5)),
    /** The fields sent, in this order: the minimum the receiver needs. */
    fields: z.array(z.enum(NOTICE_FIELDS)).check(z.minLength(1)),
    /** Whether a receiver may mute this rule's notices for themselves. */
    mutable: z.boolean(),
  })
  .check(
    z.refine((r) => new Set(r.fields).size === r.fields.length, { message: 'must name each field once', path: ['fields'] }),
    z.refine((r) => r.fields.every((f) => !f.startsWith('supervision.') || (r.condition.kind === 'arrestee-has-record' && r.condition.recordKind === 'supervision')), {
      message: 'supervision fields need a condition that matches a supervision record',
      path: ['fields'],
    }),
    z.refine((r) => r.fields.every((f) => !f.startsWith('order.') || (r.condition.kind === 'arrestee-has-record' && r.condition.recordKind === 'protective-order')), {
      message: 'order fields need a condition that matches a protective order',
      path: ['fields'],
    }),
    z.refine((r) => r.recipients.every((x) => x.kind !== 'record-assignee' || (r.condition.kind === 'arrestee-has-record' && r.condition.recordKind === 'supervision')), {
      message: 'a supervising officer is named only by a matched supervision record',
      path: ['recipients'],
    }),
  );
export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetSchema = z
  .object({ rules: z.array(RuleSchema).check(z.minLength(1)) })
  .check(z.refine((s) => new Set(s.rules.map((r) => r.id)).size === s.rules.length, { message: 'rule ids must be unique', path: ['rules'] }));

/** The rules in force (rules.json), checked when the module loads: a bad file fails at cold start. */
export const RULES: readonly Rule[] = RuleSetSchema.parse(data).rules;

export const ruleOf = (id: string, rules: readonly Rule[] = RULES): Rule | undefined => rules.find((r) => r.id === id);

/** The rules listening to an event. */
export const rulesFor = (event: string, rules: readonly Rule[] = RULES): readonly Rule[] => rules.filter((r) => r.on === event);
