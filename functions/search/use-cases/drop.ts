/**
 * The S3 drop: a batch source puts a file of its changes in the drop bucket, under its own id
 * (`<source id>/<file>.ndjson`, IAM lets each source write only there), and S3 tells EventBridge.
 *
 * 1. The key names the source: a batch source of the registry, else the file is refused (logged
 *    by the entry with the key; nothing read).
 * 2. The file is read (DroppedFiles) and parsed as NDJSON; a line that is not JSON fails the file
 *    as a whole, recorded as the source's delivery error (with the line's number, never the line).
 * 3. Its changes go the poll's way (ingestFromSource: the source's connector, then search_apply),
 *    and the delivery is recorded with the file's name as the source's cursor.
 * Replaying a file changes nothing: search_apply is idempotent by (source, record id, version).
 */
import { NotNdjson, parseNdjson } from '../domain/ndjson';
import { sourceOf, type Source } from '../domain/sources';
import { ingestFromSource, recordDelivery, type IngestPorts } from './ingest';

/** The files batch sources dropped, by object key. */
export interface DroppedFiles {
  /** The file's text (UTF-8). */
  read(key: string): Promise<string>;
}

export interface DropPorts extends IngestPorts {
  readonly files: DroppedFiles;
  /** Now, ISO 8601. */
  readonly now: () => string;
}

/** `<source id>/<file>.ndjson`: a file name of letters, digits, dots, dashes and underscores (none of them URL-encoded in S3's events). */
const DROPPED_KEY = /^([a-z0-9][a-z0-9-]*)\/([A-Za-z0-9][A-Za-z0-9._-]{0,199}\.ndjson)$/;

export type DropOutcome =
  | { readonly ok: true; readonly source: string; readonly file: string; readonly changes: number; readonly applied: number; readonly skipped: number; readonly removed: number; readonly rejected: number }
  | { readonly ok: false; readonly refused: string; readonly source?: string; readonly file?: string };

/** The batch source and file a dropped object's key names, or why it names none. */
export function droppedFileOf(key: string): { source: Source; file: string } | { refused: string } {
  const match = DROPPED_KEY.exec(key);
  if (!match) return { refused: 'the key is not <source id>/<file>.ndjson' };
  const source = sourceOf(match[1]!);
  if (!source) return { refused: `no source system ${match[1]}` };
  if (source.delivery.mode !== 'batch') return { refused: `${source.id} delivers by ${source.delivery.mode}, not by files` };
  return { source, file: match[2]! };
}

/** Ingests one dropped file; answers what it did, or why it refused the file. */
export async function ingestDroppedFile(key: string, ports: DropPorts): Promise<DropOutcome> {
  const named = droppedFileOf(key);
  if ('refused' in named) return { ok: false, refused: named.refused };
  const { source, file } = named;
  const text = await ports.files.read(key);
  let changes: unknown[];
  try {
    changes = parseNdjson(text);
  } catch (error) {
    if (!(error instanceof NotNdjson)) throw error;
    const refused = `${file}: ${error.message}`;
    await recordDelivery(ports.engine, source.id, { ok: false, error: refused }, ports.now());
    return { ok: false, refused, source: source.id, file };
  }
  const outcome = await ingestFromSource(source, changes, ports);
  await recordDelivery(ports.engine, source.id, { ok: true, cursor: file }, ports.now());
  return { ok: true, source: source.id, file, changes: changes.length, applied: outcome.applied, skipped: outcome.skipped, removed: outcome.removed, rejected: outcome.rejected.length };
}
