import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { routeHandler } from '#shared/http';
import { refusals } from './adapters/refusals';
import { linkErrorPage, linkPage } from './pages';
import { linkKeys, ports } from './ports';
import { approvalLinkDecide } from './routes';
import { decideByLink } from './use-cases/links';
import { lazy } from '#shared/lazy';

/** The confirmation form, as the browser posts it (application/x-www-form-urlencoded). */
function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  return new URLSearchParams(raw);
}

/** POST /approvals/{taskId}: the confirmed choice of an e-mailed link; decides the task once and shows the outcome. */
export const handler = routeHandler(
  approvalLinkDecide,
  async (event) => {
    const form = formOf(event);
    const request = { taskId: event.params.taskId, method: event.httpMethod, source: sourceOf(event), choice: form.get('choice') ?? '', expires: form.get('expires') ?? undefined, signature: form.get('sig') ?? undefined, comment: form.get('comment') ?? undefined };
    return linkPage(await decideByLink(request, { ...ports, linkKeys, refusals }));
  },
  // The id as given, any text: a malformed one is the page for an unknown task, and its refusal is audited by a hash of it.
  { params: lazy(() => z.object({ taskId: z._default(z.string(), '') })), errors: linkErrorPage },
);
