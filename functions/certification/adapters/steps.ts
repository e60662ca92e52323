import * as z from 'zod/mini';
import { sesMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { nowIso } from '#shared/time';
import { CertificationStore } from './store';
import { awarenessOn } from './awareness';
import type { StepPorts } from '../use-cases/steps';

/** What every step of the certification workflow is wired to. */
export const env = loadEnv({ TABLE_NAME: nonEmpty, SENDER_EMAIL: nonEmpty, SES_CONFIGURATION_SET: z.optional(z.string()), CCHRS_UNIT_EMAIL: z.email() });

const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);
export const stepPorts: StepPorts = { store: new CertificationStore(env.TABLE_NAME), send: (email) => mailer.send(email), now: nowIso, unitEmail: env.CCHRS_UNIT_EMAIL, awareness: awarenessOn(env.TABLE_NAME) };

export const CertificationInput = z.object({ certificationId: z.string().check(z.minLength(1)) });
