/**
 * The order jest hands test files to its two workers: the longest first, so that neither worker
 * is left with a long file at the end while the other is idle (longest-processing-time first).
 *
 * jest does this by itself from its timing cache, but a fresh clone (CI) has none, and jest then
 * orders by file size, which says little: a 2 KB e2e file with a browser outlasts a 40 KB unit
 * file. So where jest has no time of its own for a file, the time measured on CI is used
 * (test/durations.json, seconds, refresh with `node test/sequencer.mjs --write <jest --json output>`).
 * A file in neither runs first (a new file is unknown; most new files are e2e files).
 * Files that failed last time still run first, as jest's own order has them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Sequencer from '@jest/test-sequencer';

const DURATIONS = path.join(import.meta.dirname, 'durations.json');
const ROOT = path.resolve(import.meta.dirname, '..');

/** @returns {Record<string, number>} seconds by path from the repository root */
function measured() {
  try {
    return JSON.parse(readFileSync(DURATIONS, 'utf8'));
  } catch {
    return {};
  }
}

/** jest's sequencer (a CommonJS module: its class is `default` of the exports). */
const JestSequencer = Sequencer.default ?? Sequencer;

export default class LongestFirst extends JestSequencer {
  #measured = measured();

  /** jest's own time for the file (ms) when it has one, else CI's. */
  time(test) {
    const own = super.time(test);
    if (own !== undefined && own !== null) return own;
    const seconds = this.#measured[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

// `node test/sequencer.mjs --write /tmp/jest.json`: durations.json from a `jest --json --outputFile` run.
if (process.argv[1] === import.meta.filename && process.argv[2] === '--write' && process.argv[3]) {
  const { testResults } = JSON.parse(readFileSync(process.argv[3], 'utf8'));
  const entries = testResults
    .map((r) => [path.relative(ROOT, r.name).split(path.sep).join('/'), Math.round((r.perfStats.runtime ?? r.perfStats.end - r.perfStats.start) / 100) / 10])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  writeFileSync(DURATIONS, `{\n${entries.map(([file, s]) => `  ${JSON.stringify(file)}: ${s}`).join(',\n')}\n}\n`);
  console.log(`wrote ${entries.length} durations to ${DURATIONS}`);
}
