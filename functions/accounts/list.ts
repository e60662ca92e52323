import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { OriSchema } from '#shared/ids';
import { AccountStore } from './adapters/store';
import { actingOf } from './adapters/wiring';
import { accountsList } from './routes';
import { listAccounts } from './use-cases/review';

const ports = { store: new AccountStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME) };
const Query = z.object({ ori: z.optional(OriSchema) });

/** GET /accounts?ori=: an agency's accounts, their access and last sign-in. */
export const handler = routeHandler(accountsList, async (event) => json(200, await listAccounts(ports, parseWith(Query, event.queryStringParameters ?? {}).ori, actingOf(event))));
