import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  ValidationException,
  type ExecutionStatus,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { execFile, execFileSync } from 'node:child_process';
import { Clock } from '../../infra/local/clock';
import { givenRuntime, stopHarness, type Harness } from '../e2e/steps';

/**
 * The local edge answers Step Functions API calls as AWS does, errors included, so that
 * `AWS_ENDPOINT_URL` is the one switch between the local runtime and AWS. Every call goes through
 * the SDK v3 client against the edge; each expectation names the AWS API reference behaviour
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_<Operation>.html) it holds
 * the edge to.
 *
 * The runtime runs on a real clock, as under `npm start` (a manual clock stands still, and would
 * hide timing differences such as two stopDates a millisecond apart). The machine used here is
 * made through CreateStateMachine: a Wait of an hour, so its executions stay RUNNING until stopped.
 */
/** The AWS CLI on PATH (Debian's `awscli`, or any v1/v2), or undefined: its checks then do not run, and say so. */
const AWS_CLI = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

const HOLD = JSON.stringify({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } } });
const ROLE = 'arn:aws:iam::000000000000:role/conformance';

describe('Step Functions at the edge, as AWS answers', () => {
  let h: Harness;
  let sfn: SFNClient;
  let machineArn: string;
  const unknownMachine = () => machineArn.replace(/:stateMachine:.*$/, ':stateMachine:no-such-machine');

  beforeAll(async () => {
    h = await givenRuntime({ clock: new Clock() });
    sfn = h.sfn;
    machineArn = (await sfn.send(new CreateStateMachineCommand({ name: 'conformance-hold', definition: HOLD, roleArn: ROLE }))).stateMachineArn ?? '';
  });
  afterAll(() => stopHarness(h));

  const start = async (name: string, input = '{}'): Promise<string> => (await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }))).executionArn ?? '';

  describe('StartExecution', () => {
    it('refuses input that is not JSON with InvalidExecutionInput', async () => {
      // API_StartExecution, Errors: InvalidExecutionInput, "The provided JSON input data is not valid."
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'bad-input', input: 'not json' }))).rejects.toBeInstanceOf(InvalidExecutionInput);
    });

    it.each(['run.1@x', 'a.b-c_d@e+f=g', 'x'.repeat(80)])('accepts the execution name %p', async (name) => {
      // API_StartExecution, name: 1 to 80 characters; only white space, brackets, wildcards,
      // `" # % \ ^ | ~ \` $ & , ; : /` and control characters are refused, so `.` and `@` are names.
      const arn = await start(name);
      expect(arn.endsWith(`:${name}`)).toBe(true);
      await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    });

    it.each(['has space', 'tab\there', 'a<b', 'a{b}', 'a[b]', 'wild*', 'what?', 'a:b', 'a/b', 'a#b', 'a%b', 'ctl\u0001', 'c1\u0085', 'x'.repeat(81)])('refuses the execution name %p with InvalidName', async (name) => {
      // API_StartExecution, name: "A name must not contain: white space, brackets < > { } [ ],
      // wildcard characters ? *, special characters " # % \ ^ | ~ ` $ & , ; : /, control
      // characters (U+0000-001F, U+007F-009F)"; length 1 to 80. Errors: InvalidName.
      await expect(start(name)).rejects.toBeInstanceOf(InvalidName);
    });
  });

  it('refuses a call without a required parameter with ValidationException', async () => {
    // Common Errors: ValidationException, "The input fails to satisfy the constraints specified by
    // an AWS service" (reason MISSING_REQUIRED_PARAMETER); stateMachineArn is Required: Yes.
    await expect(sfn.send(new StartExecutionCommand({} as never))).rejects.toBeInstanceOf(ValidationException);
  });

  describe('ARNs', () => {
    it.each([
      ['DescribeStateMachine', () => new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })],
      ['StartExecution', () => new StartExecutionCommand({ stateMachineArn: 'not-an-arn' })],
      ['ListExecutions', () => new ListExecutionsCommand({ stateMachineArn: 'not-an-arn' })],
      ['DeleteStateMachine', () => new DeleteStateMachineCommand({ stateMachineArn: 'not-an-arn' })],
      ['DescribeExecution', () => new DescribeExecutionCommand({ executionArn: 'not-an-arn' })],
      ['GetExecutionHistory', () => new GetExecutionHistoryCommand({ executionArn: 'not-an-arn' })],
      ['StopExecution', () => new StopExecutionCommand({ executionArn: 'not-an-arn' })],
    ] as const)('%s refuses a malformed ARN with InvalidArn', async (_operation, command) => {
      // API_<Operation>, Errors: InvalidArn, "The provided Amazon Resource Name (ARN) is not valid."
      await expect(sfn.send(command() as never)).rejects.toBeInstanceOf(InvalidArn);
    });

    it('answers a well-formed ARN it does not know with StateMachineDoesNotExist / ExecutionDoesNotExist', async () => {
      // API_DescribeStateMachine, Errors: StateMachineDoesNotExist, "The specified state machine does not exist."
      await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknownMachine() }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
      // API_DescribeExecution, Errors: ExecutionDoesNotExist, "The specified execution does not exist."
      const executionArn = machineArn.replace(':stateMachine:', ':execution:') + ':never-started';
      await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    });
  });

  describe('DescribeStateMachine', () => {
    it('always gives loggingConfiguration and tracingConfiguration, as AWS shows them switched off', async () => {
      // API_DescribeStateMachine, Response: loggingConfiguration (LoggingConfiguration: level
      // ALL | ERROR | FATAL | OFF, default OFF; includeExecutionData) and tracingConfiguration
      // (TracingConfiguration: enabled, whether X-Ray tracing is on).
      const out = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
      expect(out).toMatchObject({
        stateMachineArn: machineArn,
        name: 'conformance-hold',
        status: 'ACTIVE',
        type: 'STANDARD',
        definition: HOLD,
        roleArn: ROLE,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      });
    });
  });

  describe('ListExecutions', () => {
    beforeAll(async () => {
      for (const name of ['page-1', 'page-2', 'page-3']) await start(name);
    });

    it('refuses a statusFilter outside its enum with ValidationException', async () => {
      // API_ListExecutions, statusFilter: Valid Values RUNNING | SUCCEEDED | FAILED | TIMED_OUT |
      // ABORTED | PENDING_REDRIVE; a request that breaks a constraint is a ValidationException
      // ("The input does not satisfy the constraints specified by an AWS service").
      await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'BOGUS' as ExecutionStatus }))).rejects.toBeInstanceOf(ValidationException);
    });

    it.each([-5, 1001])('refuses maxResults %p (valid range 0 to 1000) with ValidationException', async (maxResults) => {
      // API_ListExecutions, maxResults: "Valid Range: Minimum value of 0. Maximum value of 1000."
      await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults }))).rejects.toBeInstanceOf(ValidationException);
    });

    it('refuses a nextToken it did not give with InvalidToken', async () => {
      // API_ListExecutions, Errors: InvalidToken, "The provided token is not valid."
      await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, nextToken: 'garbage' }))).rejects.toBeInstanceOf(InvalidToken);
      // API_GetExecutionHistory, Errors: InvalidToken (the same paging rules).
      const executionArn = await start('history-token');
      await expect(sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: 'garbage' }))).rejects.toBeInstanceOf(InvalidToken);
    });

    it('pages with the nextToken it gave, newest first, every execution once', async () => {
      // API_ListExecutions: "Results are sorted by time, with the most recent execution first.
      // If nextToken is returned, there are more results available ... Make the call again using
      // the returned token to retrieve the next page." maxResults 0 means the default.
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING', maxResults: 1, nextToken }));
        expect(out.executions?.length).toBeLessThanOrEqual(1);
        names.push(...(out.executions ?? []).map((e) => e.name ?? ''));
        nextToken = out.nextToken;
      } while (nextToken);
      const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING', maxResults: 0 }));
      expect(names).toEqual(all.executions?.map((e) => e.name));
      expect(names).toEqual(expect.arrayContaining(['page-1', 'page-2', 'page-3']));
      expect(new Set(names).size).toBe(names.length);
    });
  });

  describe('StopExecution', () => {
    it('gives the stopDate that DescribeExecution and the ExecutionAborted event then show', async () => {
      // API_StopExecution, Response: stopDate, "The date the execution is stopped." The same
      // instant is the execution's stopDate (API_DescribeExecution) and its end event's timestamp.
      const executionArn = await start('stop-date');
      const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Conformance', cause: 'stopped by the test' }));
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }))).events ?? [];

      expect(described).toMatchObject({ status: 'ABORTED', error: 'Conformance', cause: 'stopped by the test' });
      expect(described.stopDate?.getTime()).toBe(stopped.stopDate?.getTime());
      expect(events[0]?.type).toBe('ExecutionAborted');
      expect(events[0]?.timestamp?.getTime()).toBe(stopped.stopDate?.getTime());
    });
  });

  describe('DeleteStateMachine', () => {
    it('deletes a machine: its running executions end, and the machine is gone', async () => {
      // API_DeleteStateMachine: "It sets the state machine's status to DELETING and begins the
      // deletion process. A state machine is deleted only when all its executions are completed.
      // On the next state transition, the state machine's executions are terminated." Here the
      // deletion is done before the answer: the running execution is stopped (ABORTED).
      const doomed = (await sfn.send(new CreateStateMachineCommand({ name: 'conformance-doomed', definition: HOLD, roleArn: ROLE }))).stateMachineArn ?? '';
      const executionArn = (await sfn.send(new StartExecutionCommand({ stateMachineArn: doomed, name: 'doomed-run' }))).executionArn ?? '';

      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: doomed }));

      await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: doomed }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: doomed }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
      const listed = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.map((m) => m.stateMachineArn);
      expect(listed).not.toContain(doomed);
      expect(listed).toContain(machineArn);
      expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED' });
    });

    it('succeeds for a machine that does not exist (its only errors are InvalidArn and ValidationException)', async () => {
      // API_DeleteStateMachine, Errors: InvalidArn, ValidationException; no StateMachineDoesNotExist.
      await expect(sfn.send(new DeleteStateMachineCommand({ stateMachineArn: unknownMachine() }))).resolves.toBeDefined();
    });
  });

  /** The CLI starts a Python interpreter per call: seconds each on a loaded machine. */
  const CLI_TEST_TIMEOUT_MS = 240_000;

  (AWS_CLI ? describe : describe.skip)(`through the AWS CLI (${AWS_CLI ?? 'no aws on PATH: not run'})`, () => {
    /** Runs `aws stepfunctions …` against the edge; its exit code, JSON answer or error text. */
    const aws = (...args: string[]): Promise<{ code: number; out: string; err: string }> =>
      new Promise((resolve) => {
        const env = {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_MAX_ATTEMPTS: '1',
        };
        execFile(AWS_CLI ?? 'aws', ['--endpoint-url', h.runtime.endpoints.edge, '--output', 'json', 'stepfunctions', ...args], { env, timeout: 60_000 }, (error, out, err) => {
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, out, err });
        });
      });

    it('gets InvalidExecutionInput, InvalidArn, ValidationException and InvalidToken as the SDK does', async () => {
      // The same API reference rules as above, through the CLI's own (botocore) client.
      const badInput = await aws('start-execution', '--state-machine-arn', machineArn, '--name', 'cli-bad-input', '--input', 'not json');
      expect(badInput.code).not.toBe(0);
      expect(badInput.err).toContain('InvalidExecutionInput');
      const badArn = await aws('describe-state-machine', '--state-machine-arn', 'not-an-arn');
      expect(badArn.err).toContain('InvalidArn');
      const badFilter = await aws('list-executions', '--state-machine-arn', machineArn, '--status-filter', 'BOGUS');
      expect(badFilter.err).toContain('ValidationException');
      const badToken = await aws('list-executions', '--state-machine-arn', machineArn, '--next-token', 'garbage');
      expect(badToken.err).toContain('InvalidToken');
    }, CLI_TEST_TIMEOUT_MS);

    it('starts cli.run.1@x, stops it with the stopDate describe-execution shows, and deletes a machine', async () => {
      const started = await aws('start-execution', '--state-machine-arn', machineArn, '--name', 'cli.run.1@x');
      expect(started).toMatchObject({ code: 0 });
      const executionArn = (JSON.parse(started.out) as { executionArn: string }).executionArn;
      const stopped = JSON.parse((await aws('stop-execution', '--execution-arn', executionArn)).out) as { stopDate: unknown };
      const described = JSON.parse((await aws('describe-execution', '--execution-arn', executionArn)).out) as { stopDate: unknown; status: string };
      expect(described).toMatchObject({ status: 'ABORTED', stopDate: stopped.stopDate });

      const doomed = JSON.parse((await aws('create-state-machine', '--name', 'conformance-cli-doomed', '--definition', HOLD, '--role-arn', ROLE)).out) as { stateMachineArn: string };
      expect(await aws('delete-state-machine', '--state-machine-arn', doomed.stateMachineArn)).toMatchObject({ code: 0 });
      expect((await aws('describe-state-machine', '--state-machine-arn', doomed.stateMachineArn)).err).toContain('StateMachineDoesNotExist');
    }, CLI_TEST_TIMEOUT_MS);
  });

  it('answers an operation it does not serve at once with UnknownOperationException', async () => {
    // AWS JSON protocols answer an operation the service does not have with
    // UnknownOperationException (HTTP 400), never silence.
    await expect(sfn.send(new ListActivitiesCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
  });
});
