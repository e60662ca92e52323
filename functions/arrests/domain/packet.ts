import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { isoDate, isoDateTime } from '#shared/formats';
import { OriSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { CITATION, CITATION_FORM, OFFENSE_CLASSES } from './statutes';


const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(max, `must be at most ${max} characters`));

/*
 * The packet's schemas are built on first use (`lazy`), not at import: they are the largest a
 * function builds (6–13 ms of CPU at import in arrests-validate and arrests-transmit, whose input
 * carries the packet), and a function that refuses its input, or never reads a packet, need not pay.
 */
export const PersonNameSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    givenName: text(60),
    middleName: z.optional(text(60)),
    surName: text(60),
    nameSuffix: z.optional(text(10)),
  }),
);

export const AddressSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    streetFullText: text(120),
    cityName: text(60),
    stateCode: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be a 2-letter state code')),
    postalCode: z.string().check(z.regex(/^\d{5}(-\d{4})?$/, 'must be a ZIP code, e.g. 06103')),
  }),
);

/** What kind of arrest: it decides which documents must come with the packet. */
export const ARREST_TYPES = ['custodial', 'summons'] as const;
export const DOCUMENT_TYPES = ['uniform-arrest-report', 'misdemeanor-summons', 'custodial-arrest-report', 'arrest-warrant-affidavit', 'incident-report'] as const;
export const RELEASE_TYPES = ['held', 'surety-bond', 'cash-bond', 'promise-to-appear', 'summons-release'] as const;

export const ChargeSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    chargeSequenceID: z.number().check(z.int(), z.gte(1), z.lte(99)),
    /** The citation as the RMS sends it, subsections and all (`53a-61(a)(1)`); validated against its section. */
    statuteSection: z.string().check(z.maxLength(60, 'must be at most 60 characters'), z.regex(CITATION, `must be ${CITATION_FORM}`)),
    chargeDescriptionText: text(200),
    offenseClass: z.enum(OFFENSE_CLASSES, { message: `must be one of: ${OFFENSE_CLASSES.join(', ')}` }),
    chargeCountQuantity: z.number().check(z.int(), z.gte(1), z.lte(99)),
  }),
);
export type Charge = z.infer<typeof ChargeSchema>;

/**
 * The arrest packet an agency's records system (RMS) sends, with NIEM Justice names where they
 * fit. The schema is the edge check (shape, formats); the business rules (statutes known, dates
 * that make sense, documents for the arrest type) run in the workflow's Validate step.
 */
export const ArrestPacketSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    agency: z.object({
      ori: OriSchema,
      organizationName: text(120),
      /** Where the agency is told what happened to its packet. */
      contactEmail: z.email('must be an e-mail address'),
    }),
    /** The RMS case / incident number: with the ORI, the packet's idempotency key. */
    incidentNumber: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, 'must be 1 to 40 letters, digits or hyphens')),
    arrest: z.object({
      activityDateTime: isoDateTime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }),
      arrestType: z.enum(ARREST_TYPES, { message: `must be one of: ${ARREST_TYPES.join(', ')}` }),
      location: AddressSchema,
    }),
    arrestee: z.object({
      personName: PersonNameSchema,
      personBirthDate: isoDate('must be a date, YYYY-MM-DD'),
      personSex: z.enum(['M', 'F', 'X', 'U'], { message: 'must be M, F, X or U' }),
      personRace: z.enum(['W', 'B', 'A', 'I', 'P', 'U'], { message: 'must be an NCIC race code: W, B, A, I, P or U' }),
      address: AddressSchema,
      stateIdentification: z.optional(z.string().check(z.regex(/^CT\d{8}$/, 'must be a Connecticut SID, CT and 8 digits'))),
      fbiIdentification: z.optional(z.string().check(z.regex(/^[A-Z0-9]{1,9}$/, 'must be up to 9 letters or digits'))),
    }),
    charges: z.array(ChargeSchema).check(z.minLength(1, 'must list at least one charge'), z.maxLength(50, 'must list at most 50 charges'), z.refine((charges) => new Set(charges.map((c) => c.chargeSequenceID)).size === charges.length, 'must number each charge with a different chargeSequenceID')),
    arrestingOfficer: z.object({
      personName: z.pick(PersonNameSchema, { givenName: true, surName: true }),
      badgeIdentification: z.string().check(z.regex(/^[A-Za-z0-9-]{1,12}$/, 'must be 1 to 12 letters, digits or hyphens')),
    }),
    court: z.object({
      gaNumber: z.number().check(z.int(), z.gte(1), z.lte(23)),
      locationName: z.optional(text(60)),
    }),
    arraignmentDate: isoDate('must be a date, YYYY-MM-DD'),
    release: z.object({
      releaseType: z.enum(RELEASE_TYPES, { message: `must be one of: ${RELEASE_TYPES.join(', ')}` }),
      bondAmount: z.optional(z.number().check(z.nonnegative(), z.lte(100_000_000))),
    }).check(z.refine((r) => !r.releaseType.endsWith('-bond') || r.bondAmount !== undefined, { message: 'must give bondAmount for a bond release', path: ['bondAmount'] })),
    documents: z.array(
      z.object({
        documentType: z.enum(DOCUMENT_TYPES, { message: `must be one of: ${DOCUMENT_TYPES.join(', ')}` }),
        documentReference: text(200),
      }),
    ).check(z.maxLength(20, 'must attach at most 20 documents')),
  }),
);

/**
 * The input of a packet's automated step (validate, transmit): the packet as stored travels with
 * the execution (absent for one too large to carry, or started before it carried it). Built on
 * the first invocation, not at import.
 */
export const PacketStepInputSchema = /* @__PURE__ */ lazy(() => {
  const id = z.string().check(z.minLength(1));
  return z.object({ packetId: id, version: z.number().check(z.int(), z.positive()), packet: z.optional(ArrestPacketSchema), ori: z.optional(id), incidentNumber: z.optional(id) });
});

/** The step's packet and version, with what the execution carried when it carried all of it. */
export function packetStep({ packetId, version, packet, ori, incidentNumber }: z.infer<typeof PacketStepInputSchema>) {
  return { packetId, version, ...(packet && ori && incidentNumber ? { carried: { packet, ori, incidentNumber } } : {}) };
}
export type ArrestPacket = z.infer<typeof ArrestPacketSchema>;

/** The largest request body `POST /arrests` takes; a real packet is a few kilobytes. */
export const MAX_PACKET_BYTES = 256 * 1024;

/**
 * The packet id, derived from its idempotency key (ORI, incident number): a retried POST names
 * the same packet, and the execution name derived from it cannot start twice. Keyed (HMAC with
 * the `packet-id-key` secret), so an id does not give back its incident number to whoever tries
 * an agency's numbering, as an unkeyed hash would.
 */
export function packetIdOf(key: Buffer, ori: string, incidentNumber: string): string {
  return `ap-${createHmac('sha256', key).update(`${ori}\n${incidentNumber.toUpperCase()}`).digest('hex').slice(0, 24)}`;
}

/** Fingerprint of the content, key order ignored: the same packet again is the same packet. */
export function contentHash(packet: ArrestPacket): string {
  return createHash('sha256').update(canonical(packet)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Execution name of a packet version: deterministic, so StartExecution is idempotent. */
export function executionNameOf(packetId: string, version: number): string {
  return `${packetId}-v${version}`;
}
