/**
 * `npm run lint:cfn`: the default stage's synthesis (no bundling: cfn-lint reads the template, not
 * the code; the one the infra tests left, test/infra/synthesis.ts, when the sources are the same)
 * and cfn-lint on it, failing on errors only (W3005 warnings are accepted). cfn-lint
 * is a Python tool the project does not install: where it is not on the PATH this says so
 * plainly and exits 0, so that CI can run it everywhere and gate where it is installed
 * (`pip install cfn-lint`, or Debian's `python3-cfnlint` / `cfn-lint`).
 *
 * Suppressions live in the template, next to what they excuse (E3601 on the state machines:
 * see infra/aws/stateless.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadSynthesis } from '../test/infra/synthesis';

function cfnLintVersion(): string | undefined {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const version = cfnLintVersion();
if (!version) {
  console.log('lint:cfn: cfn-lint is not installed (not on the PATH), so the template was not linted. Install it with `pip install cfn-lint` (or apt-get install python3-cfnlint) to run this check.');
  process.exit(0);
}

// The default stage's synthesis as the cloud assembly wrote it: the main template and the nested
// stacks' (CISS Search's database, the function areas). The one the infra tests made when they
// ran on these sources (test/infra/synthesis.ts, keyed by their hash), otherwise made now.
const synthesis = await loadSynthesis();
const stack = { stackName: synthesis.stackName };
const file = synthesis.files.main;
const nestedFiles = synthesis.files.nested;

const run = spawnSync('cfn-lint', ['--format', 'parseable', '--non-zero-exit-code', 'error', '--', file, ...nestedFiles], { encoding: 'utf8' });
const findings = run.stdout.split('\n').filter((line) => line.trim());
// parseable: <file>:<line>:<col>:<end line>:<end col>:<rule>:<message>
const fileOf = (line: string): string => [file, ...nestedFiles].find((f) => line.startsWith(`${f}:`)) ?? '';
const ruleOf = (line: string): string => line.slice(fileOf(line).length).split(':')[5] ?? '?';
const byRule = new Map<string, number>();
for (const line of findings) {
  const rule = ruleOf(line);
  byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
}
const count = (prefix: string): number => [...byRule].filter(([rule]) => rule.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);
for (const line of findings.filter((l) => ruleOf(l).startsWith('E'))) console.log(`${path.basename(fileOf(line))}:${line.slice(fileOf(line).length + 1)}`);
const summary = [...byRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, n]) => `${rule} ×${n}`).join(', ') || 'none';
console.log(`lint:cfn: ${version} on ${stack.stackName} and ${nestedFiles.length} nested stack(s): ${count('E')} errors, ${count('W')} warnings, ${count('I')} informational (${summary})`);
if (run.stderr.trim()) console.error(run.stderr.trim());
process.exit(run.status === null ? 1 : run.status);
