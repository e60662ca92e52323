/**
 * The source systems that search asks (poll) or that drop files (batch), simulated for the
 * embedded runtime: one loopback server, each source under its id, serving the simulator's world
 * of a seed (infra/local/search/simulator.ts) as its API promises (functions/search/adapters/
 * source-api.ts):
 * - poll: `GET /<source>/changes?after=<cursor>&limit=<n>`; the cursor is the position in the
 *   source's stream of changes;
 * - batch: `GET /<source>/files?after=<file name>`: the next NDJSON file of changes (at most
 *   1,000 a file) after that one, named in `X-File-Name`; 204 when none is new. A file once served
 *   never changes; what comes later is in the next file. In AWS a batch source would drop
 *   its files in a bucket; locally the same poll reads them from here, which is what a file drop
 *   amounts to: files, in order, each read once.
 * Tests take a source down (`setDown`) or append changes (`append`).
 */
import http, { type Server } from 'node:http';
import type { SourceChange } from '../../../functions/search/domain/connectors';
import { sourceOf } from '../../../functions/search/domain/sources';
import { close, listen, send } from '../http';
import { sourceDeliveries } from './simulator';

export interface SourceApiSimulator {
  readonly url: string;
  /** Requests answered, per source. */
  readonly requests: Readonly<Record<string, number>>;
  /** The source answers 503 to everything until set back. */
  setDown(source: string, down: boolean): void;
  /** Changes the source will deliver after those it has. */
  append(source: string, changes: readonly SourceChange[]): void;
  stop(): Promise<void>;
}

export const FILE_SIZE = 1000;

export async function startSourceApi(options: { readonly port?: number; readonly seed: number; readonly people: number }): Promise<SourceApiSimulator> {
  const streams = new Map<string, SourceChange[]>();
  const down = new Set<string>();
  /** Per batch source, where each file it has served ends (file n is [ends[n-2] ?? 0, ends[n-1])). */
  const cuts = new Map<string, number[]>();
  const requests: Record<string, number> = {};
  const stream = (source: string): SourceChange[] => {
    let s = streams.get(source);
    if (!s) {
      s = sourceDeliveries(options.seed, options.people, source).map((d) => d.change);
      streams.set(source, s);
    }
    return s;
  };
  const server: Server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, id = '', what = ''] = url.pathname.split('/');
    const source = sourceOf(id);
    if (req.method !== 'GET' || !source || (what !== 'changes' && what !== 'files')) return send(res, 404, { message: 'Not found' });
    requests[id] = (requests[id] ?? 0) + 1;
    if (down.has(id)) return send(res, 503, { message: `${id} is unavailable` });
    const changes = stream(id);
    const after = url.searchParams.get('after') ?? '';
    if (what === 'changes') {
      const from = /^\d+$/.test(after) ? Number(after) : 0;
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 500) || 500, 1), 5000);
      const page = changes.slice(from, from + limit);
      return send(res, 200, { changes: page, cursor: String(from + page.length), more: from + page.length < changes.length });
    }
    // Files are numbered from 1, each cut (at most FILE_SIZE changes) when first asked for and
    // never changed after: changes that come later go to the next file, as with a real drop.
    const last = /-(\d{6})\.ndjson$/.exec(after);
    const next = last ? Number(last[1]) + 1 : 1;
    const ends = cuts.get(id) ?? [];
    cuts.set(id, ends);
    const start = ends[next - 2] ?? 0;
    if (ends[next - 1] === undefined) {
      if (next - 1 > ends.length || start >= changes.length) {
        res.writeHead(204);
        return res.end();
      }
      ends.push(Math.min(start + FILE_SIZE, changes.length));
    }
    const end = ends[next - 1]!;
    const body = changes.slice(start, end).map((c) => JSON.stringify(c)).join('\n') + '\n';
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-File-Name': `${id}-${String(next).padStart(6, '0')}.ndjson`, 'X-More-Files': String(end < changes.length), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setDown: (source, isDown) => void (isDown ? down.add(source) : down.delete(source)),
    append: (source, more) => void stream(source).push(...more),
    stop: () => close(server),
  };
}
