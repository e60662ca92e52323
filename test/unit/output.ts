/**
 * Runs `act` while keeping what the process writes to stdout and stderr (Powertools writes INFO
 * and EMF to stdout, WARN and ERROR to stderr), without echoing it; returns its result and the
 * JSON lines written.
 */
export async function capturingOutput<T>(act: () => Promise<T>): Promise<{ result: T; written: string[]; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const keep = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = keep;
  process.stderr.write = keep;
  try {
    const result = await act();
    const lines = written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, written, lines };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
