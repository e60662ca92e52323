import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../asl';
import { ROLES, type Role } from '../manifest';
import { Clock } from './clock';
import { parseFaultPlan, type FaultPlan } from './faults';
import { startLocalRuntime } from './runtime';

/** The ORI of the demo agency whose users the demo tokens are for. */
const DEMO_ORI = 'CT0000100';
const AGENCY_ROLES: readonly Role[] = ['agency-admin', 'agency-rms'];
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
 * `npm start`: the whole system on this machine, data kept under `.local/`, until Ctrl-C.
 * CISS_CLOCK=manual stops time (advance it with POST /_local/clock/advance);
 * CISS_CLOCK_SCALE=60 makes an hour of workflow time pass in a real minute.
 */
async function main(): Promise<void> {
  const dataDir = path.join(ROOT, '.local');
  const clock = new Clock({ mode: process.env['CISS_CLOCK'] === 'manual' ? 'manual' : 'real', scale: numberEnv('CISS_CLOCK_SCALE', 1) });
  console.log('Starting ciss-workflows locally (DynamoDB Local on Java, SES mailbox, Step Functions, EventBridge, API Gateway)...');
  const runtime = await startLocalRuntime({
    stage: process.env['CISS_STAGE'] ?? 'local',
    edgePort: numberEnv('EDGE_PORT', 4566),
    apiPort: numberEnv('API_PORT', 3000),
    sesPort: numberEnv('SES_PORT', 8005),
    dataDir,
    clock,
    faults: faultsEnv(),
  });

  const tokens: Record<string, string> = {};
  for (const role of ROLES) {
    tokens[role] = await runtime.mintToken({ roles: [role], ori: AGENCY_ROLES.includes(role) ? DEMO_ORI : undefined, courts: role === 'court-clerk' ? DEMO_COURTS : undefined, expiresIn: '12h' });
  }
  writeFileSync(path.join(dataDir, 'tokens.json'), JSON.stringify(tokens, null, 2), { mode: 0o600 });
  // The demo agency's RMS, a machine client (OAuth client credentials); kept in .local/clients.json.
  const rms = runtime.clients.rmsClient(DEMO_ORI);
  // Where the `ciss` CLI finds the API by default (its token is the operations one above).
  writeFileSync(path.join(dataDir, 'endpoints.json'), JSON.stringify(runtime.endpoints, null, 2));

  const { edge, api, mailbox } = runtime.endpoints;
  const lines = [
    '',
    'ciss-workflows is running.',
    '',
    `  API (API Gateway)        ${api}`,
    `  AWS endpoint (edge)      ${edge}      (AWS_ENDPOINT_URL for the SDK, the AWS CLI, cdk)`,
    `  Mailbox viewer (SES)     ${mailbox}`,
    `  DCJ CMS simulator        ${runtime.endpoints.cms}`,
    `  Runtime status           ${edge}/_local/health`,
    `  Operations console       ${runtime.endpoints.console}#token=${tokens['operations']}`,
    `  Data                     ${dataDir}   (delete it to start afresh)`,
    `  Clock                    ${clock.mode}${clock.mode === 'real' && clock.scale !== 1 ? ` x${clock.scale}` : ''}`,
    `  Faults                   ${Object.keys(runtime.faults.current()).length ? JSON.stringify(runtime.faults.current()) : 'none'}   (GET/PUT/DELETE ${edge}/_local/faults)`,
    runtime.resumed ? `  Carried on ${runtime.resumed} execution(s) from the previous run.` : '',
    '',
    `Demo tokens (12 h; also in .local/tokens.json; agency roles belong to ORI ${DEMO_ORI}):`,
    ...ROLES.map((role) => `  ${role.padEnd(13)} ${tokens[role]}`),
    '',
    'Try first:',
    `  curl -s -H "Authorization: Bearer $(node -p "require('./.local/tokens.json').operations")" ${api}/health`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 aws --endpoint-url ${edge} stepfunctions start-execution \\`,
    `    --state-machine-arn ${runtime.names.machines.diagnostics} --input '{"reportTo":"ops@ciss.ct.example","failuresBeforeSuccess":1}'`,
    `  then watch it with: aws --endpoint-url ${edge} stepfunctions get-execution-history --execution-arn <arn>`,
    `  a CCHRS access request (then follow the e-mails in the mailbox viewer):`,
    `  curl -s -X POST ${api}/access-requests -H "Authorization: Bearer $(node -p "require('./.local/tokens.json')['agency-admin']")" -H 'Content-Type: application/json' \\`,
    `    -d '{"employee":{"fullName":"Jordan Rivera","email":"jordan.rivera@nhpd.ct.example","jobTitle":"Records Supervisor"},"ori":"${DEMO_ORI}","justification":"Supervises the records unit that runs criminal history checks for pistol permit applicants."}'`,
    '  a token for any role and agency or court: npm run token -- --role clerk --courts GA23 (or --role admin --ori CT0000100)',
    `  the ${DEMO_ORI} RMS as a machine client (OAuth client credentials; id and secret in .local/clients.json):`,
    `  curl -s -u ${rms.clientId}:<secret> -d grant_type=client_credentials ${api}/oauth2/token`,
    '  operations: npx ciss executions list; npx ciss stuck; npx ciss tasks pending; npx ciss executions show <packet or request id>',
    '',
    'Ctrl-C stops everything (executions in flight carry on at the next npm start).',
  ];
  console.log(lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n'));

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
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
