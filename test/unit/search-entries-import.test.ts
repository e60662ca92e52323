/**
 * The search and dissemination functions' module load (issue 19: ≤ 20 ms above an empty handler):
 * an entry builds nothing at import that its first event can build. Each entry is imported with no
 * environment at all (a variable read at import would throw), with zod/mini counting the schemas
 * search's and dissemination's own modules build (the shared modules' are
 * test/unit/import-time.test.ts's) and the RDS Data client counting its constructions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { countConstructions, countZodBuilders } from './import-counters';

const OWN = /\/(functions\/(search|dissemination)\/|events\/search-records-written)/;
/** Where search's or dissemination's own module called zod (the first frame outside zod and this file), if it did. */
const ownCaller = (): string | undefined => {
  const caller = (new Error().stack ?? '').split('\n').slice(2).find((line) => !line.includes('node_modules') && !line.includes('search-entries-import') && !line.includes('import-counters'));
  return caller !== undefined && OWN.test(caller) ? caller.trim() : undefined;
};
let schemas: string[] = [];
await countZodBuilders(['object', 'strictObject', 'looseObject', 'string', 'union', 'discriminatedUnion', 'enum', 'array'], (name) => {
  const caller = ownCaller();
  if (caller) schemas.push(`${name} ${caller}`);
});
let dataClients = 0;
await countConstructions('@aws-sdk/client-rds-data', 'RDSDataClient', () => (dataClients += 1));

const ROOT = path.resolve(import.meta.dirname, '../..');
const entries = ['functions/search', 'functions/dissemination'].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts') && /export const handler\b/.test(readFileSync(path.join(ROOT, dir, f), 'utf8')))
    .map((f) => `${dir}/${f}`),
);

describe('search and dissemination entries at import', () => {
  it('finds the entries', () => {
    expect(entries).toEqual(expect.arrayContaining(['functions/search/query.ts', 'functions/search/ingest.ts', 'functions/dissemination/disseminate.ts', 'functions/dissemination/retry.ts']));
  });

  it.each(entries)('%s reads no environment, builds no schema of its own and makes no search engine at import', async (entry) => {
    const saved = process.env;
    process.env = { PATH: saved['PATH'] };
    schemas = [];
    dataClients = 0;
    try {
      const mod = (await import(`../../${entry}`)) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      process.env = saved;
    }
    expect(schemas).toEqual([]);
    expect(dataClients).toBe(0);
  });
});
