import * as z from 'zod/mini';
import { isoDate } from '#shared/formats';
import { lazy } from '#shared/lazy';

/**
 * The body of `POST /arrests/{packetId}/adjudication`: Judicial's disposition of every charge.
 * A pure module (zod only), so the portal's adjudication form checks with the API's own schema.
 */
export const DISPOSITIONS = ['guilty', 'guilty-lesser-offense', 'not-guilty', 'nolle', 'dismissed', 'diversionary-program'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Built on first use (`lazy`), not at import. */
export const AdjudicationSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    dispositions: z.array(
      z.object({
        chargeSequenceID: z.number().check(z.int(), z.gte(1)),
        disposition: z.enum(DISPOSITIONS, { message: `must be one of: ${DISPOSITIONS.join(', ')}` }),
        dispositionDate: isoDate('must be a date, YYYY-MM-DD'),
      }),
    ).check(z.minLength(1, 'must give the disposition of every charge')),
  }),
);
export type Adjudication = z.infer<typeof AdjudicationSchema>;
