import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readAnswer } from '../functions/ops/contract';

/** Where `npm start` records what the CLI needs (`infra/local/main.ts` writes both). */
export const LOCAL_DIR = '.local';

export interface Connection {
  readonly api: string;
  readonly token: string;
  /** Where the values came from, for error messages. */
  readonly origin: string;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The API and token: `--api` / `CISS_API_URL` and `--token` / `CISS_TOKEN`; locally, by default,
 * what `npm start` wrote under `.local/` (the API URL and the demo operations token).
 */
export function connection(options: { api?: string; token?: string }, env: NodeJS.ProcessEnv, cwd: string): Connection {
  const dir = path.join(cwd, LOCAL_DIR);
  const endpoints = readJson(path.join(dir, 'endpoints.json'));
  const api = options.api ?? env['CISS_API_URL'] ?? (typeof endpoints?.['api'] === 'string' ? endpoints['api'] : undefined);
  if (!api) {
    throw new CliError(`No API to talk to: pass --api <url> or set CISS_API_URL (in AWS, the stack's API URL), or run \`npm start\` here, which records the local one in ${path.join(LOCAL_DIR, 'endpoints.json')}.`);
  }
  const tokens = readJson(path.join(dir, 'tokens.json'));
  const token = options.token ?? env['CISS_TOKEN'] ?? (typeof tokens?.['operations'] === 'string' ? tokens['operations'] : undefined);
  if (!token) {
    throw new CliError(`No token: pass --token <JWT> or set CISS_TOKEN (an operations user's access token), or run \`npm start\` here, which writes demo tokens to ${path.join(LOCAL_DIR, 'tokens.json')}.`);
  }
  const origin = options.api ? '--api' : env['CISS_API_URL'] ? 'CISS_API_URL' : `${LOCAL_DIR}/endpoints.json`;
  return { api: api.replace(/\/+$/, ''), token, origin };
}

/** Calls the ops API; a failure becomes a CliError that says what happened and what to do. */
export async function call<T>(conn: Connection, method: 'GET' | 'POST', pathAndQuery: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${conn.api}${pathAndQuery}`, { method, headers: { Authorization: `Bearer ${conn.token}`, Accept: 'application/json' } });
  } catch (error) {
    // Node's fetch wraps the socket error (an AggregateError when both IPv4 and IPv6 were tried).
    const cause = (error as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
    throw new CliError(`Cannot reach the ops API at ${conn.api} (from ${conn.origin}): ${reason}. Locally, start it with \`npm start\`; otherwise check --api / CISS_API_URL.`);
  }
  const text = await res.text();
  const { body, error: err } = readAnswer(text);
  if (res.ok) return body as T;
  const detail = err.problems.length ? err.problems.map((p) => `${p.field}: ${p.rule}`).join('; ') : (err.message ?? text.slice(0, 200));
  switch (res.status) {
    case 401:
      throw new CliError(`The API refused the token (401): ${detail}. Get a fresh one (locally: restart \`npm start\` or \`npm run token -- --role operations\`).`);
    case 403:
      throw new CliError(`Not allowed (403): ${detail}. The ops API is for the operations role.`);
    default:
      throw new CliError(`${res.status}: ${detail}${err.correlationId ? ` (correlation id ${err.correlationId})` : ''}`);
  }
}
