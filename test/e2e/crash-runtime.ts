/**
 * The embedded runtime as a child process, for the crash test: started from the JSON options in
 * argv[2] (stage, data directory, DynamoDB and CMS endpoints, ports, virtual start time), it
 * prints one JSON line with its endpoints, names and the load driver's tokens, and runs until
 * it is killed. Run with `node --import tsx` (one process: a SIGKILL leaves no child behind).
 */
import { Clock } from '../../infra/local/clock';
import { startLocalRuntime } from '../../infra/local/runtime';
import { IDENTITIES } from '../../drive/load';

interface ChildOptions {
  readonly stage: string;
  readonly dataDir: string;
  readonly dynamoEndpoint: string;
  readonly cmsUrl: string;
  readonly edgePort: number;
  readonly apiPort: number;
  readonly sesPort: number;
  readonly clockStart: number;
  readonly localSecret: string;
}

export interface ChildReady {
  readonly endpoints: { edge: string; api: string; mailbox: string; dynamodb: string };
  readonly tables: { main: string; audit: string };
  readonly machines: { arrest: string; access: string };
  readonly tokens: Record<keyof typeof IDENTITIES, string>;
  readonly resumed: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const runtime = await startLocalRuntime({
  stage: options.stage,
  dataDir: options.dataDir,
  dynamoEndpoint: options.dynamoEndpoint,
  cmsUrl: options.cmsUrl,
  edgePort: options.edgePort,
  apiPort: options.apiPort,
  sesPort: options.sesPort,
  localSecret: options.localSecret,
  clock: new Clock({ mode: 'manual', start: options.clockStart, autoAdvanceMs: 5 * 60_000 }),
});
const tokens = Object.fromEntries(await Promise.all(Object.entries(IDENTITIES).map(async ([k, r]) => [k, await runtime.mintToken(r)] as const)));
const ready: ChildReady = {
  endpoints: runtime.endpoints,
  tables: { main: runtime.names.tables.main, audit: runtime.names.tables.audit },
  machines: { arrest: runtime.names.machines['arrest-packet'], access: runtime.names.machines['access-request'] },
  tokens: tokens as ChildReady['tokens'],
  resumed: runtime.resumed,
};
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
