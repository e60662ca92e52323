import * as z from 'zod/mini';

/**
 * The accounts routes' bodies and path parameters: pure zod, so the portal checks its forms with
 * the API's own schemas.
 */

/** POST /accounts/{accountId}/removal: why (kept on the record; never in the audit trail). */
export const RemovalSchema = z.object({ reason: z.string().check(z.trim(), z.minLength(3, 'must say why, in at least 3 characters'), z.maxLength(500)) });
export type Removal = z.infer<typeof RemovalSchema>;

/** POST /accounts/{accountId}/enablement: why the account should be enabled again (kept on the record; never in the audit trail). */
export const EnablementSchema = z.object({ reason: z.string().check(z.trim(), z.minLength(3, 'must say why, in at least 3 characters'), z.maxLength(500)) });
export type Enablement = z.infer<typeof EnablementSchema>;

/** POST /access-reviews/{reviewId}/confirmation: the accounts the administrator confirms still need their access. */
export const ConfirmationSchema = z.object({ accountIds: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.minLength(1, 'must name at least one account'), z.maxLength(500)) });

