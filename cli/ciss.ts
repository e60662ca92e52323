import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, Option } from 'commander';
import { EXECUTION_STATUSES, isRedrivable, WORKFLOWS, type ExecutionDetail, type ExecutionPage, type PendingTaskList, type RedriveResult } from '../functions/ops/contract';
import { DURATION_RULE, parseDuration } from '../functions/ops/domain/duration';
import { call, CliError, connection, type Connection } from './client';
import { executionReport, executionsTable, tasksTable } from './format';

/** What the CLI reads and writes: the process's own, or a test's. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Answers a yes/no question (redrive's confirmation). */
  readonly ask: (question: string) => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly now: () => Date;
}

interface GlobalOptions {
  readonly api?: string;
  readonly token?: string;
  readonly json?: boolean;
}

function durationOption(value: string): string {
  if (parseDuration(value) === undefined) throw new CliError(`"${value}" ${DURATION_RULE}`);
  return value;
}

const q = (params: Record<string, string | boolean | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string | boolean] => e[1] !== undefined && e[1] !== false);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
};

/**
 * `ciss`: the operations CLI, a thin client of the ops API (`/ops/*`), so authorization and
 * audit are the API's, the same against the local runtime and AWS. Returns the exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('ciss')
    .description('Operations for ciss-workflows: what runs, what is stuck, one packet or request through its history, and redrive.')
    .addOption(new Option('--api <url>', 'the API base URL (default: CISS_API_URL, else the one `npm start` recorded in .local/endpoints.json)'))
    .addOption(new Option('--token <jwt>', "an operations user's token (default: CISS_TOKEN, else the demo token in .local/tokens.json); prefer CISS_TOKEN: a token on the command line shows in ps and shell history"))
    .option('--json', 'print the API answer as JSON (the ops contract shapes)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const conn = (cmd: Command): { c: Connection; json: boolean } => {
    const g = cmd.optsWithGlobals<GlobalOptions>();
    return { c: connection({ api: g.api, token: g.token }, io.env, io.cwd), json: g.json === true };
  };
  const print = (json: boolean, value: unknown, text: () => string) => io.stdout(`${json ? JSON.stringify(value, null, 2) : text()}\n`);

  const list = async (cmd: Command, opts: { workflow?: string; status?: string; since?: string; stuck?: boolean; limit?: string }) => {
    const { c, json } = conn(cmd);
    const page = await call<ExecutionPage>(c, 'GET', `/ops/executions${q({ workflow: opts.workflow, status: opts.status, since: opts.since, stuck: opts.stuck, limit: opts.limit })}`);
    print(json, page, () => `${executionsTable(page.items, io.now())}${page.nextToken ? `\n(more: --limit to see more)` : ''}`);
  };

  const executions = program.command('executions').description('executions of every workflow');
  executions
    .command('list')
    .description('list executions, newest first')
    .addOption(new Option('--workflow <workflow>', 'only this workflow').choices(WORKFLOWS))
    .addOption(new Option('--status <status>', 'only this status').choices(EXECUTION_STATUSES))
    .option('--since <duration>', 'only those started in the last <duration> (30m, 6h, 2d, 1w)', durationOption)
    .option('--stuck', 'only running executions past the time their state allows')
    .option('--limit <n>', 'at most n (1-100)', '20')
    .action(async (opts: { workflow?: string; status?: string; since?: string; stuck?: boolean; limit?: string }, cmd: Command) => list(cmd, opts));
  executions
    .command('show <id>')
    .description('one execution by packet id, access request id, execution name or ARN: its timeline (state, entered, duration, retries, error and cause)')
    .option('--reveal', 'show inputs and outputs with personal data (audited)')
    .action(async (id: string, opts: { reveal?: boolean }, cmd: Command) => {
      const { c, json } = conn(cmd);
      const detail = await call<ExecutionDetail>(c, 'GET', `/ops/executions/${encodeURIComponent(id)}${q({ reveal: opts.reveal })}`);
      print(json, detail, () => executionReport(detail, io.now()));
    });

  program
    .command('stuck')
    .description('running executions past the time their state allows (see cli/README.md, Stuck)')
    .option('--limit <n>', 'at most n (1-100)', '20')
    .action(async (opts: { limit?: string }, cmd: Command) => list(cmd, { stuck: true, limit: opts.limit }));

  program
    .command('tasks')
    .description('human tasks')
    .command('pending')
    .description('human tasks waiting for a decision, oldest first: on whom (role, ORI, e-mail) and since when')
    .option('--older-than <duration>', 'only those waiting longer than <duration>', durationOption)
    .action(async (opts: { olderThan?: string }, cmd: Command) => {
      const { c, json } = conn(cmd);
      const list = await call<PendingTaskList>(c, 'GET', `/ops/tasks${q({ olderThan: opts.olderThan })}`);
      print(json, list, () => tasksTable(list.items));
    });

  program
    .command('redrive <id>')
    .description('run a FAILED, TIMED_OUT or ABORTED execution again from the state where it stopped')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (id: string, opts: { yes?: boolean }, cmd: Command) => {
      const { c, json } = conn(cmd);
      const detail = await call<ExecutionDetail>(c, 'GET', `/ops/executions/${encodeURIComponent(id)}`);
      const what = `${detail.workflow} execution ${detail.name} (${detail.status}${detail.currentState ? ` in ${detail.currentState}` : ''}${detail.error ? `: ${detail.error}` : ''})`;
      if (!isRedrivable(detail.status)) throw new CliError(`Nothing to redrive: ${what}. Only a FAILED, TIMED_OUT or ABORTED execution can be redriven.`);
      if (!opts.yes) {
        const answer = await io.ask(`Redrive ${what} from ${detail.currentState ?? 'where it stopped'}? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('Not redriven.');
      }
      const result = await call<RedriveResult>(c, 'POST', `/ops/executions/${encodeURIComponent(detail.executionArn)}/redrive`);
      print(json, result, () => `Redriven at ${result.redriveDate}: ${result.execution.name} is ${result.execution.status}${result.execution.currentState ? ` in ${result.execution.currentState}` : ''}.`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr(`ciss: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`ciss: ${(error as Error).message}\n`);
    return 1;
  }
}

/** The process's own streams, environment and terminal. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } catch {
        return '';
      } finally {
        rl.close();
      }
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}
