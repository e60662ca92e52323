import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { orElse, routeHandler } from '#shared/http';
import { correlate } from '#shared/observability';
import { evidenceError, evidencePage, fieldsOf, linkOf } from './adapters/evidence-pages';
import { evidenceLinkPorts } from './adapters/training';
import { accessEvidenceForm } from './routes';
import { openEvidenceLink } from './use-cases/training-evidence';
import { lazy } from '#shared/lazy';

const ports = evidenceLinkPorts(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME);

/**
 * GET /access-requests/{requestId}/training-evidence: the form the unit's "Both verified on CJIS
 * Online" link opens. It changes nothing, so a mail scanner that follows the link records nothing.
 */
export const handler = routeHandler(
  accessEvidenceForm,
  async (event) => {
    const fields = fieldsOf(event);
    correlate({ accessRequestId: event.params.requestId });
    return evidencePage(await openEvidenceLink(ports, event.params.requestId, linkOf(fields), sourceOf(event)), event.params.requestId, fields);
  },
  { params: lazy(() => z.object({ requestId: orElse(z.string(), '') })), errors: evidenceError },
);
