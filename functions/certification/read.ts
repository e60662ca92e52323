import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { nowIso } from '#shared/time';
import { json, routeHandler } from '#shared/http';
import { actingOf, CertificationIdParam, certificationIdOf } from './adapters/http';
import { CertificationStore } from './adapters/store';
import { certificationRead } from './routes';
import { readCertification } from './use-cases/read';

const ports = { store: new CertificationStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME), audit: recordAudit, now: nowIso };

/** GET /search-certifications/{certificationId}: the certification, its attempts and timeline; another agency's reads as missing. */
export const handler = routeHandler(certificationRead, async (event) => json(200, await readCertification(ports, certificationIdOf(event.params), actingOf(event))), { params: CertificationIdParam });
