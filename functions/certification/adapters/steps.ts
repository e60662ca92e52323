import * as z from 'zod/mini';
import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import { CertificationStore } from './store';
import { awarenessOn } from './awareness';
import type { StepPorts } from '../use-cases/steps';

/** What every step of the certification workflow is wired to. */
export const env = loadEnv({ TABLE_NAME: nonEmpty, CCHRS_UNIT_EMAIL: z.email() });

const mailer = envMailer();
export const stepPorts: StepPorts = { store: new CertificationStore(env.TABLE_NAME), send: (email) => mailer.send(email), now: nowIso, unitEmail: env.CCHRS_UNIT_EMAIL, awareness: awarenessOn(env.TABLE_NAME) };

export const CertificationInput = lazy(() => z.object({ certificationId: z.string().check(z.minLength(1)) }));
