import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { testClock } from '../target';
import { runLoad, targetOf, verifyLoad, type LoadResult, type Target } from '../../drive/load';
import { captureOutput, givenRuntime, mailbox, scanAll, stopHarness, type Harness } from './steps';

/** Three base64url segments, the first a JSON object: any JWT, whoever signed it. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/**
 * Issue 6, "input and secrets": both workflows run end to end (arrest packets to AVAILABLE,
 * access requests to ACTIVE, DENIED and PASSWORD_EXPIRED, an RMS machine client among the
 * callers), then every log line, every item of every DynamoDB table and every execution history
 * is searched for what must never be kept: temporary and chosen passwords, task tokens, link
 * signatures, signing keys and credentials, and JWTs. Only the mailbox (the people's own
 * e-mail) may hold a password or a link.
 */
describe('no secret is kept: logs, tables and histories after both workflows', () => {
  let h: Harness;
  let target: Target;
  let result: LoadResult;
  let logs: string;
  const taskTokens = new Set<string>();
  const jwts = new Set<string>();

  beforeAll(async () => {
    h = await givenRuntime({ clock: testClock({ autoAdvanceMs: 5 * 60_000 }) });
    h.runtime.lambda.observer = (_name, event) => {
      const token = (event as { taskToken?: unknown } | null)?.taskToken;
      if (typeof token === 'string') taskTokens.add(token);
    };
    const output = captureOutput();
    try {
      target = await targetOf(h.runtime);
      for (const token of Object.values(target.tokens)) jwts.add(token);
      // The agency's RMS as a machine client, too: its grant and its token are secrets as well.
      const client = h.runtime.clients.rmsClient('CT0000100');
      const grant = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const machineToken = ((await grant.json()) as { access_token: string }).access_token;
      jwts.add(machineToken);
      target = { ...target, tokens: { ...target.tokens, rms: machineToken } };
      result = await runLoad(target, { packets: 4, accessRequests: 5, concurrency: 4, tag: 'scan', duplicateEvery: 2 });
    } finally {
      output.restore();
      logs = output.written.join('');
    }
  }, 240_000);
  afterAll(() => stopHarness(h));

  async function secrets(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const mails = await mailbox(h.runtime);
    for (const mail of mails) {
      const text = `${mail.subject}\n${mail.body.text ?? ''}\n${mail.body.html ?? ''}`;
      for (const [, password] of text.matchAll(/Temporary password: (\S+)/g)) if (password) found.set(password, 'a temporary password');
      for (const [, sig] of text.matchAll(/[?&;]sig=([A-Za-z0-9_-]{16,})/g)) if (sig) found.set(sig, 'an approval link signature');
    }
    found.set('Granite-Harbor-Lantern-42', 'a password an employee chose');
    for (const token of taskTokens) found.set(token, 'a task token');
    for (const token of jwts) found.set(token, 'a JWT');
    const client = h.runtime.clients.rmsClient('CT0000100');
    found.set(client.clientSecret, 'an RMS client secret');
    const sm = new SecretsManagerClient({ endpoint: h.runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const secret of ['approval-link-key', 'cms-credentials'] as const) {
      const value = (await sm.send(new GetSecretValueCommand({ SecretId: `ciss-${h.stage}-${secret}` }))).SecretString ?? '';
      found.set(value, `the ${secret} secret`);
    }
    sm.destroy();
    return found;
  }

  async function everyHistory(): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    for (const machine of (await h.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []) {
      let nextToken: string | undefined;
      do {
        const page = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, nextToken }));
        for (const execution of page.executions ?? []) {
          let historyToken: string | undefined;
          do {
            const history = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken: historyToken }));
            events.push(...(history.events ?? []));
            historyToken = history.nextToken;
          } while (historyToken);
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    return events;
  }

  it('ran both workflows to their ends, with every kind of secret in play', async () => {
    const verification = await verifyLoad(target, result);
    expect(verification.problems).toEqual([]);
    expect(result.requests.map((r) => r.path).sort()).toEqual(['active', 'active', 'active', 'denied', 'expired']);
    const kinds = new Set((await secrets()).values());
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['a JWT', 'a task token', 'a temporary password', 'an approval link signature', 'an RMS client secret', 'the approval-link-key secret', 'the cms-credentials secret']),
    );
  });

  it('finds none of them, and no JWT at all, in a log line, a table item or an execution history', async () => {
    const tables = (await new DynamoDBClient({ endpoint: h.runtime.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }).send(new ListTablesCommand({}))).TableNames ?? [];
    const ours = tables.filter((t) => t.startsWith(`ciss-${h.stage}-`));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    const places = {
      logs,
      tables: JSON.stringify(await scanAll(h, ours)),
      histories: JSON.stringify(await everyHistory()),
    };
    // The places are not empty: the scan reads what the workflows wrote.
    expect(places.logs.length).toBeGreaterThan(1000);
    expect(places.tables).toContain(result.packetIds[0] ?? 'no packet');
    expect(places.histories).toContain('TaskScheduled');

    const leaks: string[] = [];
    const known = await secrets();
    for (const [place, text] of Object.entries(places)) {
      for (const [secret, what] of known) if (secret.length >= 8 && text.includes(secret)) leaks.push(`${what} in ${place}`);
      for (const [jwt] of text.matchAll(JWT)) leaks.push(`a JWT in ${place}: ${jwt.slice(0, 20)}…`);
    }
    expect(leaks).toEqual([]);
  });
});
