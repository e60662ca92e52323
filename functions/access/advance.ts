import * as z from 'zod';
import { taskHandler } from '#shared/task';
import { ADVANCE_EVENTS } from './domain/advance';
import { changeStatus, loadRequest, mailer, portalPage } from './ports';
import { advance } from './use-cases/advance';

const Input = z.object({ requestId: z.string().min(1), event: z.enum(ADVANCE_EVENTS), note: z.string().max(2000).nullish() });

/** Moves the request on after a workflow step, and tells the people who need to know. */
export const handler = taskHandler(Input, ({ requestId, event, note }) => advance({ requestId, event, note: note ?? undefined }, { loadRequest, changeStatus, send: (email) => mailer.send(email), ...(portalPage ? { portalPage } : {}) }));
