import {
  double,
  isNumber,
  kindOf,
  type NumKind,
  num,
  numValue,
  type StellarNumber,
  toJavaString,
  typeName,
  type Value,
} from '../values.js';
import {
  convertBooleanText,
  LONG_MAX,
  LONG_MIN,
  narrowNumber,
  parseJavaDecimal,
  parseJavaIntegral,
} from './coerce.js';
import { type FunctionDef, type FunctionExample, fail } from './types.js';

/**
 * Metron's math (MathFunctions.java) and ordinal (OrdinalFunctions.java) functions. A math
 * function reads its argument as a Java double and returns one (ROUND a long): a missing or null
 * argument gives NaN, anything but a number is an error.
 */

/** One of Metron's one-argument math functions. */
function mathFunction(
  name: string,
  description: string,
  op: (x: number) => StellarNumber,
  returns: string,
  examples: readonly FunctionExample[],
): FunctionDef {
  return {
    name,
    namespace: '',
    family: 'math',
    description,
    params: [{ name: 'number', description: 'A number; missing or null gives NaN', optional: true }],
    returns,
    pure: true,
    examples,
    call: (args) => {
      const x = args[0];
      if (x === undefined || x === null) return Number.NaN;
      if (!isNumber(x)) fail(`${name} takes a number, not ${typeName(x)} ${toJavaString(x)}`);
      return op(numValue(x));
    },
  };
}

/** Java's `Math.round(double)`: half up, NaN stays a double NaN, clamped to the long range. */
function round(x: number): StellarNumber {
  if (Number.isNaN(x)) return Number.NaN;
  return num('long', Math.min(Math.max(Math.round(x), LONG_MIN), LONG_MAX));
}

const LN2 = Math.log(2);

// ---------------------------------------------------------------------------------------------
// MAX and MIN

/** A STATS_* sketch, or anything else that knows its extremes. */
interface Ordinal {
  max(): Value;
  min(): Value;
}

const isOrdinal = (v: Value): v is Value & Ordinal =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Partial<Ordinal>).max === 'function' &&
  typeof (v as Partial<Ordinal>).min === 'function';

/** A Java `Comparable` reduced to what `compareTo` needs: its kind and its primitive value. */
type Comparable =
  | { kind: NumKind; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean };

function comparable(v: Value, fn: string): Comparable {
  if (isNumber(v)) return { kind: kindOf(v), value: numValue(v) };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  return fail(`${fn} cannot order a ${typeName(v)}: values must be numbers, strings or booleans`);
}

/**
 * Text read as `Integer/Long/Float/Double.valueOf` would read it; null when it does not parse.
 * Unlike TO_INTEGER and friends (coerce.ts) it trims with JavaScript's `trim` (Unicode spaces,
 * not Java's control characters) and takes no hex floats: kept as it was, so MAX and MIN compare
 * mixed values exactly as before.
 */
function textTo(text: string, kind: NumKind): number | null {
  const s = text.trim();
  if (kind === 'int' || kind === 'long') return parseJavaIntegral(s, kind) ?? null;
  const x = parseJavaDecimal(s);
  if (x === undefined) return null;
  return kind === 'float' ? Math.fround(x) : x;
}

/**
 * Metron's `ConversionUtils.convert(ret, value.getClass())`: the running extreme converted to the
 * type of the next element before they are compared; null when it cannot be.
 */
function convert(v: Comparable, to: Comparable): Comparable | null {
  if (to.kind === 'string') return { kind: 'string', value: javaText(v) };
  if (to.kind === 'boolean') {
    const b = convertBooleanText(javaText(v));
    return b === null ? null : { kind: 'boolean', value: b };
  }
  let value: number | null;
  if (v.kind === 'string') value = textTo(v.value, to.kind);
  else if (v.kind === 'boolean') value = v.value ? 1 : 0;
  else if (v.kind === to.kind) value = v.value;
  else {
    const n = narrowNumber(v.value, v.kind, to.kind);
    value = n === null ? null : numValue(n);
  }
  return value === null ? null : { kind: to.kind, value };
}

const javaText = (v: Comparable): string =>
  v.kind === 'string' ? v.value : v.kind === 'boolean' ? String(v.value) : toJavaString(num(v.kind, v.value));

