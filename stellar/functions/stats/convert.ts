import { isNumber, numValue, type Value } from '../../values.js';
import { doubleToLong, INT_MAX, INT_MIN, parseJavaDecimal, parseJavaIntegral } from '../coerce.js';

/**
 * Metron's `ConversionUtils.convert` (commons-beanutils, defaulting to null) for the numeric
 * targets the statistics functions ask for: numbers convert, numeric text is parsed, anything
 * else (or unparseable text) is null. Unlike TO_DOUBLE and TO_INTEGER (coerce.ts's
 * `convertNumber`), booleans and lists are not converted and text is trimmed with JavaScript's
 * `trim`: kept as it was, so the statistics functions read their arguments as before.
 */

/** As a Java Double, or null. */
export function toDouble(v: Value): number | null {
  if (isNumber(v)) return numValue(v);
  if (typeof v === 'string') return parseJavaDecimal(v.trim()) ?? null;
  return null;
}

/** As a Java Integer (numbers truncated; out of int range is null), or null. */
export function toInt(v: Value): number | null {
  if (isNumber(v)) {
    const t = doubleToLong(numValue(v));
    return t < INT_MIN || t > INT_MAX ? null : t;
  }
  if (typeof v === 'string') return parseJavaIntegral(v.trim(), 'int') ?? null;
  return null;
}
