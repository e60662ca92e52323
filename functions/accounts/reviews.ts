import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { OriSchema } from '#shared/ids';
import { AccountStore } from './adapters/store';
import { actingOf } from './adapters/wiring';
import { accessReviewsList } from './routes';
import { listReviews } from './use-cases/review';

const ports = { store: new AccountStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME) };
const Query = z.object({ ori: z.optional(OriSchema) });

/** GET /access-reviews?ori=: the quarterly reviews the caller may see, newest first. */
export const handler = routeHandler(accessReviewsList, async (event) => json(200, await listReviews(ports, parseWith(Query, event.queryStringParameters ?? {}).ori, actingOf(event))));
