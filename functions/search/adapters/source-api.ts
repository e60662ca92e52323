/**
 * The source systems' change APIs over HTTPS (the simulator locally, infra/local/search/
 * source-api.ts). One base URL (the `search-sources` endpoint); each source under its id:
 * - a poll source: `GET <base>/<source>/changes?after=<cursor>&limit=<n>` answers
 *   `{changes: [...], cursor, more}` (JSON);
 * - a batch source: `GET <base>/<source>/files?after=<file name>` answers the next file of changes
 *   as NDJSON (one change a line), its name in the `X-File-Name` header, or 204 when none is new.
 */
import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { NotNdjson, parseNdjson } from '../domain/ndjson';
import type { Source } from '../domain/sources';
import type { SourceApi, SourcePage } from '../use-cases/poll';

const Page = /* @__PURE__ */ lazy(() => z.object({ changes: z.array(z.unknown()), cursor: z.string().check(z.minLength(1)), more: z.boolean() }));

/** A source answered something other than what its API promises. */
export class SourceFailed extends Error {
  override readonly name = 'SourceFailed';
}

export class HttpSourceApi implements SourceApi {
  constructor(
    private readonly baseUrl: string,
    private readonly options: { readonly pageSize?: number; readonly timeoutMs?: number } = {},
  ) {}

  async next(source: Source, cursor: string | undefined): Promise<SourcePage | undefined> {
    const after = encodeURIComponent(cursor ?? '');
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 20_000);
    if (source.delivery.mode === 'batch') {
      const res = await fetch(`${this.baseUrl}/${source.id}/files?after=${after}`, { signal });
      if (res.status === 204) return undefined;
      if (!res.ok) throw new SourceFailed(`${source.id} answered ${res.status}`);
      const name = res.headers.get('x-file-name');
      if (!name) throw new SourceFailed(`${source.id} sent a file without its name`);
      const text = await res.text();
      let changes: unknown[];
      try {
        changes = parseNdjson(text);
      } catch (error) {
        if (error instanceof NotNdjson) throw new SourceFailed(`${source.id} sent ${name} with line ${error.line} not JSON`);
        throw error;
      }
      return { changes, cursor: name, more: res.headers.get('x-more-files') === 'true' };
    }
    const res = await fetch(`${this.baseUrl}/${source.id}/changes?after=${after}&limit=${this.options.pageSize ?? 500}`, { signal });
    if (!res.ok) throw new SourceFailed(`${source.id} answered ${res.status}`);
    const body = await res.json().catch(() => {
      throw new SourceFailed(`${source.id} answered something that is not JSON`);
    });
    const parsed = Page.safeParse(body);
    if (!parsed.success) throw new SourceFailed(`${source.id} answered a page without ${parsed.error.issues[0]?.path.join('.') || 'its fields'}`);
    const page = parsed.data;
    return page.changes.length === 0 ? undefined : page;
  }
}
