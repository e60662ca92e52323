import * as z from 'zod/mini';

/** Every arrest event comes from here. */
export const ARREST_EVENTS_SOURCE = 'ciss.arrests';

/**
 * An arrest event definition: the fields every arrest event carries (which packet and version,
 * which agency, its new status, when), then its own. No personal data: consumers read the
 * packet through the API, which checks their role.
 */
export function arrestEvent<D extends string, S extends string, E extends z.core.$ZodShape>(detailType: D, status: S, own: () => E) {
  const schema = () =>
    z.object({
      version: z.literal('1'),
      packetId: z.string().check(z.minLength(1)),
      packetVersion: z.number().check(z.int(), z.positive()),
      ori: z.string().check(z.length(9)),
      incidentNumber: z.string().check(z.minLength(1)),
      status: z.literal(status),
      occurredAt: z.string().check(z.minLength(1)),
      ...own(),
    });
  let detail: ReturnType<typeof schema> | undefined;
  return {
    source: ARREST_EVENTS_SOURCE,
    detailType,
    version: '1',
    /**
     * The detail's schema, built on first use: most functions importing an event read only its
     * source and detail type (to publish it, or to name it in a rule), and building the eight
     * events' schemas at import cost every one of them at cold start.
     */
    get detail() {
      return (detail ??= schema());
    },
  } as const;
}
