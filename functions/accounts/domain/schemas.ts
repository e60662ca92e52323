import * as z from 'zod';

/**
 * The accounts routes' bodies and path parameters: pure zod, so the portal checks its forms with
 * the API's own schemas.
 */

/** POST /accounts/{accountId}/removal: why (kept on the record; never in the audit trail). */
export const RemovalSchema = z.object({ reason: z.string().trim().min(3, 'must say why, in at least 3 characters').max(500) });
export type Removal = z.infer<typeof RemovalSchema>;

/** POST /access-reviews/{reviewId}/confirmation: the accounts the administrator confirms still need their access. */
export const ConfirmationSchema = z.object({ accountIds: z.array(z.string().min(1).max(128)).min(1, 'must name at least one account').max(500) });

/** An account id as a path parameter: Cognito's sub (a UUID) or a local user name. */
export const AccountIdParam = z.object({ accountId: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/).catch('') });
export const ReviewIdParam = z.object({ reviewId: z.string().regex(/^\d{4}-Q[1-4]-[A-Z]{2}[A-Z0-9]{7}$/).catch('') });
