import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { orElse, routeHandler } from '#shared/http';
import { correlate } from '#shared/observability';
import { evidenceError, evidencePage, fieldsOf, linkOf, verificationOf } from './adapters/evidence-pages';
import { evidenceLinkPorts, trainingPorts } from './adapters/training';
import { accessEvidenceRecord } from './routes';
import { recordEvidence } from './use-cases/training-evidence';
import { lazy } from '#shared/lazy';

const tableName = loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME;
const ports = { ...evidenceLinkPorts(tableName), ...trainingPorts(tableName) };

/**
 * POST /access-requests/{requestId}/training-evidence: the form's answer, each training's CJIS
 * Online completion recorded and the verification task decided as the unit member; a PDF
 * certificate is refused with the 15 May 2024 rule, the form shown again.
 */
export const handler = routeHandler(
  accessEvidenceRecord,
  async (event) => {
    const form = fieldsOf(event);
    correlate({ accessRequestId: event.params.requestId });
    return evidencePage(await recordEvidence(ports, event.params.requestId, linkOf(form), verificationOf(form), sourceOf(event)), event.params.requestId, form);
  },
  { params: lazy(() => z.object({ requestId: orElse(z.string(), '') })), errors: evidenceError },
);
