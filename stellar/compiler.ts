import { DOUBLE_FIELDS } from '#core';
import { type Node, walk } from './ast.js';
import { CODES, type DiagnosticCode, didYouMean, type Span, StellarError } from './diagnostics.js';
import { type CallContext, type FunctionDef, StellarRuntimeError } from './functions/types.js';
import { arithmetic, compare, contains, equal, literalNumber, OperatorError, truthy } from './operators.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits, parse } from './parser.js';
import { type FunctionRegistry, standardFunctions } from './registry.js';
import { JNum, Lambda, mapKey, type Value } from './values.js';

/**
 * Stellar compiled to JavaScript closures: the tree is checked once (function names, arity,
 * host bindings) and turned into nested functions, so evaluating a rule walks no tree. Pure
 * functions of constants with an immutable result are folded at compile time. Each evaluation has a step budget
 * (function calls and lambda invocations), so a rule over a huge list cannot hang a worker.
 */

export interface CompileOptions {
  /** `predicate`: the result must be a boolean (null reads as false) and a blank rule is true. */
  mode?: 'expression' | 'predicate';
  /** An undefined variable is an error (default) or reads as null (Metron's map resolver). */
  missing?: 'error' | 'null';
  /** The functions available (default: the standard library, host functions unbound). */
  functions?: FunctionRegistry;
  limits?: Partial<Limits>;
}

export interface Limits extends ParseLimits {
  /** Function calls plus lambda invocations per evaluation (default 1,000,000). */
  maxSteps: number;
}

export const DEFAULT_LIMITS: Limits = { ...DEFAULT_PARSE_LIMITS, maxSteps: 1_000_000 };

/**
 * Where variables come from: an event or plain object (own properties; dotted names are flat
 * keys), a Map, or a function returning undefined for "not defined".
 */
export type Variables =
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | ((name: string) => unknown);

export interface EvaluateOptions {
  /** The time `now` functions see, epoch ms (default: the clock, read once per evaluation). */
  now?: number;
  /** Metron's global config. */
  globals?: Readonly<Record<string, unknown>>;
}

/** A compiled rule. */
export interface Expression {
  readonly source: string;
  /** Run the rule; throws a {@link StellarError} (S2xx) when it fails. */
  evaluate(variables?: Variables, options?: EvaluateOptions): Value;
}

type Lookup = (name: string) => Value | undefined;

/** One evaluation's state. */
interface State extends CallContext {
  lookup: Lookup;
  steps: number;
  /** Arguments of the lambdas being run, outermost first. */
  frames: Value[][];
}

type Fn = ((s: State) => Value) & { constant?: true; value?: Value };

const NO_GLOBALS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Compile a rule; throws a {@link StellarError} (S1xx) listing what is wrong with it. */
export function compile(source: string, options: CompileOptions = {}): Expression {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const predicate = options.mode === 'predicate';
  if (predicate && source.trim() === '') return constantExpression(source, true);
  const tree = parse(source, limits);
  const compiler = new Compiler(source, options.functions ?? standardFunctions(), options.missing ?? 'error');
  const body = compiler.compile(tree, []);
  const maxSteps = limits.maxSteps;
  if (body.constant && !predicate) return constantExpression(source, body.value as Value);
  return {
    source,
    evaluate(variables = {}, evalOptions = {}) {
      const state = new EvalState(lookupIn(variables), maxSteps, evalOptions);
      const result = body(state);
      if (!predicate) return result;
      if (result === null || result === undefined) return false;
      if (typeof result !== 'boolean') {
        throw new StellarError(
          'S206',
          `a predicate must give true or false, this one gave ${String(result)}`,
          tree.span,
          source,
        );
      }
      return result;
    },
  };
}

/** One evaluation's state, as a class so an evaluation allocates one object (and its frames only for lambdas). */
class EvalState implements State {
  steps: number;
  private frameStack: Value[][] | undefined;
  private clock: number | undefined;
  readonly globals: Readonly<Record<string, unknown>>;
  constructor(
    readonly lookup: Lookup,
    steps: number,
    private readonly options: EvaluateOptions,
  ) {
    this.steps = steps;
    this.globals = options.globals ?? NO_GLOBALS;
  }
  get frames(): Value[][] {
    this.frameStack ??= [];
    return this.frameStack;
  }
  now(): number {
    this.clock ??= this.options.now ?? Date.now();
    return this.clock;
  }
}

