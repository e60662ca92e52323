import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { AwarenessRenewals, awarenessOn } from './adapters/awareness';
import { actingOf, CertificationIdParam, certificationIdOf } from './adapters/http';
import { CertificationStore } from './adapters/store';
import { AwarenessCompletionSchema } from './domain/certification';
import { certificationAwareness } from './routes';
import { recordAwareness } from './use-cases/awareness';

const { TABLE_NAME } = loadEnv({ TABLE_NAME: nonEmpty });
const ports = { store: new CertificationStore(TABLE_NAME), renewals: new AwarenessRenewals(TABLE_NAME), awareness: awarenessOn(TABLE_NAME), now: nowIso };

/** POST /search-certifications/{certificationId}/awareness: the unit records renewed Security Awareness Training; 200 with where it stands. */
export const handler = routeHandler(
  certificationAwareness,
  async (event) => json(200, await recordAwareness(ports, certificationIdOf(event.params), () => parseJsonBody(event, AwarenessCompletionSchema), actingOf(event))),
  { params: CertificationIdParam },
);
