import path from 'node:path';
import { ROOT } from '../asl';
import { ROLES } from '../manifest';
import { Clock } from './clock';
import { parseFaultPlan, type FaultPlan } from './faults';
import { formatBanner } from './banner';
import { makePrivateDir, writePrivateFile } from './private-files';
import { searchDataDir, startLocalRuntime, type LocalRuntime } from './runtime';
import { isAgencyRole, SEARCH_ROLE } from '../../functions/shared/roles';
import { DEMO_CERTIFIED } from './users';

/** The ORI of the demo agency whose users the demo tokens are for. */
const DEMO_ORI = 'CT0000100';
/** The GA court whose clerk the demo court-clerk token is (the demo packets are arraigned there). */
const DEMO_COURTS = ['GA23'];

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/** `CISS_FAULTS`: a fault plan as JSON (infra/local/faults.ts), e.g. `{"services":{"dynamodb":{"throttle":0.05}},"cms":0.1}`. */
function faultsEnv(): FaultPlan | undefined {
  const raw = process.env['CISS_FAULTS'];
  if (!raw) return undefined;
  try {
    return parseFaultPlan(JSON.parse(raw));
  } catch (error) {
    throw new Error(`CISS_FAULTS: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `npm start`: the whole system on this machine, data kept under `.local/` (or `CISS_DATA_DIR`),
 * until Ctrl-C or SIGTERM. CISS_CLOCK=manual stops time (advance it with POST
 * /_local/clock/advance); CISS_CLOCK_SCALE=60 makes an hour of workflow time pass in a real minute.
 */
async function main(): Promise<void> {
  // Everything written from here on (tokens, keys, DynamoDB Local's files) is this user's only.
  process.umask(0o077);
  const dataDir = path.resolve(process.env['CISS_DATA_DIR'] || path.join(ROOT, '.local'));
  makePrivateDir(dataDir);
  const clock = new Clock({ mode: process.env['CISS_CLOCK'] === 'manual' ? 'manual' : 'real', scale: numberEnv('CISS_CLOCK_SCALE', 1) });
  console.log('Starting ciss-workflows locally (DynamoDB Local on Java, SES mailbox, Step Functions, EventBridge, API Gateway, the search database on first use)...');
  const runtime = await startLocalRuntime({
    stage: process.env['CISS_STAGE'] ?? 'local',
    edgePort: numberEnv('EDGE_PORT', 4566),
    apiPort: numberEnv('API_PORT', 3000),
    sesPort: numberEnv('SES_PORT', 8005),
    dataDir,
    clock,
    faults: faultsEnv(),
    searchSources: { people: numberEnv('CISS_SEARCH_SOURCE_PEOPLE', 200) },
    // The demo searchers (nhpd-officer, dcj-prosecutor): `search` through a seeded certification, never by hand.
    certified: DEMO_CERTIFIED,
    accountsSweep: true,
  });
  stopOnSignals(runtime);

  const tokens: Record<string, string> = {};
  // No `search` token: that role comes only through a certification (the seeded searchers sign in).
  const tokenRoles = ROLES.filter((role) => role !== SEARCH_ROLE);
  for (const role of tokenRoles) {
    tokens[role] = await runtime.mintToken({ roles: [role], ori: isAgencyRole(role) ? DEMO_ORI : undefined, courts: role === 'court-clerk' ? DEMO_COURTS : undefined, expiresIn: '12h' });
  }
  writePrivateFile(path.join(dataDir, 'tokens.json'), JSON.stringify(tokens, null, 2));
  // The per-run secret for the runtime's controls and the mailbox's data, for scripts and curl.
  writePrivateFile(path.join(dataDir, 'runtime.json'), JSON.stringify({ localSecret: runtime.localSecret, header: 'X-Ciss-Local-Secret', pid: process.pid }, null, 2));
  // The demo agency's RMS, a machine client (OAuth client credentials); kept in .local/clients.json.
  const rms = runtime.clients.rmsClient(DEMO_ORI);
  // Where the `ciss` CLI finds the API by default (its token is the operations one above).
  writePrivateFile(path.join(dataDir, 'endpoints.json'), JSON.stringify(runtime.endpoints, null, 2));

  const faults = runtime.faults.current();
  console.log(
    formatBanner({
      endpoints: runtime.endpoints,
      roles: tokenRoles,
      demoOri: DEMO_ORI,
      dataDir,
      localSecret: runtime.localSecret,
      clock: `${clock.mode}${clock.mode === 'real' && clock.scale !== 1 ? ` x${clock.scale}` : ''}`,
      faults: Object.keys(faults).length ? JSON.stringify(faults) : 'none',
      resumed: runtime.resumed,
      diagnosticsMachine: runtime.names.machines.diagnostics,
      rmsClientId: rms.clientId,
      searchDataDir: searchDataDir(dataDir),
    }),
  );
}

/**
 * SIGINT (Ctrl-C) and SIGTERM (`kill` of this process, or of `npm start`, which passes it on)
 * stop every part: servers, the mailbox, DynamoDB Local's JVM. Were this process killed outright,
 * DynamoDB Local still ends, as the pipe it watches closes.
 */
function stopOnSignals(runtime: LocalRuntime): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (DynamoDB Local, mailbox, servers)...`);
    runtime
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  // A parent killed outright (SIGKILL of npm) sends nothing: notice that it is gone, and stop.
  const parent = process.ppid;
  setInterval(() => {
    if (!isAlive(parent)) stop('parent process gone');
  }, 1000).unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
