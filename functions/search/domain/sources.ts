/**
 * The registry of source systems (sources.json): which systems search reads, whose they are, what
 * they hold and how they deliver. Configuration, checked by the unit test; adding a source is an
 * entry there and its field map (field-maps.json, read by connectors.ts only), not code.
 *
 * Each source is modelled on a kind of Connecticut system named in CISS's own description; the
 * names are descriptive labels for a simulation, not statements about the real systems'
 * interfaces. `delivery` says how a source sends its changes: `events` (it pushes each change),
 * `batch` (it sends files of changes), `poll` (search asks its API for changes since a cursor).
 * The field maps are apart so that a function that needs only the registry (the query, the rules
 * of dissemination, the metrics) does not carry every source's field map in its bundle.
 */
import * as z from 'zod/mini';
import registry from './sources.json' with { type: 'json' };
import { lazy } from '#shared/lazy';
import { RecordKindSchema, SourceIdSchema } from './record';

export const DELIVERY_MODES = ['events', 'batch', 'poll'] as const;

export const SourceSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    id: SourceIdSchema,
    name: z.string().check(z.minLength(1), z.maxLength(80)),
    agency: z.string().check(z.minLength(1), z.maxLength(120)),
    kinds: z.array(RecordKindSchema).check(z.minLength(1)),
    delivery: z.object({ mode: z.enum(DELIVERY_MODES), everyMinutes: z.optional(z.int().check(z.gte(1), z.lte(10080))) }),
    /** What the simulated source stands for, in words. */
    modelledOn: z.string().check(z.minLength(1)),
  }),
);
export type Source = z.infer<typeof SourceSchema>;

export const RegistrySchema = /* @__PURE__ */ lazy(() =>
  z.object({ version: z.int().check(z.gte(1)), sources: z.array(SourceSchema).check(z.minLength(1)) }).check(z.refine((r) => new Set(r.sources.map((s) => s.id)).size === r.sources.length, { message: 'source ids must be unique', path: ['sources'] })),
);

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
