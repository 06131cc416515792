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
import { fail } from './types.js';

/**
 * The Java conversions Metron's functions apply to their arguments, written once for every
 * family: `String.trim`, the `(String)` cast, the primitive narrowings (`(long) d`,
 * `Number.intValue()`), the text grammars of `Integer.valueOf` and `Double.parseDouble`, and the
 * commons-beanutils number and boolean converters behind Metron's `ConversionUtils.convert`.
 *
 * Only code with exactly these semantics lives here. A few families read numbers slightly
 * differently (JavaScript-style trimming, no booleans, no collections); they build on the
 * grammars below and say where they differ.
 */

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
/** Long.MIN_VALUE and Long.MAX_VALUE as the doubles nearest to them (±2^63). */
export const LONG_MIN = -(2 ** 63);
export const LONG_MAX = 2 ** 63;
/** Float.MAX_VALUE. */
export const FLOAT_MAX = 3.4028234663852886e38;

/** Java's `String.trim()`: strips every char up to U+0020 (not Unicode spaces) at both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Java's `(String) x`: null passes, any other non-string is a ClassCastException. */
export function castString(fn: string, v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return fail(`${fn}: ${typeName(v)} cannot be cast to a string`);
}

/** The elements of a Java `Iterable` (list or set), or undefined for anything else. */
export function iterableOf(v: Value | undefined): Iterable<Value> | undefined {
  return Array.isArray(v) || v instanceof Set ? v : undefined;
}

/** commons-beanutils converts a list or set through its first element (null when empty). */
export function firstIfCollection(v: Value | undefined): Value {
  if (Array.isArray(v)) return (v[0] as Value | undefined) ?? null;
  if (v instanceof Set) return (v.values().next().value as Value | undefined) ?? null;
  return v ?? null;
}

/** Java's `(long) d`: NaN is 0, out-of-range values saturate. */
export function doubleToLong(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v >= LONG_MAX) return LONG_MAX;
  if (v <= LONG_MIN) return LONG_MIN;
  return Math.trunc(v) + 0;
}

/** Java's `Number.intValue()`: a long wraps to 32 bits, a float or double saturates. */
export function intValue(n: StellarNumber): number {
  const v = numValue(n);
  const kind = kindOf(n);
  if (kind === 'int') return v;
  if (kind === 'long') return Number(BigInt.asIntN(32, BigInt(v)));
  if (Number.isNaN(v)) return 0;
  return Math.max(INT_MIN, Math.min(INT_MAX, Math.trunc(v))) + 0;
}

// ---------------------------------------------------------------------------------------------
// Java's numeric text

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;
const JAVA_INTEGER = /^[+-]?\d+$/;
const TYPE_SUFFIX = /[fFdD]$/;

/** `Double.parseDouble` of already-trimmed decimal text (no hex floats); undefined where Java throws. */
export function parseJavaDecimal(s: string): number | undefined {
  if (!JAVA_DECIMAL.test(s)) return undefined;
  // A trailing type suffix (f, F, d, D) is part of Java's grammar, not JavaScript's.
  return Number(TYPE_SUFFIX.test(s) ? s.slice(0, -1) : s);
}

/** Java's whole `Double.parseDouble` grammar (after trimming), hex floats included. */
export function parseJavaDouble(s: string): number | undefined {
  const decimal = parseJavaDecimal(s);
  if (decimal !== undefined) return decimal;
  const hex = JAVA_HEX_FLOAT.exec(s);
  if (!hex) return undefined;
  const [, sign, whole = '', frac = '', exp] = hex;
  if (whole === '' && frac === '') return undefined;
  const mantissa = Number.parseInt(`${whole}${frac}` || '0', 16);
  const value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
  return sign === '-' ? -value : value;
}

/** Parse a Java `Integer.valueOf`/`Long.valueOf` string; undefined when out of range or malformed. */
export function parseJavaIntegral(s: string, kind: 'int' | 'long'): number | undefined {
  if (!JAVA_INTEGER.test(s)) return undefined;
  // Up to nine digits always fit an int (and fifteen a long) exactly: no BigInt needed.
  const digits = s.length - (s[0] === '+' || s[0] === '-' ? 1 : 0);
  if (digits <= (kind === 'int' ? 9 : 15)) return Number(s) + 0;
  const big = BigInt(s);
  const [min, max] = kind === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  return big < min || big > max ? undefined : Number(big) + 0;
}

// ---------------------------------------------------------------------------------------------
// Metron's ConversionUtils.convert (commons-beanutils, null on failure)

/**
 * A number of kind `from` narrowed to `target` as commons-beanutils does: a float or double is
 * cast to long first; out of int range → null, float above Float.MAX_VALUE → null.
 */
export function narrowNumber(v: number, from: NumKind, target: NumKind): StellarNumber | null {
  switch (target) {
    case 'int': {
      const whole = from === 'int' || from === 'long' ? v : doubleToLong(v);
      return whole < INT_MIN || whole > INT_MAX ? null : whole + 0;
    }
    case 'long':
      return num('long', from === 'int' || from === 'long' ? v : doubleToLong(v));
    case 'float':
      return v > FLOAT_MAX ? null : num('float', v);
    default:
      return double(v);
  }
}

/**
 * Metron's `ConversionUtils.convert(o, Integer|Long|Float|Double)`: a list or set converts its
 * first element; booleans are 1/0; numbers narrow as Java does (out of int range → null, long
 * saturates, float above Float.MAX_VALUE → null); strings are trimmed and parsed with Java's
 * grammar; anything unconvertible is null.
 */
export function convertNumber(v: Value | undefined, target: NumKind): StellarNumber | null {
  const x = firstIfCollection(v);
  if (x === null) return null;
  if (isNumber(x)) return narrowNumber(numValue(x), kindOf(x), target);
  if (typeof x === 'boolean') return num(target, x ? 1 : 0);
  const text = javaTrim(typeof x === 'string' ? x : toJavaString(x));
  if (text === '') return null;
  if (target === 'int' || target === 'long') {
    const n = parseJavaIntegral(text, target);
    return n === undefined ? null : num(target, n);
  }
  const d = parseJavaDouble(text);
  if (d === undefined) return null;
  return target === 'float' ? num('float', d) : double(d);
}

/** Metron's `ConversionUtils.convert(o, Integer.class)` as a plain int, or null. */
export function convertInt(v: Value | undefined): number | null {
  const n = convertNumber(v, 'int');
  return n === null ? null : numValue(n);
}

const TRUE_TEXT = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE_TEXT = new Set(['false', 'no', 'n', 'off', '0']);

/** commons-beanutils' BooleanConverter on text: true/yes/y/on/1 and false/no/n/off/0 in any case, else null. */
export function convertBooleanText(text: string): boolean | null {
  const s = text.toLowerCase();
  if (TRUE_TEXT.has(s)) return true;
  return FALSE_TEXT.has(s) ? false : null;
}
