import { isNumber, numValue, type Value } from '../../values.js';

/**
 * Metron's `ConversionUtils.convert` (commons-beanutils, defaulting to null) for the numeric
 * targets the statistics functions ask for: numbers convert, numeric text is parsed, anything
 * else (or unparseable text) is null.
 */

const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_INT = /^[+-]?\d+$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** As a Java Double, or null. */
export function toDouble(v: Value): number | null {
  if (isNumber(v)) return numValue(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!JAVA_DOUBLE.test(s)) return null;
    return Number(s.replace(/[fFdD]$/, ''));
  }
  return null;
}

/** As a Java Integer (numbers truncated; out of int range is null), or null. */
export function toInt(v: Value): number | null {
  if (isNumber(v)) {
    const x = numValue(v);
    const t = Number.isNaN(x) ? 0 : Math.trunc(x);
    return t < INT_MIN || t > INT_MAX ? null : t + 0;
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (!JAVA_INT.test(s)) return null;
    const t = Number(s);
    return t < INT_MIN || t > INT_MAX ? null : t;
  }
  return null;
}
