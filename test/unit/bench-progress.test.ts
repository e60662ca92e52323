import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { divertLogs } from '../../bench/logs';
import { duration, Progress, type ProgressOptions } from '../../bench/progress';

/** A stream that records what was written, a clock the test moves, and a timer the test fires. */
function given(isTTY: boolean, options: Partial<ProgressOptions> = {}) {
  const written: string[] = [];
  const clock = { ms: 0 };
  const timer: { tick?: () => void; ms?: number; stopped: boolean } = { stopped: false };
  const progress = new Progress({
    label: 'soak',
    total: 12_500,
    stream: { isTTY, columns: 200, write: (text: string) => written.push(text) },
    now: () => clock.ms,
    every: (tick, ms) => {
      Object.assign(timer, { tick, ms });
      return () => {
        timer.stopped = true;
      };
    },
    ...options,
  });
  return { progress, written, clock, timer };
}

describe('bench: the progress line', () => {
  it('states done of total, the rate since the start and the time left at that rate', () => {
    const { progress, clock } = given(false, { note: () => 'faults so far 812' });
    clock.ms = 242_000;
    progress.update(1234);

    // 1234 in 242 s = 5.1/s; 11,266 left at 5.1/s = 2209 s ≈ 37 min.
    expect(progress.line()).toBe('soak: 1,234 of 12,500 items (9.9 %), 5.1 items/s, about 37 min left; faults so far 812');
  });

  it('says the time left is not known before the first item is done, and counts hours past 60 minutes', () => {
    const { progress, clock } = given(false);
    clock.ms = 5_000;

    expect(progress.line()).toBe('soak: 0 of 12,500 items (0.0 %), 0.00 items/s, time left not known yet');
    expect([duration(42.4), duration(36 * 60), duration(72 * 60 + 10)]).toEqual(['42 s', '36 min', '1 h 12 min']);
  });

  it('off a terminal, writes a whole line on each 10 s tick, none on updates, says when all are done but the run is finishing, and the last line at the end', () => {
    const { progress, written, clock, timer } = given(false, { unit: 'packets' });

    progress.update(10);
    progress.update(20);
    expect(written).toEqual([]);
    expect(timer.ms).toBe(10_000);

    clock.ms = 10_000;
    timer.tick?.();
    clock.ms = 20_000;
    progress.update(12_500);
    timer.tick?.();
    progress.finish();

    expect(written).toEqual([
      'soak: 20 of 12,500 packets (0.2 %), 2.0 packets/s, about 1 h 44 min left\n',
      'soak: 12,500 of 12,500 packets (100.0 %), 625 packets/s, finishing\n',
      'soak: 12,500 of 12,500 packets (100.0 %), 625 packets/s, done in 20 s\n',
    ]);
    expect(timer.stopped).toBe(true);
  });

  it('on a terminal, rewrites one line in place, no more often than it redraws, and ends it with a newline', () => {
    const { progress, written, clock, timer } = given(true, { total: 100 });

    clock.ms = 1_000;
    progress.update(1);
    clock.ms = 1_100;
    progress.update(2); // within 200 ms of the last redraw: not drawn
    clock.ms = 2_000;
    timer.tick?.();
    progress.finish();

    expect(timer.ms).toBe(1_000);
    expect(written).toEqual([
      '\r\x1b[Ksoak: 1 of 100 items (1.0 %), 1.0 items/s, about 2 min left',
      '\r\x1b[Ksoak: 2 of 100 items (2.0 %), 1.0 items/s, about 2 min left',
      '\r\x1b[Ksoak: 2 of 100 items (2.0 %), 1.0 items/s, done in 2 s\n',
    ]);
  });

  it('on a terminal, cuts a line wider than the terminal, and wipes a transient line at the end', () => {
    const { progress, written } = given(true, { label: 'x'.repeat(250), total: 10 });

    progress.update(5);
    progress.finish(false);

    expect(written).toEqual([`\r\x1b[K${'x'.repeat(198)}…`, '\r\x1b[K']);
  });
});

describe('bench: the runtime log lines during a soak', () => {
  it('sends JSON lines to the file, shows warnings and errors as one short line, and lets everything else through', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'soak-logs-')), 'soak.log');
    const out: string[] = [];
    const err: string[] = [];
    const streams = {
      stdout: { write: (chunk: string | Uint8Array) => out.push(String(chunk)) > 0 },
      stderr: { isTTY: false, write: (chunk: string | Uint8Array) => err.push(String(chunk)) > 0 },
    };
    const info = JSON.stringify({ level: 'INFO', message: 'pending human tasks', function_name: 'ciss-soakab12-monitoring-pending-tasks' });
    const metric = JSON.stringify({ _aws: { Timestamp: 1 }, PendingTasks: 0 });
    const error = JSON.stringify({ level: 'ERROR', message: 'task failed', function_name: 'ciss-soakab12-arrests-transmit', error: { name: 'CmsUnavailable', message: 'CMS answered 503' } });

    const logs = divertLogs(file, streams);
    streams.stdout.write(`${info}\n`);
    streams.stdout.write(`${metric}\n`);
    streams.stderr.write(`${error}\n`);
    streams.stdout.write('soak: 40 packets + 10 access requests\n');
    streams.stdout.write('{ not json\n');
    await logs.restore();
    streams.stdout.write(`${info}\n`);

    expect(logs.lines()).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe(`${info}\n${metric}\n${error}\n`);
    expect(err).toEqual(['[runtime ERROR] arrests-transmit: task failed (CmsUnavailable: CMS answered 503)\n']);
    expect(out).toEqual(['soak: 40 packets + 10 access requests\n', '{ not json\n', `${info}\n`]);
  });
});
