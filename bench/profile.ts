/**
 * `BENCH_CPU_PROFILE=<dir>`: a V8 CPU profile of this process (the embedded runtime and the bench's
 * drivers) while each level runs, written as `<dir>/<workflow>-c<concurrency>[-faults].cpuprofile`
 * (Chrome DevTools and speedscope open it), with the top self-time functions printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import path from 'node:path';

/** Profiles `run` when `dir` is set; prints the top `top` self-time items and writes the profile. */
export async function profiled<T>(dir: string | undefined, name: string, run: () => Promise<T>, top = 15): Promise<T> {
  if (!dir) return run();
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object): Promise<R> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as R))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`\nCPU profile of ${name}: ${file}\n${selfTimes(profile, top).map((r) => `  ${r.percent.toFixed(1).padStart(5)} %  ${r.name}`).join('\n')}`);
  }
}

/** Self time by function and place (`name file:line`), largest first, as shares of all samples. */
export function selfTimes(profile: Profiler.Profile, top: number): { name: string; percent: number }[] {
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const n = node.hitCount ?? 0;
    total += n;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    hits.set(key, (hits.get(key) ?? 0) + n);
  }
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, percent: total ? (n / total) * 100 : 0 }));
}
