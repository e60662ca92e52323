import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { ADVANCE_EVENTS } from './domain/advance';
import { changeStatus, loadRequest, mailer, portalPage } from './ports';
import { advance } from './use-cases/advance';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.object({
  requestId: z.string().check(z.minLength(1)),
  event: z.enum(ADVANCE_EVENTS),
  note: z.nullish(z.string().check(z.maxLength(2000))),
  /** The execution's view: whom to mail, when it carries them (an execution started with its view). */
  view: z.optional(z.object({ employee: z.optional(z.object({ fullName: z.string(), email: z.string() })), requestedBy: z.optional(z.object({ email: z.optional(z.string()) })) })),
}));

/** Moves the request on after a workflow step, and tells the people who need to know. */
export const handler = taskHandler(Input, ({ requestId, event, note, view }) => {
  const about = view?.employee && view.requestedBy ? { employee: view.employee, requestedBy: view.requestedBy } : undefined;
  return advance({ requestId, event, note: note ?? undefined, ...(about ? { about } : {}) }, { loadRequest, changeStatus, send: (email) => mailer.send(email), ...(portalPage ? { portalPage } : {}) });
});
