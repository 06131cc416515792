/** @module stellar — the Stellar expression language: lexer, parser, compiler, functions. */

/** Syntax tree types. */
export type { BinaryOp, Node } from './ast.js';
/** Compile rules to closures and run them. */
export {
  type CompileOptions,
  checkArity,
  compile,
  DEFAULT_LIMITS,
  type EvaluateOptions,
  type Expression,
  type Limits,
  type Variables,
  variablesOf,
} from './compiler.js';
/** Diagnostics: codes, spans, rendering with a caret, "did you mean". */
export { CODES, caret, type DiagnosticCode, didYouMean, type Span, StellarError } from './diagnostics.js';
/** Java's SimpleDateFormat and TimeZone, for parsers that read Metron's date patterns. */
export {
  JavaDateFormat,
  type JavaZone,
  javaTimeZone,
  MONTHS,
  PatternError,
  SHORT_MONTHS,
  WEEKDAYS,
} from './functions/java-date-format.js';
/** Function definitions. */
export {
  type CallContext,
  type FunctionDef,
  type FunctionExample,
  fail,
  type ParamDef,
  StellarRuntimeError,
} from './functions/types.js';
/** Tokens. */
export { lex, type Token, type TokenKind } from './lexer.js';
/** The parser. */
export { DEFAULT_PARSE_LIMITS, type ParseLimits, parse } from './parser.js';
/** The profiler: compiled profiles, measurements, stored values and the client functions. */
export {
  bindProfilerClient,
  type MeasurementKey,
  PeriodValue,
  ProfileCache,
} from './profiler/client.js';
export {
  DEFAULT_PERIOD_MS,
  type Measurement,
  ProfileCompileError,
  type ProfileFailure,
  Profiler,
  type ProfilerOptions,
} from './profiler/engine.js';
export { durationMs, type ProfilePeriod, periodId } from './profiler/period.js';
export { decodeProfileValue, encodeProfileValue, ProfileValueError } from './profiler/value.js';
/** Function registries. */
export {
  bindHosts,
  type FunctionRegistry,
  type HostImplementation,
  registryOf,
  standardFunctions,
  withFunctions,
} from './registry.js';
/** Values: Java number kinds, maps, sets, lambdas, conversions. */
export {
  double,
  equals,
  fromJson,
  isList,
  isMap,
  isNumber,
  JNum,
  kindOf,
  Lambda,
  type NumKind,
  num,
  numValue,
  type StellarNumber,
  toJavaString,
  toJson,
  typeName,
  type Value,
} from './values.js';
