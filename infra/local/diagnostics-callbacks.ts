import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FunctionName } from '../manifest';
import { writePrivateFile } from './private-files';

/** The control's path: `GET /_local/diagnostics/<run>/task-token`. */
const ROUTE = /^\/_local\/diagnostics\/([A-Za-z0-9_.@:-]{1,80})\/task-token$/;

/**
 * The pending callback of each diagnostics run, for the person who follows the README with the
 * AWS CLI. The diagnostics machine parks at `AwaitOperatorAcknowledgement` until someone calls
 * SendTaskSuccess with the task token, and the token goes only to the `diagnostics-park` Lambda,
 * which keeps a fingerprint of it (DESIGN 2.2: no token stored in clear in the table). Locally, this
 * keeper sees the token as the Lambda receives it and hands it out, loopback only and behind the
 * per-run secret like every `/_local` control. It keeps it under `.local/` (0600) for `npm start`,
 * so that a run parked before a restart can still be acknowledged; in memory for tests.
 * In AWS there is no such control: see the README.
 */
export class DiagnosticsCallbacks {
  private readonly tokens: Record<string, { taskToken: string; at: string }>;

  constructor(private readonly file?: string) {
    this.tokens = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { taskToken: string; at: string }>) : {};
  }

  static at(dataDir: string | undefined): DiagnosticsCallbacks {
    return new DiagnosticsCallbacks(dataDir ? path.join(dataDir, 'diagnostics-tokens.json') : undefined);
  }

  /** A Lambda watcher: keeps the newest token handed to `diagnostics-park` for its run (a retried task gets a new one). */
  readonly watch = (name: FunctionName, event: unknown): void => {
    if (name !== 'diagnostics-park' || !event || typeof event !== 'object') return;
    const { runId, taskToken } = event as { runId?: unknown; taskToken?: unknown };
    if (typeof runId !== 'string' || typeof taskToken !== 'string') return;
    this.tokens[runId] = { taskToken, at: new Date().toISOString() };
    if (this.file) writePrivateFile(this.file, JSON.stringify(this.tokens));
  };

  /** `GET /_local/diagnostics/<run>/task-token`: the run's newest task token, or 404. */
  control(method: string, url: string): { status: number; body: unknown } | undefined {
    const run = ROUTE.exec(url.split('?')[0] ?? url)?.[1];
    if (run === undefined || method !== 'GET') return undefined;
    const entry = this.tokens[run];
    if (!entry) return { status: 404, body: { message: `No diagnostics run named ${run} has reached its callback step (AwaitOperatorAcknowledgement) since the data directory was made` } };
    return { status: 200, body: { runId: run, taskToken: entry.taskToken, issuedAt: entry.at } };
  }
}
