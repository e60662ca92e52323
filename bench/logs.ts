/**
 * During a soak the runtime's handlers log JSON to stdout (Powertools log lines, EMF metric
 * lines): about 100 a minute at the smallest soak, thousands in the default one, which would
 * drown both the progress line and the results. `divertLogs` sends every JSON line written to
 * stdout or stderr to a file instead, and keeps warnings and errors visible on stderr as one
 * short line each (the whole line is in the file). Everything else (the soak's own output) passes
 * through untouched.
 */
import { createWriteStream } from 'node:fs';

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
/** A stream's `write` as a method, so process.stdout (with its overloads) fits. */
interface Writable {
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean;
  readonly isTTY?: boolean;
}

export interface Diversion {
  readonly file: string;
  /** JSON lines written to the file so far. */
  readonly lines: () => number;
  /** Puts the streams' own `write` back and closes the file. */
  restore(): Promise<void>;
}

const LOUD = new Set(['WARN', 'ERROR', 'CRITICAL']);

/** `[runtime ERROR] arrests-transmit: task failed (CmsUnavailable: CMS answered 503)` */
export function shortLine(entry: Record<string, unknown>): string {
  const fn = typeof entry['function_name'] === 'string' ? entry['function_name'].replace(/^ciss-[^-]+-/, '') : 'runtime';
  const error = entry['error'] as { name?: unknown; message?: unknown } | undefined;
  const why = error && typeof error === 'object' ? ` (${String(error.name)}: ${String(error.message)})` : '';
  return `[runtime ${String(entry['level'])}] ${fn}: ${String(entry['message'])}${why}`;
}

export function divertLogs(file: string, streams: { stdout: Writable; stderr: Writable } = process): Diversion {
  const out = createWriteStream(file, { flags: 'a' });
  let lines = 0;
  const { stdout, stderr } = streams;
  const original = { stdout: stdout.write, stderr: stderr.write };
  const toStderr = (text: string): boolean => original.stderr.call(stderr, `${stderr.isTTY ? '\r\x1b[K' : ''}${text}\n`);
  const divert =
    (from: 'stdout' | 'stderr'): Write =>
    (chunk, ...rest) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (!text.startsWith('{')) return original[from].call(streams[from], chunk, ...rest);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return original[from].call(streams[from], chunk, ...rest);
      }
      out.write(text.endsWith('\n') ? text : `${text}\n`);
      lines++;
      const level = typeof entry['level'] === 'string' ? entry['level'] : from === 'stderr' ? 'ERROR' : '';
      if (LOUD.has(level) || from === 'stderr') toStderr(shortLine({ ...entry, level }));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  stdout.write = divert('stdout');
  stderr.write = divert('stderr');
  return {
    file,
    lines: () => lines,
    restore: () => {
      stdout.write = original.stdout;
      stderr.write = original.stderr;
      return new Promise((resolve) => out.end(resolve));
    },
  };
}
