import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { viewOf } from './domain/workflow';
import { env, loadRequest } from './ports';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.object({ requestId: z.string().check(z.minLength(1)) }));

/**
 * What the human steps show and whom they go to, read from the request: for an execution
 * started without its view (create puts it in the input of every new one).
 */
export const handler = taskHandler(Input, async ({ requestId }) => viewOf(await loadRequest(requestId), env.CCHRS_UNIT_EMAIL));
