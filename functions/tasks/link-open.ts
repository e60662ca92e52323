import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { routeHandler } from '#shared/http';
import { refusals } from './adapters/refusals';
import { linkErrorPage, linkPage } from './pages';
import { linkKeys, ports } from './ports';
import { approvalLinkOpen } from './routes';
import { openLink } from './use-cases/links';
import { lazy } from '#shared/lazy';

/**
 * GET /approvals/{taskId}?choice=&expires=&sig=: the page an e-mailed link opens. It shows where
 * the task stands, or a form to confirm the choice; it decides nothing.
 */
export const handler = routeHandler(
  approvalLinkOpen,
  async (event) => {
    const query = event.queryStringParameters ?? {};
    const request = { taskId: event.params.taskId, method: event.httpMethod, source: sourceOf(event), choice: query['choice'] ?? '', expires: query['expires'], signature: query['sig'] };
    return linkPage(await openLink(request, { ...ports, linkKeys, refusals }));
  },
  // The id as given, any text: a malformed one is the page for an unknown task, and its refusal is audited by a hash of it.
  { params: lazy(() => z.object({ taskId: z._default(z.string(), '') })), errors: linkErrorPage },
);
