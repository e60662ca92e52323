/**
 * The registry of source systems (sources.json): which systems search reads, whose they are, what
 * they hold and how they deliver. Configuration, checked by the unit test; adding a source is an
 * entry there and its connector's field map, not code.
 */
import * as z from 'zod/mini';
import registry from './sources.json' with { type: 'json' };
import { IDENTIFIER_KINDS, RecordKindSchema, SourceIdSchema } from './record';

export const DELIVERY_MODES = ['events', 'batch', 'poll'] as const;

export const SourceSchema = z.object({
  id: SourceIdSchema,
  name: z.string().check(z.minLength(1), z.maxLength(80)),
  agency: z.string().check(z.minLength(1), z.maxLength(120)),
  kinds: z.array(RecordKindSchema).check(z.minLength(1)),
  delivery: z.object({ mode: z.enum(DELIVERY_MODES), everyMinutes: z.optional(z.int().check(z.gte(1), z.lte(10080))) }),
  /** What the simulated source stands for, in words. */
  modelledOn: z.string().check(z.minLength(1)),
  /** What every record of the source has: its kind, its title, and an id or identifiers made of several fields (connectors.ts). */
  record: z.optional(z.object({
    kind: RecordKindSchema,
    /** A template: `{path}` is the source's field at that path. */
    title: z.string().check(z.minLength(1), z.maxLength(200)),
    /** When a field maps to `kind`: its values and the kinds they stand for. */
    kinds: z.optional(z.record(z.string(), RecordKindSchema)),
    /** A template for the record id, when the source's id is made of several fields. */
    id: z.optional(z.string().check(z.minLength(1))),
    identifiers: z.optional(z.partialRecord(z.enum(IDENTIFIER_KINDS), z.string().check(z.minLength(1)))),
  })),
  /** The source's own field names (dotted paths) and the canonical targets each maps to (connectors.ts). */
  fields: z.optional(z.record(z.string(), z.string())),
});
export type Source = z.infer<typeof SourceSchema>;

export const RegistrySchema = z.object({ version: z.int().check(z.gte(1)), sources: z.array(SourceSchema).check(z.minLength(1)) }).check(z.refine((r) => new Set(r.sources.map((s) => s.id)).size === r.sources.length, { message: 'source ids must be unique', path: ['sources'] }));

/**
 * The registry as shipped. It is fixed data in the bundle, checked against RegistrySchema by the
 * unit test (test/unit/search-sources.test.ts), not parsed again at every cold start: that parse
 * cost each of the 18 functions importing it about 12 ms of CPU.
 */
export const REGISTRY = registry as unknown as z.infer<typeof RegistrySchema>; // JSON's inferred type knows no enums or optional fields
export const SOURCES: readonly Source[] = REGISTRY.sources;

/** The source of the arrest workflow's own packets. */
export const ARRESTS_SOURCE = 'ciss-arrests';

const byId = new Map(SOURCES.map((s) => [s.id, s]));
/** A source by id, or undefined when the registry has none by that id. */
export const sourceOf = (id: string): Source | undefined => byId.get(id);
