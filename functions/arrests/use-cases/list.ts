import * as z from 'zod/mini';
import { coercedNumber, isoDate } from '#shared/formats';
import { cursorParam, DynamoKeySchema } from '#shared/cursor';
import { Forbidden } from '#shared/errors';
import { OriSchema } from '#shared/ids';
import { maySee, viewOf } from '../domain/audience';
import { STATUSES } from '../domain/status';
import { summary, type PacketSummary } from './packet';
import type { ArrestPorts, ArrestRequest } from './ports';

export const ListQuerySchema = z.object({
  status: z.optional(z.enum(STATUSES, { message: `must be one of: ${STATUSES.join(', ')}` })),
  ori: z.optional(OriSchema),
  from: z.optional(isoDate('must be a date, YYYY-MM-DD')),
  to: z.optional(isoDate('must be a date, YYYY-MM-DD')),
  limit: z._default(coercedNumber().check(z.int(), z.gte(1), z.lte(100)), 25),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

export type ListPorts = Pick<ArrestPorts, 'store' | 'cursors' | 'apiUrl'>;

/**
 * GET /arrests?status=&ori=&from=&to=&limit=&nextToken=: one page of the packets the caller may
 * see, newest first; with no filter, all of them.
 * 1. the caller's view (audience.ts); an agency asking for another agency's ORI is refused (403)
 * 2. the cursor opens only for this list, these filters and this caller (400 otherwise)
 * 3. the view is part of the query, so hidden packets are neither on a page nor behind its
 *    cursor; each packet is still checked with `maySee`
 */
export async function listPackets(request: ArrestRequest & { readonly query: ListQuery; readonly parameters: Readonly<Record<string, string | undefined>> | null }, ports: ListPorts): Promise<{ packets: PacketSummary[]; nextToken: string | null }> {
  const { query, caller } = request;
  const view = viewOf(caller);
  if (view.kind === 'agency' && query.ori && query.ori !== view.ori) throw new Forbidden(`You may list only your agency's packets (${view.ori})`);
  const scope = { list: 'arrests', caller, query: { status: query.status, ori: query.ori, from: query.from, to: query.to } };
  const { token, param } = cursorParam(request.parameters);
  const start = await ports.cursors.open(token, scope, DynamoKeySchema, param);
  const page = await ports.store.list(view, query, start);
  return { packets: page.items.filter((p) => maySee(caller, p)).map((p) => summary(p, ports.apiUrl)), nextToken: await ports.cursors.seal(scope, page.next) };
}
