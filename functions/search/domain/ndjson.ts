/**
 * NDJSON, as the batch sources send their files of changes: one JSON value a line, blank lines
 * ignored. Pure: the poll's HTTP adapter and the S3 drop both read files with it.
 */

/** A line of a file is not JSON: its number only (never the line, which names people). */
export class NotNdjson extends Error {
  override readonly name = 'NotNdjson';
  constructor(readonly line: number) {
    super(`line ${line} is not JSON`);
  }
}

/** The values of an NDJSON text, in order; throws NotNdjson with the first bad line's number. */
export function parseNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as unknown);
    } catch {
      // Not JSON.parse's message: it quotes the line.
      throw new NotNdjson(i + 1);
    }
  });
  return out;
}
