/**
 * Typed errors. Per-event problems are values (see {@link EventError}); exceptions are for
 * usage, configuration and infrastructure failures, each with a stable code.
 */

/** Base class: every error Palisade throws on purpose has a code and an exit code. */
export class PalisadeError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** Bad usage or bad input the user can fix: exit code 2, one line, no stack. */
export class UsageError extends PalisadeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, { ...options, exitCode: 2 });
  }
}

/** One problem found in a config file: where it is and what is wrong. */
export interface ConfigProblem {
  file: string;
  path: string;
  message: string;
}

/** A config that failed validation; carries every problem, not just the first. */
export class ConfigError extends PalisadeError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super('config', formatProblems(problems), { exitCode: 2 });
    this.problems = problems;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const head = `invalid config: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return [head, ...problems.map((p) => `  ${p.file}: ${p.path || '(root)'}: ${p.message}`)].join('\n');
}

/** Storage, network or engine failure; retried at the edges, never swallowed. */
export class InfraError extends PalisadeError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Pipeline stage an event failed in; mirrors Metron's `error_type` values. */
export type ErrorStage =
  | 'parser_error'
  | 'parser_invalid'
  | 'enrichments_error'
  | 'threatintel_error'
  | 'indexing_error';

/** A per-event failure, carried as a value to the `errors` table with the original bytes. */
export interface EventError {
  stage: ErrorStage;
  code: string;
  message: string;
  /** The field at fault, when there is one. */
  field?: string;
  /**
   * The bytes that failed, when only part of a record did (one line of a multi-line record);
   * absent when the whole record failed. The `errors` table keeps these as the original bytes.
   */
  raw?: Buffer;
}

/** Result of a per-event step: the value, or the reason it failed. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: EventError };

/** Shorthand constructors for {@link Result}. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: EventError): Result<never> => ({ ok: false, error });
