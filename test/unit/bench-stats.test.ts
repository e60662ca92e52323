import { compilerShare, cpuBetween, cpuMsOfStat, processCpu, saturation } from '../../bench/stats';

const at = (concurrency: number, itemsPerSecond: number) => ({ concurrency, itemsPerSecond });

describe('saturation (flat under saturation, issue 19)', () => {
  it('sets the highest level against the best, without and with faults, and what the faults cost', () => {
    const text = saturation([at(1, 2), at(16, 10), at(100, 9.5)], [at(1, 1.8), at(16, 9), at(100, 7.2)], 'packet');
    const faster = saturation([at(16, 10), at(100, 10)], [at(16, 11), at(100, 10)], 'packet');

    expect(text?.split('\n')).toEqual([
      'Flat under saturation (goal: the highest level ≥ 90 % of the best, with and without faults; same run):',
      "  without faults: c=100 9.50 packets/s = 95 % of the best level's (c=16, 10.00): met",
      "  with faults (BENCH_FAULTS, each level right after its fault-free twin): c=100 7.20 packets/s = 80 % of the best level's (c=16, 9.00): not met",
      '  throughput with faults against without (what the faults cost, when negative): c=1 -10 %, c=16 -10 %, c=100 -24 %',
    ]);
    expect(faster).toContain('c=16 +10 %, c=100 0 %');
  });

  it('says the with-faults figure was not measured when the levels ran once', () => {
    expect(saturation([at(16, 10), at(100, 12)], [], 'request')).toContain("without faults: c=100 12.00 requests/s = 100 % of the best level's (c=100, 12.00): met\n  with faults: not measured");
  });

  it('has nothing to say about a single level', () => {
    expect(saturation([at(16, 10)], [], 'packet')).toBeUndefined();
  });
});

describe('CPU from /proc', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime …
  const stat = (comm: string, utime: number, stime: number): string => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 9052 0 12 0 ${utime} ${stime} 7 3 20 0 31 0 123456 3782212 131071`;

  it('reads utime + stime (ticks of 10 ms) after the name, even a name with spaces and parentheses', () => {
    expect(cpuMsOfStat(stat('java', 250, 30))).toBe(2800);
    expect(cpuMsOfStat(stat('C2 CompilerThre', 7, 1))).toBe(80);
    expect(cpuMsOfStat(stat('a) (b', 1, 2))).toBe(30);
    expect(cpuMsOfStat('4242 (java) S 1 2')).toBeUndefined();
  });

  it("takes a process's CPU from its own stat (exited threads included) and its JIT compiler threads' apart", () => {
    const threads = [
      { name: 'java', stat: stat('java', 10, 0) },
      { name: 'C2 CompilerThre', stat: stat('C2 CompilerThre', 40, 2) },
      { name: 'C1 CompilerThre', stat: stat('C1 CompilerThre', 5, 0) },
      { name: 'qtp2122357625-2', stat: stat('qtp2122357625-2', 30, 3) },
    ];
    expect(processCpu(stat('java', 120, 10), threads)).toEqual({ totalMs: 1300, compilerMs: 470 });
  });

  it('gives what was spent between two readings, and nothing when either could not be read', () => {
    expect(cpuBetween({ totalMs: 1000, compilerMs: 400 }, { totalMs: 1750, compilerMs: 520 })).toEqual({ totalMs: 750, compilerMs: 120 });
    expect(cpuBetween(undefined, { totalMs: 1, compilerMs: 0 })).toBeUndefined();
    expect(cpuBetween({ totalMs: 1, compilerMs: 0 }, undefined)).toBeUndefined();
  });

  it('gives the compiler threads\' share, none when nothing was spent or a stopped thread took its time out', () => {
    expect(compilerShare({ totalMs: 750, compilerMs: 120 })).toBeCloseTo(0.16);
    expect(compilerShare({ totalMs: 0, compilerMs: 0 })).toBe(0);
    expect(compilerShare({ totalMs: 500, compilerMs: -30 })).toBe(0);
  });
});