/**
 * The variable names an expression reads (`exists(x)` included), e.g. to read only those
 * fields of an event. `_`, the whole message, is among them when used. Lambda parameters are
 * listed too: a caller treating the names as fields reads one field too many, never too few.
 */
export function variablesOf(source: string, limits: Partial<ParseLimits> = {}): Set<string> {
  const names = new Set<string>();
  if (source.trim() === '') return names;
  walk(parse(source, { ...DEFAULT_PARSE_LIMITS, ...limits }), (n) => {
    if (n.type === 'variable' || n.type === 'exists') names.add(n.name);
  });
  return names;
}

function constantExpression(source: string, value: Value): Expression {
  return { source, evaluate: () => value };
}

/** How variables are read, for each kind of source. */
function lookupIn(variables: Variables): Lookup {
  if (typeof variables === 'function') {
    return (name) => {
      const v = variables(name);
      return v === undefined ? undefined : fromHost(v, false);
    };
  }
  if (variables instanceof Map) {
    return (name) => {
      if (name === '_') return messageMap(variables);
      const v = variables.get(name);
      return v === undefined && !variables.has(name) ? undefined : fromHost(v, false);
    };
  }
  const record = variables as Readonly<Record<string, unknown>>;
  const doubles = (record as { [DOUBLE_FIELDS]?: ReadonlySet<string> })[DOUBLE_FIELDS];
  return (name) => {
    if (!Object.hasOwn(record, name)) return name === '_' ? messageMap(record) : undefined;
    return fromHost(record[name], doubles?.has(name) === true);
  };
}

/** `_`: the whole message as a map. */
function messageMap(variables: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>): Value {
  const m = new Map<Value, Value>();
  const entries = variables instanceof Map ? variables.entries() : Object.entries(variables);
  for (const [k, v] of entries) m.set(k, fromHost(v, false));
  return m;
}

/**
 * An event's value as a Stellar value: JSON-like objects become maps and a number the parser
 * knew to be floating (`3600.0`) stays a double. Stellar values pass through unchanged.
 */
function fromHost(v: unknown, double: boolean): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return double && Number.isInteger(v) ? new JNum('double', v) : v;
    case 'object':
      if (Array.isArray(v)) return v.map((x) => fromHost(x, false));
      if (
        v instanceof Map ||
        v instanceof Set ||
        v instanceof JNum ||
        v instanceof Lambda ||
        v instanceof Uint8Array ||
        Object.getPrototypeOf(v) !== Object.prototype
      )
        return v as Value;
      return messageMap(v as Record<string, unknown>);
    default:
      return null;
  }
}

class Compiler {
  constructor(
    private readonly source: string,
    private readonly functions: FunctionRegistry,
    private readonly missing: 'error' | 'null',
  ) {}

  private error(code: DiagnosticCode, message: string, span: Span): StellarError {
    return new StellarError(code, message, span, this.source);
  }

