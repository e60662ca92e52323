/**
 * What operations staff see of executions and human tasks: one shape for the ops API
 * (`GET /ops/executions`, `GET /ops/executions/{id}`, `GET /ops/tasks`), the `ciss` CLI (`--json`
 * prints exactly these) and the portal's operations section. Built from Step Functions (ListExecutions,
 * DescribeExecution, GetExecutionHistory) and the task store, the same way locally and in AWS.
 */

/** The workflows an operator filters by; `approval` and `diagnostics` are the platform's own. */
export const WORKFLOWS = ['arrest', 'access', 'approval', 'diagnostics'] as const;
export type Workflow = (typeof WORKFLOWS)[number];

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** What a redrive can carry on from where it stopped: an execution that ended short of its end. */
export const REDRIVABLE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const satisfies readonly ExecutionStatus[];
export const isRedrivable = (status: string): boolean => (REDRIVABLE_STATUSES as readonly string[]).includes(status);

/** The business subject an execution is about (its correlation key in logs and audit). */
export interface Subject {
  readonly type: 'packet' | 'request' | 'run' | 'task';
  readonly id: string;
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly workflow: Workflow;
  /** The state machine's manifest name (`arrest-packet`, `access-request`, …). */
  readonly machine: string;
  readonly name: string;
  readonly subject?: Subject;
  readonly status: ExecutionStatus;
  readonly startDate: string;
  readonly stopDate?: string;
  /** The state it is in now (RUNNING) or failed in (FAILED / TIMED_OUT). */
  readonly currentState?: string;
  /** When it entered `currentState`. */
  readonly currentSince?: string;
  /** Seconds the step is expected to take at most; past it, the execution is stuck. */
  readonly expectedSeconds?: number;
  readonly stuck: boolean;
}

export interface ExecutionPage {
  readonly items: readonly ExecutionSummary[];
  /** Pass back as `nextToken` for the next page; null on the last. Opaque, as every list's is. */
  readonly nextToken: string | null;
}

/** One state entered and (maybe) left: a line of the timeline. */
export interface TimelineStep {
  readonly state: string;
  /** The ASL state type: Task, Choice, Wait, Pass, Parallel, Map, Succeed, Fail. */
  readonly type: string;
  readonly enteredAt: string;
  readonly leftAt?: string;
  readonly durationMs?: number;
  /** Attempts beyond the first (Retry). */
  readonly retries: number;
  /** Set when the step failed (or its last attempt did). */
  readonly error?: string;
  readonly cause?: string;
  /** Input and output, redacted unless revealed by an authorized operator. */
  readonly input?: unknown;
  readonly output?: unknown;
}

export interface PendingTask {
  readonly taskId: string;
  readonly workflow: string;
  readonly step: string;
  readonly executionArn: string;
  readonly subject: Subject & { readonly title: string };
  /** On whom it waits: the role, the agency (ORI) when scoped, and the e-mail address. */
  readonly assignee: { readonly role: string; readonly ori?: string; readonly email: string };
  readonly since: string;
  readonly ageSeconds: number;
  readonly expiresAt: string;
}

export interface ExecutionDetail extends ExecutionSummary {
  /** The ASL definition (the portal's operations section draws it as a graph). */
  readonly definition: string;
  /** States in the order they were entered (a state may repeat). */
  readonly path: readonly string[];
  readonly timeline: readonly TimelineStep[];
  readonly error?: string;
  readonly cause?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly pendingTask?: PendingTask;
  /** True when inputs and outputs are shown as they are (`--reveal`); the reveal is audited. */
  readonly revealed: boolean;
  /**
   * The subject's other executions, newest first: an arrest packet's earlier versions and its
   * continuations (continue-as-new), an access request's reissues. Empty for a single one.
   */
  readonly otherExecutions?: readonly ExecutionSummary[];
}

/** `GET /ops/tasks`: the human tasks still waiting, oldest first. */
export interface PendingTaskList {
  readonly items: readonly PendingTask[];
}

/** `POST /ops/executions/{id}/redrive`: the execution as it is now running again. */
export interface RedriveResult {
  readonly execution: ExecutionSummary;
  readonly redriveDate: string;
}

/** What an API error answer says (functions/shared/http.ts `errorResponse`), read defensively. */
export interface ApiErrorBody {
  readonly message?: string;
  readonly problems: readonly { readonly field: string; readonly rule: string }[];
  readonly correlationId?: string;
}

/** An answer's text as JSON (undefined when empty or not JSON), and what it says if it is an error. */
export function readAnswer(text: string): { readonly body: unknown; readonly error: ApiErrorBody } {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; problems?: unknown; correlationId?: unknown };
  const problems = Array.isArray(b.problems) ? (b.problems as unknown[]).filter((p): p is { field: string; rule: string } => typeof (p as { field?: unknown })?.field === 'string' && typeof (p as { rule?: unknown })?.rule === 'string') : [];
  return {
    body,
    error: {
      message: typeof b.message === 'string' ? b.message : undefined,
      problems,
      correlationId: typeof b.correlationId === 'string' ? b.correlationId : undefined,
    },
  };
}
