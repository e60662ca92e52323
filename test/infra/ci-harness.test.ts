import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cachedSynthesis, lockSynthesis, publishSynthesis, synthesisKey } from './synthesis';
// @ts-expect-error -- a plain ES module for jest's config, without types
import LongestFirst from '../sequencer.mjs';

/** A key no source tree hashes to, so these tests never touch a real synthesis. */
const KEY = `test-${process.pid}-${Date.now()}`;
const CACHE = path.join(tmpdir(), 'ciss-synthesis');

afterAll(() => {
  rmSync(path.join(CACHE, KEY), { recursive: true, force: true });
  rmSync(path.join(CACHE, `${KEY}.lock`), { force: true });
});

describe('the shared synthesis (test/infra/synthesis.ts)', () => {
  it('is keyed by the sources: the same tree gives the same key', () => {
    expect(synthesisKey()).toMatch(/^[0-9a-f]{24}$/);
    expect(synthesisKey()).toBe(synthesisKey());
  });

  it('reads back what was published, the assembly files included, and nothing for a key not published', () => {
    expect(cachedSynthesis(KEY)).toBeUndefined();
    const assembly = mkdtempSync(path.join(tmpdir(), 'ciss-assembly-'));
    writeFileSync(path.join(assembly, 'Main.template.json'), '{"Resources":{"A":{"Type":"X"}}}');
    writeFileSync(path.join(assembly, 'Nested.nested.template.json'), '{"Resources":{}}');

    publishSynthesis(KEY, { stackName: 'Main', app: { Resources: { A: { Type: 'X' } } }, searchDb: { Resources: {} }, assemblyDir: assembly, mainFile: 'Main.template.json', nestedFiles: ['Nested.nested.template.json'] });
    rmSync(assembly, { recursive: true, force: true });

    const read = cachedSynthesis(KEY);
    expect(read && { stackName: read.stackName, main: read.main, app: read.app, searchDb: read.searchDb }).toEqual({
      stackName: 'Main',
      main: { Resources: { A: { Type: 'X' } } },
      app: { Resources: { A: { Type: 'X' } } },
      searchDb: { Resources: {} },
    });
    expect(read?.files.nested.map((f) => readFileSync(f, 'utf8'))).toEqual(['{"Resources":{}}']);
  });

  it('lets one process at a time make a synthesis, and none once it is published', () => {
    const other = `${KEY}-lock`;
    const release = lockSynthesis(other);
    expect(release).toBeInstanceOf(Function);
    expect(lockSynthesis(other)).toBeUndefined();
    release?.();
    const again = lockSynthesis(other);
    expect(again).toBeInstanceOf(Function);
    again?.();

    expect(lockSynthesis(KEY)).toBeUndefined();
  });
});

describe('the test order (test/sequencer.mjs)', () => {
  const sequencer = new LongestFirst({}) as { time(test: unknown): number | undefined; sort(tests: unknown[]): { path: string }[] };
  const root = path.resolve(import.meta.dirname, '..', '..');
  /** A test as jest hands it over, with jest's own timing cache off (a fresh clone has none). */
  const testOf = (file: string) => ({ path: path.join(root, file), context: { config: { cache: false }, hasteFS: { getSize: () => 1 } } });

  it("takes CI's measured time where jest has none, and none for a file it does not know", () => {
    const durations = JSON.parse(readFileSync(path.join(root, 'test', 'durations.json'), 'utf8')) as Record<string, number>;
    expect(sequencer.time(testOf('test/e2e/load.test.ts'))).toBe((durations['test/e2e/load.test.ts'] ?? NaN) * 1000);
    expect(sequencer.time(testOf('test/unit/not-a-file.test.ts'))).toBeUndefined();
  });

  it('runs the longest first, and a file it knows nothing of before them', () => {
    const durations = JSON.parse(readFileSync(path.join(root, 'test/durations.json'), 'utf8')) as Record<string, number>;
    const known = ['test/e2e/load.test.ts', 'test/infra/cdk.test.ts'].sort((a, b) => (durations[b] ?? 0) - (durations[a] ?? 0));
    expect(durations['test/unit/clock.test.ts']).toBeLessThan(durations[known[1] ?? ''] ?? 0);

    const order = sequencer.sort(['test/unit/clock.test.ts', 'test/e2e/load.test.ts', 'test/unit/new.test.ts', 'test/infra/cdk.test.ts'].map(testOf));

    expect(order.map((t) => path.relative(root, t.path))).toEqual(['test/unit/new.test.ts', ...known, 'test/unit/clock.test.ts']);
  });
});
