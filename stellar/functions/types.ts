import type { Value } from '../values.js';

/**
 * A Stellar function as data: what it is called, what it takes and returns, whether it is
 * pure, examples that double as its tests, and its implementation. The registry
 * (`functions/all.ts`) is built from an explicit list of these.
 */

export interface ParamDef {
  name: string;
  description: string;
  /** May be left out (and every parameter after it). */
  optional?: boolean;
  /** Takes any number of arguments from here on (last parameter only). */
  variadic?: boolean;
}

/** An example call; each one runs as a test through the compiler. */
export interface FunctionExample {
  expr: string;
  /** Variables, as JSON. */
  vars?: Record<string, unknown>;
  /** The result as JSON (see `toJson` in values.ts: maps as objects, sets as lists). */
  expect?: unknown;
  /** True when the call must fail. */
  error?: boolean;
}

/** What a function may use besides its arguments. */
export interface CallContext {
  /** The current time in epoch ms (fixed per evaluation, so one rule sees one "now"). */
  now(): number;
  /** Metron's global config (`geo.hdfs.file`, `profiler.period.duration`, …). */
  readonly globals: Readonly<Record<string, unknown>>;
}

export interface FunctionDef {
  /** The name as called, e.g. `TO_UPPER`, `STATS_ADD`. */
  name: string;
  /** Metron's namespace (the prefix before `_`, e.g. `STATS`), or '' for none. */
  namespace: string;
  /** The family, for `%functions` listings: `string`, `math`, `collection`, `statistics`, `network`, … */
  family: string;
  description: string;
  params: readonly ParamDef[];
  /** What it returns, in words (`a double`, `a list of strings`, …). */
  returns: string;
  /** Same arguments → same result, no side effects: safe to fold at compile time. */
  pure: boolean;
  examples: readonly FunctionExample[];
  /**
   * The implementation. Arguments arrive evaluated, missing optional ones absent (the array is
   * as long as the call). Throw {@link StellarRuntimeError} (via `fail`) for a bad call; it
   * becomes a diagnostic. Absent for a host function, bound by its host at run time.
   */
  call?: (args: readonly Value[], ctx: CallContext) => Value;
  /** Declared here, implemented by a host (enrichment, profiler, models) that binds it. */
  host?: boolean;
}

/** A function's own runtime failure (bad argument type, invalid pattern, …). */
export class StellarRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StellarRuntimeError';
  }
}

/** Throw a {@link StellarRuntimeError}. */
export function fail(message: string): never {
  throw new StellarRuntimeError(message);
}
