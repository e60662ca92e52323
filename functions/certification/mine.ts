import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { actingOf } from './adapters/http';
import { GrantStore } from './adapters/grants';
import { CertificationStore } from './adapters/store';
import { certificationMine } from './routes';
import { myCertification } from './use-cases/read';

const { TABLE_NAME } = loadEnv({ TABLE_NAME: nonEmpty });
const ports = { store: new CertificationStore(TABLE_NAME), grants: new GrantStore(TABLE_NAME), audit: recordAudit, now: nowIso };

/** GET /me/search-certification: the caller's own certification and whether the search role is theirs now. */
export const handler = routeHandler(certificationMine, async (event) => json(200, await myCertification(ports, actingOf(event))));
