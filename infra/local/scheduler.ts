import { randomUUID } from 'node:crypto';
import { schedules, type FunctionName, type ScheduleSpec } from '../manifest';
import type { Clock } from './clock';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalLambda } from './lambda';

export interface ScheduledRun {
  readonly schedule: string;
  readonly target: FunctionName;
  /** Virtual time of the run, ISO 8601. */
  readonly at: string;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * The manifest's schedules on the runtime's clock: each target is invoked with an EventBridge
 * `Scheduled Event`, every `everyMinutes` of virtual time.
 *
 * When the clock jumps (a test advancing a day), the runs the jump skipped are made up by one
 * run, not by one per period: the next run is planned a period after the last one *ends*, or after
 * the jump's end when the run ended inside it (the clock fires a jump's timers one by one). That is
 * what a measurement wants (the queue as it is now) and keeps a 300-day jump from invoking the
 * function 86,400 times. In AWS the rule fires every period of real time.
 */
export class LocalScheduler {
  readonly runs: ScheduledRun[] = [];
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly lambda: LocalLambda, private readonly clock: Clock) {}

  /** The schedules this runtime runs, with the expression the AWS rules have. */
  table(): { readonly schedule: string; readonly expression: string; readonly target: FunctionName }[] {
    return (Object.entries(schedules) as [string, ScheduleSpec][]).map(([schedule, spec]) => ({
      schedule,
      expression: `rate(${spec.everyMinutes} minute${spec.everyMinutes === 1 ? '' : 's'})`,
      target: spec.target.function,
    }));
  }

  /** Starts every schedule but those named in `skip`. */
  start(skip: ReadonlySet<string> = new Set()): void {
    this.loops = (Object.entries(schedules) as [string, ScheduleSpec][]).filter(([name]) => !skip.has(name)).map(([name, spec]) => this.loop(name, spec));
  }

  /** Stops planning runs and waits for a run under way to finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
  }

  /**
   * Runs one schedule's target now, as its rule would (a harness's "run it now", like
   * invoking the target in AWS), and answers with the run once it ended.
   */
  async runNow(name: string): Promise<ScheduledRun | undefined> {
    const spec = (schedules as Readonly<Record<string, ScheduleSpec>>)[name];
    return spec ? this.run(name, spec) : undefined;
  }

  private async run(name: string, spec: ScheduleSpec): Promise<ScheduledRun> {
    const at = this.clock.nowIso();
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: at.replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${name}`],
      detail: {},
    };
    const result = await this.lambda.invoke(spec.target.function, event);
    const error = result.error ? `${result.error.errorType}: ${result.error.errorMessage}` : undefined;
    const run: ScheduledRun = { schedule: name, target: spec.target.function, at, ok: !error, ...(error ? { error } : {}) };
    this.runs.push(run);
    if (error) console.error(`[scheduler] ${name}: ${spec.target.function} failed: ${error}`);
    return run;
  }

  private async loop(name: string, spec: ScheduleSpec): Promise<void> {
    const period = spec.everyMinutes * 60_000;
    const signal = this.stopping.signal;
    // A run that ends while the clock is being advanced plans from where the advance goes, so a
    // jump is made up by one run per schedule however long the run takes against the jump's steps.
    const nextRun = (): number => Math.max(this.clock.now(), this.clock.jumpTarget() ?? 0) + period;
    for (let next = nextRun(); ; next = nextRun()) {
      await this.clock.sleepUntil(next, signal);
      if (signal.aborted) return;
      await this.run(name, spec);
    }
  }
}
