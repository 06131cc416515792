import { double, toJavaString } from '#stellar';
import { javaJsonString } from '../../java-json.js';
import { javaStringHash } from '../../java-map-order.js';
import type { Lexemes } from '../../json-lexemes.js';

/**
 * A record's own JSON as Metron's JSONMapParser writes it with `overrideOriginalString`:
 * `new JSONObject(record).toJSONString()` over the map Jackson read. The top level is a
 * `HashMap` made by copying, so its keys come in that map's bucket order; nested objects are
 * Jackson's `LinkedHashMap`s and keep the document's order. Numbers print as Java prints the
 * type Jackson chose: integers as written, decimals by `Double.toString` (`1.0`, `1.0E7`).
 */
export function jsonSimpleText(record: Record<string, unknown>, lexemes: Lexemes | undefined): string {
  const parts = copiedHashMapOrder(Object.keys(record)).map(
    (k) => `${javaJsonString(k, undefined)}:${valueText(record[k], record, k, lexemes)}`,
  );
  return `{${parts.join(',')}}`;
}

function valueText(v: unknown, holder: object, key: string, lexemes: Lexemes | undefined): string {
  if (typeof v === 'number') {
    const written = lexemes?.get(holder)?.get(key) ?? String(v);
    return /[.eE]/.test(written) ? toJavaString(double(v)) : written;
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => valueText(x, v, String(i), lexemes)).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const parts = Object.keys(o).map(
      (k) => `${javaJsonString(k, undefined)}:${valueText(o[k], o, k, lexemes)}`,
    );
    return `{${parts.join(',')}}`;
  }
  return javaJsonString(v, undefined);
}

/**
 * Iteration order of `new HashMap<>(map)`: the copy constructor sizes the table for the map
 * (`tableSizeFor(size / 0.75 + 1)`), unlike a map filled one put at a time.
 */
function copiedHashMapOrder(keys: readonly string[]): string[] {
  const wanted = Math.trunc(Math.fround(Math.fround(keys.length) / Math.fround(0.75)) + 1);
  let capacity = 1;
  while (capacity < wanted) capacity *= 2;
  const bucket = (k: string) => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys
    .map((key, index) => ({ key, index, b: bucket(key) }))
    .sort((x, y) => x.b - y.b || x.index - y.index)
    .map((e) => e.key);
}