  /** Wrap a runtime failure of `span` as a diagnostic; diagnostics pass through. */
  private fail(e: unknown, span: Span, what: string): never {
    if (e instanceof StellarError) throw e;
    if (e instanceof OperatorError) throw this.error(e.code, e.message, span);
    if (e instanceof StellarRuntimeError) {
      // Some functions name themselves in their messages already; say the name once.
      const message = e.message.startsWith(`${what}:`) ? e.message : `${what}: ${e.message}`;
      throw this.error('S204', message, span);
    }
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw this.error('S205', `${what}: too deeply nested`, span);
    }
    throw new StellarError('S204', `${what}: ${(e as Error).message ?? String(e)}`, span, this.source, {
      cause: e,
    });
  }

  /** `scopes`: lambda parameter lists enclosing this node, outermost first. */
  compile(node: Node, scopes: readonly (readonly string[])[]): Fn {
    switch (node.type) {
      case 'literal':
        return constant(node.value);
      case 'number':
        return constant(literalNumber(node.kind, node.value));
      case 'variable':
        return this.variable(node.name, node.span, scopes);
      case 'exists': {
        const read = this.variable(node.name, node.span, scopes, 'null');
        return (s) => {
          const v = read(s);
          return v !== null && v !== undefined;
        };
      }
      case 'list': {
        const items = node.items.map((n) => this.compile(n, scopes));
        return (s) => items.map((f) => f(s));
      }
      case 'map': {
        const entries = node.entries.map(
          (e) => [this.compile(e.key, scopes), this.compile(e.value, scopes)] as const,
        );
        return (s) => {
          const m = new Map<Value, Value>();
          for (const [k, v] of entries) {
            const key = k(s);
            m.set(mapKey(m, key), v(s));
          }
          return m;
        };
      }
      case 'not': {
        const operand = this.compile(node.operand, scopes);
        const span = node.span;
        return (s) => {
          try {
            return !truthy(operand(s));
          } catch (e) {
            return this.fail(e, span, 'not');
          }
        };
      }
      case 'logical': {
        const left = this.compile(node.left, scopes);
        const right = this.compile(node.right, scopes);
        const l = this.test(left, node.left.span);
        const r = this.test(right, node.right.span);
        return node.op === 'and' ? (s) => l(s) && r(s) : (s) => l(s) || r(s);
      }
      case 'conditional': {
        const test = this.test(this.compile(node.test, scopes), node.test.span);
        const then = this.compile(node.then, scopes);
        const otherwise = this.compile(node.else, scopes);
        return (s) => (test(s) ? then(s) : otherwise(s));
      }
      case 'match': {
        const clauses = node.clauses.map((c) => ({
          test: this.test(this.compile(c.test, scopes), c.test.span),
          value: this.compile(c.value, scopes),
        }));
        const fallback = this.compile(node.fallback, scopes);
        return (s) => {
          for (const c of clauses) if (c.test(s)) return callIfLambda(c.value(s));
          return callIfLambda(fallback(s));
        };
      }
      case 'in': {
        const item = this.compile(node.item, scopes);
        const collection = this.compile(node.collection, scopes);
        const negated = node.negated;
        const span = node.span;
        return (s) => {
          try {
            const found = contains(collection(s), item(s));
            return negated ? !found : found;
          } catch (e) {
            return this.fail(e, span, 'in');
          }
        };
      }
      case 'binary':
        return this.binary(node, scopes);
      case 'lambda':
        return this.lambda(node.params, node.body, scopes);
      case 'call':
        return this.call(node, scopes);
    }
  }

  /** A boolean position: null is false, other non-booleans are a type error at this span. */
  private test(f: Fn, span: Span): (s: State) => boolean {
    return (s) => {
      const v = f(s);
      if (v === true) return true;
      if (v === false || v === null || v === undefined) return false;
      try {
        return truthy(v);
      } catch (e) {
        return this.fail(e, span, 'condition');
      }
    };
  }

  private variable(
    name: string,
    span: Span,
    scopes: readonly (readonly string[])[],
    missing = this.missing,
  ): Fn {
    for (let depth = scopes.length - 1; depth >= 0; depth--) {
      const index = (scopes[depth] as readonly string[]).indexOf(name);
      if (index >= 0) return (s) => (s.frames[depth] as Value[])[index] ?? null;
    }
    if (missing === 'null') return (s) => s.lookup(name) ?? null;
    return (s) => {
      const v = s.lookup(name);
      if (v === undefined) throw this.error('S201', `variable ${name} is not defined`, span);
      return v;
    };
  }

  private binary(node: Extract<Node, { type: 'binary' }>, scopes: readonly (readonly string[])[]): Fn {
    const left = this.compile(node.left, scopes);
    const right = this.compile(node.right, scopes);
    const span = node.opSpan;
    const op = node.op;
    let f: Fn;
    switch (op) {
      case '==':
        f = (s) => equal(left(s), right(s));
        break;
      case '!=':
        f = (s) => !equal(left(s), right(s));
        break;
      case '<':
      case '<=':
      case '>':
      case '>=':
        f = (s) => {
          const a = left(s);
          const b = right(s);
          if (typeof a === 'number' && typeof b === 'number') {
            return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
          }
          try {
            return compare(op, a, b);
          } catch (e) {
            return this.fail(e, span, op);
          }
        };
        break;
      default:
        f = (s) => {
          try {
            return arithmetic(op, left(s), right(s));
          } catch (e) {
            return this.fail(e, span, op);
          }
        };
    }
    // Both sides known: an operator that cannot apply (`'a' + 1`, `1 / 0`) is reported now.
    return left.constant && right.constant ? this.fold(f, true) : f;
  }

  private lambda(params: readonly string[], body: Node, scopes: readonly (readonly string[])[]): Fn {
    const depth = scopes.length;
    const inner = this.compile(body, [...scopes, params]);
    const span = body.span;
    return (s) =>
      new Lambda(params, (args) => {
        if (--s.steps < 0) throw this.error('S205', 'step budget exceeded in a lambda', span);
        // The frames of the lambdas enclosing this one are 0..depth-1; any deeper ones (a
        // lambda value called from inside another lambda) are set aside for the call.
        const frames = s.frames;
        const deeper = frames.length > depth ? frames.splice(depth) : undefined;
        frames.push(args as Value[]);
        try {
          return inner(s);
        } finally {
          frames.length = depth;
          if (deeper) frames.push(...deeper);
        }
      });
  }

  private call(node: Extract<Node, { type: 'call' }>, scopes: readonly (readonly string[])[]): Fn {
    const def = this.functions.get(node.name);
    if (!def) {
      const near = didYouMean(node.name, this.functions.keys());
      throw this.error(
        'S103',
        `unknown function ${node.name}${near ? ` (did you mean ${near}?)` : ''}`,
        node.nameSpan,
      );
    }
    checkArity(def, node.args.length, (message) => this.error('S104', message, node.span));
    const impl = def.call;
    if (!impl) {
      throw this.error(
        'S106',
        `${def.name} is not available here: it is provided by ${hostOf(def)}`,
        node.nameSpan,
      );
    }
    const args = node.args.map((a) => this.compile(a, scopes));
    const span = node.span;
    const name = def.name;
    const f: Fn = (s) => {
      if (--s.steps < 0) throw this.error('S205', `step budget exceeded at ${name}`, span);
      const values = new Array<Value>(args.length);
      for (let i = 0; i < args.length; i++) values[i] = (args[i] as Fn)(s);
      try {
        return impl(values, s);
      } catch (e) {
        return this.fail(e, span, name);
      }
    };
    return def.pure && args.every((a) => a.constant) ? this.fold(f) : f;
  }

  /**
   * Evaluate a constant subtree now. If it fails, the failure is left to run time, except for
   * an operator's own type error when `strict` (the checker's "types where known"). Division by
   * zero stays a run-time error, as in Metron: a rule may hold `1/0` and still be loaded, and
   * fail each event it runs on (Metron's enrichment test counts on exactly that).
   */
  private fold(f: Fn, strict = false): Fn {
    const state: State = {
      lookup: () => undefined,
      steps: 10_000,
      frames: [],
      now: () => Date.now(),
      globals: NO_GLOBALS,
    };
    try {
      const value = f(state);
      // Only immutable results are shared between evaluations: a folded list, map, set or
      // sketch could be changed by a function that adds to it (SET_ADD, STATS_ADD…).
      if (value !== null && typeof value === 'object' && !(value instanceof JNum)) return f;
      return constant(value);
    } catch (e) {
      if (strict && e instanceof StellarError && e.code === 'S202') throw e;
      return f;
    }
  }
}

