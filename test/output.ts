/**
 * Keeps a copy of everything the process writes to stdout and stderr (the functions' logs) from
 * now until `restore`, to prove what never appears in a log.
 */
export function captureOutput(): { readonly written: string[]; restore(): void } {
  const written: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), out(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), err(chunk, ...rest))) as typeof process.stderr.write;
  return {
    written,
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