/** `a.compareTo(b)` for two comparables of the same kind. */
function compareTo(a: Comparable, b: Comparable): number {
  if (a.kind === 'string') return a.value < (b.value as string) ? -1 : a.value > (b.value as string) ? 1 : 0;
  if (a.kind === 'boolean') return Number(a.value) - Number(b.value);
  return compareNumbers(a.kind, a.value, b.value as number);
}

/** `Integer/Long/Float/Double.compareTo`: for floating kinds NaN is above everything and -0.0 below 0.0. */
function compareNumbers(kind: NumKind, x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (kind === 'int' || kind === 'long') return 0;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return Object.is(x, y) ? 0 : Object.is(x, -0) ? -1 : 1;
}

/**
 * MAX and MIN over a list or set: nulls skipped; each element compared with the extreme so far
 * after converting that extreme to the element's type, so `[10, 15L, 15.3]` mix, `['a', 1]` fails
 * and the element itself (with its kind) is the result.
 */
function extreme(fn: 'MAX' | 'MIN', items: Iterable<Value>): Value {
  let best: Value = null;
  for (const item of items) {
    if (item === null) continue;
    if (best === null) {
      comparable(item, fn);
      best = item;
      continue;
    }
    const c = compareWith(best, item, fn);
    if (fn === 'MAX' ? c < 0 : c > 0) best = item;
  }
  return best;
}

/** `convert(best, item.getClass()).compareTo(item)`. */
function compareWith(best: Value, item: Value, fn: string): number {
  // The usual case, numbers of one kind, needs no conversion.
  if (isNumber(best) && isNumber(item)) {
    const kind = kindOf(item);
    if (kindOf(best) === kind) return compareNumbers(kind, numValue(best), numValue(item));
  }
  const value = comparable(item, fn);
  const converted = convert(comparable(best, fn), value);
  if (converted === null) {
    fail(
      `${fn} cannot compare ${typeName(best)} ${toJavaString(best)} with ${typeName(item)} ${toJavaString(item)}`,
    );
  }
  return compareTo(converted, value);
}

function ordinalFunction(
  fn: 'MAX' | 'MIN',
  description: string,
  examples: readonly FunctionExample[],
): FunctionDef {
  return {
    name: fn,
    namespace: '',
    family: 'ordinal',
    description,
    params: [
      {
        name: 'values',
        description:
          'A list or set of mutually comparable values (numbers of any kind, strings, booleans), or a statistics object',
      },
    ],
    returns: `the ${fn === 'MAX' ? 'largest' : 'smallest'} element, as it is; null for an empty or all-null list`,
    pure: true,
    examples,
    call: (args) => {
      const v = args[0] ?? null;
      if (v === null) fail(`${fn} needs a list of values or a statistics object`);
      if (isOrdinal(v)) {
        // Metron's Ordinal.getMax()/getMin() return a double.
        const r = fn === 'MAX' ? v.max() : v.min();
        return typeof r === 'number' ? double(r) : r;
      }
      if (Array.isArray(v) || v instanceof Set) return extreme(fn, v);
      return fail(`${fn} takes a list of values or a statistics object, not ${typeName(v)}`);
    },
  };
}

