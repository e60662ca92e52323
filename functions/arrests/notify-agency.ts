import * as z from 'zod/mini';
import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, optionalText } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { NOTICE_KINDS } from './domain/notice';
import { store } from './ports';
import { notifyAgency } from './use-cases/notify-agency';

const text = z.string().check(z.minLength(1));
/** What the notice says of the packet, carried by the execution (absent for one started before it carried it: the packet is read). */
const About = z.object({
  ori: text,
  incidentNumber: text,
  contactEmail: z.email(),
  problems: z.optional(z.array(z.object({ field: z.string(), rule: z.string() }))),
  returnReason: z.optional(text),
  docketNumber: z.optional(text),
});
const Input = z.object({ packetId: text, version: z.number().check(z.int(), z.positive()), kind: z.enum(NOTICE_KINDS), about: z.optional(About) });

const config = loadEnv({ PORTAL_URL: optionalText });

const mailer = envMailer();

/** Tells the agency what happened to its packet (steps 2, 3 and 5): an e-mail, on the packet's trail. */
export const handler = taskHandler(Input, (input) => notifyAgency(input, { store, send: (email) => mailer.send(email), now: nowIso, ...(config.PORTAL_URL ? { portalUrl: config.PORTAL_URL } : {}) }));