function constant(value: Value): Fn {
  const f: Fn = () => value;
  f.constant = true;
  f.value = value;
  return f;
}

/** A match clause's value may be a zero-argument lambda, run when the clause wins. */
const callIfLambda = (v: Value): Value => (v instanceof Lambda ? v.call() : v);

/** Check a call's argument count against the definition's parameters. */
export function checkArity(def: FunctionDef, count: number, error: (message: string) => Error): void {
  const required = def.params.filter((p) => !p.optional && !p.variadic).length;
  const variadic = def.params.some((p) => p.variadic);
  const max = variadic ? Number.POSITIVE_INFINITY : def.params.length;
  if (count >= required && count <= max) return;
  const expected =
    required === max
      ? `${required}`
      : max === Number.POSITIVE_INFINITY
        ? `at least ${required}`
        : `${required} to ${max}`;
  const signature = `${def.name}(${def.params.map((p) => (p.variadic ? `${p.name}…` : p.optional ? `[${p.name}]` : p.name)).join(', ')})`;
  throw error(
    `${def.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${count}: ${signature}`,
  );
}

function hostOf(def: FunctionDef): string {
  return def.family === 'enrichment'
    ? 'the enrichment stage'
    : def.family === 'profiler'
      ? 'the profiler'
      : def.family === 'models'
        ? 'the model runtime'
        : `its host (${def.family})`;
}

/** The title of a diagnostic code, for listings. */
export const codeTitle = (code: DiagnosticCode): string => CODES[code];
