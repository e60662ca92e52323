/**
 * Named errors the use cases throw. `functions/shared/http.ts` maps them to HTTP in one place;
 * state machines `Catch` them by name (`error.name` is the Step Functions error name).
 */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  constructor(message: string, readonly details?: unknown) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  /** Dotted path of the field, e.g. `arrestee.dateOfBirth`. */
  readonly field: string;
  /** The rule that failed, in words meant for the caller. */
  readonly rule: string;
}

export class ValidationFailed extends AppError {
  readonly statusCode = 400;
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`Validation failed: ${problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`, problems);
  }
}

export class Unauthorized extends AppError {
  readonly statusCode = 401;
}

export class Forbidden extends AppError {
  readonly statusCode = 403;
}

export class NotFound extends AppError {
  readonly statusCode = 404;
}

export class Conflict extends AppError {
  readonly statusCode = 409;
}

/** The thing existed but is over: an expired task, a workflow that moved on. */
export class Gone extends AppError {
  readonly statusCode = 410;
}

export class PayloadTooLarge extends AppError {
  readonly statusCode = 413;
}

/** A failure worth retrying (a state machine `Retry` matches it by name). */
export class TransientFailure extends AppError {
  readonly statusCode = 503;
}
