import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { ADVANCE_EVENTS } from './domain/advance';
import { changeStatus, loadRequest, mailer, portalPage } from './ports';
import { advance } from './use-cases/advance';

const Input = z.object({ requestId: z.string().check(z.minLength(1)), event: z.enum(ADVANCE_EVENTS), note: z.nullish(z.string().check(z.maxLength(2000))) });

/** Moves the request on after a workflow step, and tells the people who need to know. */
export const handler = taskHandler(Input, ({ requestId, event, note }) => advance({ requestId, event, note: note ?? undefined }, { loadRequest, changeStatus, send: (email) => mailer.send(email), ...(portalPage ? { portalPage } : {}) }));
