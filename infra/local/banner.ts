import path from 'node:path';

/** What `npm start` knows when it prints its banner. */
export interface BannerInfo {
  readonly endpoints: { readonly edge: string; readonly api: string; readonly mailbox: string; readonly cms: string; readonly portal: string };
  readonly roles: readonly string[];
  readonly demoOri: string;
  readonly dataDir: string;
  /** Where `npm start` runs, so that files under it are named as a path from here. @default process.cwd() */
  readonly cwd?: string;
  /** The per-run secret for `/_local/*` controls and the mailbox's data. */
  readonly localSecret: string;
  readonly clock: string;
  readonly faults: string;
  readonly resumed: number;
  readonly diagnosticsMachine: string;
  readonly rmsClientId: string;
  /** Where PGlite keeps the search database (behind the edge's RDS Data API); in memory when absent. */
  readonly searchDataDir?: string;
}

/**
 * The banner `npm start` prints: where everything is and what to try first. No token is printed
 * (a wall of base64 helps nobody, and people sign in to the portal): it names the roles, the file
 * that holds their tokens and the command that mints one.
 */
export function formatBanner(b: BannerInfo): string {
  const { edge, api, mailbox, cms } = b.endpoints;
  // The data's files as the reader would type them: `./.local/…`, or the full path of a
  // CISS_DATA_DIR elsewhere.
  const inCwd = path.relative(b.cwd ?? process.cwd(), b.dataDir);
  const dir = inCwd && !inCwd.startsWith('..') && !path.isAbsolute(inCwd) ? `./${inCwd}` : b.dataDir;
  const file = (name: string) => `${dir}/${name}`;
  const secretHeader = `-H "X-Ciss-Local-Secret: $(node -p "require('${file('runtime.json')}').localSecret")"`;
  const lines = [
    '',
    'ciss-workflows is running.',
    '',
    `  Portal (sign in here)    ${b.endpoints.portal}   (every role; pick a demo person at sign-in; operations: ${b.endpoints.portal}#/ops)`,
    `  API (API Gateway)        ${api}`,
    `  AWS endpoint (edge)      ${edge}      (AWS_ENDPOINT_URL for the SDK, the AWS CLI, cdk)`,
    `  Mailbox (mail sent)      ${mailbox}/#secret=${b.localSecret}   (as JSON: curl -s ${secretHeader} ${mailbox}/store)`,
    `  DCJ CMS simulator        ${cms}`,
    `  Search database          RDS Data API at the edge (${edge}), PostgreSQL on PGlite ${b.searchDataDir ? `in ${b.searchDataDir}` : 'in memory'}, opened at the first search`,
    `  Runtime status           ${edge}/_local/health`,
    `  Per-run secret           ${b.localSecret}   (also in ${file('runtime.json')}; send it as X-Ciss-Local-Secret to ${edge}/_local/* and ${mailbox})`,
    `  Data                     ${b.dataDir}   (delete it to start afresh)`,
    `  Clock                    ${b.clock}`,
    `  Faults                   ${b.faults}   (GET/PUT/DELETE ${edge}/_local/faults, with the secret)`,
    b.resumed ? `  Carried on ${b.resumed} execution(s) from the previous run.` : '',
    '',
    `Demo tokens (12 h) for the roles ${b.roles.join(', ')}`,
    `  are in ${file('tokens.json')} (agency roles belong to ORI ${b.demoOri}); read one with: node -p "require('${file('tokens.json')}').operations"`,
    `  a token for any role and agency or court: npm run token -- --role admin --ori ${b.demoOri} (a clerk: --role clerk --courts GA23)`,
    '',
    'Try first:',
    `  curl -s -H "Authorization: Bearer $(node -p "require('${file('tokens.json')}').operations")" ${api}/health`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 aws --endpoint-url ${edge} stepfunctions start-execution \\`,
    `    --state-machine-arn ${b.diagnosticsMachine} --input '{"reportTo":"ops@ciss.ct.example","failuresBeforeSuccess":1}'`,
    `  then watch it with: aws --endpoint-url ${edge} stepfunctions get-execution-history --execution-arn <arn>`,
    '  a CCHRS access request (then follow its e-mails in the mailbox):',
    `  curl -s -X POST ${api}/access-requests -H "Authorization: Bearer $(node -p "require('${file('tokens.json')}')['agency-admin']")" -H 'Content-Type: application/json' \\`,
    `    -d '{"employee":{"fullName":"Jordan Rivera","email":"jordan.rivera@nhpd.ct.example","jobTitle":"Records Supervisor"},"ori":"${b.demoOri}","justification":"Supervises the records unit that runs criminal history checks for pistol permit applicants."}'`,
    `  the ${b.demoOri} RMS as a machine client (OAuth client credentials; id and secret in ${file('clients.json')}):`,
    `  curl -s -u ${b.rmsClientId}:<secret> -d grant_type=client_credentials ${api}/oauth2/token`,
    '  operations: npx ciss executions list; npx ciss stuck; npx ciss tasks pending; npx ciss executions show <packet or request id>',
    '',
    'Ctrl-C (or SIGTERM to npm) stops everything (executions in flight carry on at the next npm start).',
  ];
  return lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n');
}
