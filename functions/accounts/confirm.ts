import * as z from 'zod/mini';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { NotFound } from '#shared/errors';
import { json, orElse, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { AccountStore } from './adapters/store';
import { actingOf } from './adapters/wiring';
import { ConfirmationSchema } from './domain/account';
import { accessReviewConfirm } from './routes';
import { confirmReview } from './use-cases/review';

/** A malformed id reads as a missing one (404), never echoed. */
const ReviewIdParam = z.object({ reviewId: orElse(z.string().check(z.regex(/^\d{4}-Q[1-4]-[A-Z]{2}[A-Z0-9]{7}$/)), '') });

const ports = { store: new AccountStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME), audit: recordAudit, now: nowIso };

/** POST /access-reviews/{reviewId}/confirmation `{accountIds}`: those accounts keep their access. */
export const handler = routeHandler(
  accessReviewConfirm,
  async (event) => {
    if (!event.params.reviewId) throw new NotFound('No such access review');
    const { accountIds } = parseJsonBody(event, ConfirmationSchema);
    return json(200, await confirmReview(ports, event.params.reviewId, accountIds, actingOf(event)));
  },
  { params: ReviewIdParam },
);
