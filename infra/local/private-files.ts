import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes `dir` (created if absent) and everything in it readable by this user only: directories
 * 0700, files 0600. The local data holds personal data (packets, e-mails) and keys; files made
 * by earlier versions, or by a child with a looser umask, are tightened at every start.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tighten(full);
    else if (entry.isFile()) chmodSync(full, 0o600);
  }
}

/** Writes a file that only this user may read (0600), also when it existed with a looser mode. */
export function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
