import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSourceApi, SourceFailed } from '../../functions/search/adapters/source-api';
import { sourceOf } from '../../functions/search/domain/sources';
import { FILE_SIZE, startSourceApi, type SourceApiSimulator } from '../../infra/local/search/source-api';
import { sourceDeliveries } from '../../infra/local/search/simulator';

describe('the simulated source APIs and file drops, through the poll adapter', () => {
  let sim: SourceApiSimulator;
  let api: HttpSourceApi;

  beforeAll(async () => {
    sim = await startSourceApi({ seed: 4, people: 600 });
    api = new HttpSourceApi(sim.url, { pageSize: 100 });
  });
  afterAll(() => sim.stop());

  it("pages a poll source's changes after a cursor, to the end", async () => {
    const source = sourceOf('pds-cases')!;
    const expected = sourceDeliveries(4, 600, 'pds-cases').map((d) => d.change);
    const got: unknown[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api.next(source, cursor);
      if (!page) break;
      got.push(...page.changes);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(got).toEqual(expected);
    expect(await api.next(source, cursor)).toBeUndefined();
  });

  it("reads a batch source's NDJSON files in order, each once and never changed; what comes later is in the next file", async () => {
    const source = sourceOf('dmv-licences')!;
    const expected = sourceDeliveries(4, 600, 'dmv-licences').map((d) => d.change);
    expect(expected.length).toBeLessThan(FILE_SIZE);
    const first = await api.next(source, undefined);
    expect(first).toEqual({ changes: expected, cursor: 'dmv-licences-000001.ndjson', more: false });
    sim.append('dmv-licences', [{ op: 'erase', version: 2, LIC_NO: '000000001' }]);
    expect(await api.next(source, undefined)).toEqual({ ...first, more: true });
    const next = await api.next(source, first!.cursor);
    expect(next).toEqual({ changes: [{ op: 'erase', version: 2, LIC_NO: '000000001' }], cursor: 'dmv-licences-000002.ndjson', more: false });
    expect(await api.next(source, next!.cursor)).toBeUndefined();
  });

  it('fails with the status when a source is down, and reads it again once it is back', async () => {
    const source = sourceOf('doc-custody')!;
    sim.setDown('doc-custody', true);
    await expect(api.next(source, undefined)).rejects.toThrow(new SourceFailed('doc-custody answered 503'));
    sim.setDown('doc-custody', false);
    await expect(api.next(source, undefined)).resolves.toMatchObject({ cursor: expect.any(String) });
  });

  it('refuses a file line that is not JSON without quoting it (it would name people)', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'X-File-Name': 'dmv-licences-000001.ndjson' });
      res.end('{"op":"upsert","version":1,"LIC_NO":"1"}\nSMITH, JOHN 03041980\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const bad = new HttpSourceApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const error = await bad.next(sourceOf('dmv-licences')!, undefined).catch((e: unknown) => e);
      expect(error).toEqual(new SourceFailed('dmv-licences sent dmv-licences-000001.ndjson with line 2 not JSON'));
      expect(String((error as Error).message)).not.toContain('SMITH');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