export const MATH_FUNCTIONS: readonly FunctionDef[] = [
  mathFunction('ABS', 'The absolute value of a number.', (x) => double(Math.abs(x)), 'a double', [
    { expr: 'ABS(-10.5)', expect: 10.5 },
    { expr: 'ABS(-5)', expect: 5 },
    { expr: 'ABS(null)', expect: 'NaN' },
    { expr: "ABS('-5')", error: true },
  ]),
  mathFunction(
    'CEILING',
    'The smallest whole number not below a number.',
    (x) => double(Math.ceil(x)),
    'a double',
    [
      { expr: 'CEILING(10.5)', expect: 11 },
      { expr: 'CEILING(-10.5)', expect: -10 },
    ],
  ),
  mathFunction(
    'FLOOR',
    'The largest whole number not above a number.',
    (x) => double(Math.floor(x)),
    'a double',
    [
      { expr: 'FLOOR(10.5)', expect: 10 },
      { expr: 'FLOOR(-10.5)', expect: -11 },
    ],
  ),
  mathFunction(
    'ROUND',
    'Rounds a number to the nearest whole number, halves up (towards positive infinity).',
    round,
    'a long (NaN stays a double NaN)',
    [
      { expr: 'ROUND(0.5)', expect: 1 },
      { expr: 'ROUND(-0.5)', expect: 0 },
      { expr: 'ROUND(-10.51)', expect: -11 },
      { expr: 'ROUND(NaN)', expect: 'NaN' },
    ],
  ),
  mathFunction(
    'SQRT',
    'The square root of a number.',
    (x) => double(Math.sqrt(x)),
    'a double (NaN below 0)',
    [
      { expr: 'SQRT(25)', expect: 5 },
      { expr: 'SQRT(2.25)', expect: 1.5 },
      { expr: 'SQRT(-1)', expect: 'NaN' },
    ],
  ),
  mathFunction(
    'EXP',
    "Euler's number raised to the power of a number.",
    (x) => double(Math.exp(x)),
    'a double',
    [
      { expr: 'EXP(0)', expect: 1 },
      { expr: 'EXP(1)', expect: Math.E },
    ],
  ),
  mathFunction('LN', 'The natural logarithm of a number.', (x) => double(Math.log(x)), 'a double', [
    { expr: 'LN(1)', expect: 0 },
    { expr: 'LN(0)', expect: '-Infinity' },
    { expr: 'LN(-1)', expect: 'NaN' },
  ]),
  // Metron computes log2 as ln(x)/ln(2), and so does this.
  mathFunction('LOG2', 'The base-2 logarithm of a number.', (x) => double(Math.log(x) / LN2), 'a double', [
    { expr: 'LOG2(1024)', expect: 10 },
    { expr: 'LOG2(0)', expect: '-Infinity' },
  ]),
  mathFunction('LOG10', 'The base-10 logarithm of a number.', (x) => double(Math.log10(x)), 'a double', [
    { expr: 'LOG10(1000)', expect: 3 },
    { expr: 'LOG10(0.001)', expect: -3 },
  ]),
  mathFunction('SIN', 'The sine of an angle in radians.', (x) => double(Math.sin(x)), 'a double', [
    { expr: 'SIN(0)', expect: 0 },
    { expr: 'SIN(NaN)', expect: 'NaN' },
  ]),
  mathFunction('COS', 'The cosine of an angle in radians.', (x) => double(Math.cos(x)), 'a double', [
    { expr: 'COS(0)', expect: 1 },
  ]),
  mathFunction('TAN', 'The tangent of an angle in radians.', (x) => double(Math.tan(x)), 'a double', [
    { expr: 'TAN(0)', expect: 0 },
  ]),
  {
    name: 'IS_NAN',
    namespace: '',
    family: 'math',
    description: 'Whether a number, read as a double, is NaN.',
    params: [{ name: 'number', description: 'A number (anything else, null included, is an error)' }],
    returns: 'a boolean',
    pure: true,
    examples: [
      { expr: 'IS_NAN(NaN)', expect: true },
      { expr: 'IS_NAN(0.0/0.0)', expect: true },
      { expr: 'IS_NAN(1)', expect: false },
      { expr: "IS_NAN('casey')", error: true },
      { expr: 'IS_NAN(null)', error: true },
    ],
    call: (args) => {
      const x = args[0] ?? null;
      if (!isNumber(x)) return fail(`IS_NAN takes a number, not ${typeName(x)}`);
      return Number.isNaN(numValue(x));
    },
  },
  ordinalFunction('MAX', 'The largest of a list or set of values, or the maximum of a statistics object.', [
    { expr: 'MAX([10, 15L, 15.3])', expect: 15.3 },
    { expr: "MAX(['value3', 'value1', '23'])", expect: 'value3' },
    { expr: 'MAX(xs)', vars: { xs: [3, null, 9, 4] }, expect: 9 },
    { expr: 'MAX([null, null])', expect: null },
    { expr: 'MAX([])', expect: null },
    { expr: "MAX([25, '23'])", expect: 25 },
    { expr: "MAX(['a', 1])", error: true },
    { expr: "MAX('abc')", error: true },
    { expr: 'MAX(null)', error: true },
  ]),
  ordinalFunction('MIN', 'The smallest of a list or set of values, or the minimum of a statistics object.', [
    { expr: 'MIN([10, 15L, 15.3])', expect: 10 },
    { expr: 'MIN(SET_INIT([56, 12, 23]))', expect: 12 },
    // The extreme so far is converted to the next element's type before comparing: 56.7 becomes
    // the int 56, which is not above 56, so Metron keeps 56.7.
    { expr: 'MIN([56.7, 56])', expect: 56.7 },
    { expr: 'MIN([[1], [2]])', error: true },
  ]),
];
