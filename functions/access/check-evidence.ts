import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { TRAINING_MODULES } from './domain/training';
import { loadRequest } from './ports';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.object({ requestId: z.string().check(z.minLength(1)) }));

/**
 * After the unit says "verified": both modules must carry their CJIS Online completion (date
 * and record id) on the request, whichever channel the decision came from.
 */
export const handler = taskHandler(Input, async ({ requestId }) => {
  const request = await loadRequest(requestId);
  const missing = Object.keys(TRAINING_MODULES).filter((m) => !request.training?.[m]);
  return { complete: missing.length === 0, missing };
});
