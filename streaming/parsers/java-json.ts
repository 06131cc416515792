import { javaHashMapOrder } from './java-map-order.js';
import type { Lexemes } from './json-lexemes.js';

/**
 * Render values the way Metron's Java code prints them: `toString()` of json-simple's
 * `JSONObject` / `JSONArray` (keys in `HashMap` order, `/` escaped) and of boxed scalars.
 */

// json-simple escapes these besides the usual: '/', DEL and C1 controls, U+2000–U+20FF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
const ESCAPE = /["\\/\u0000-\u001f\u007f-\u009f\u2000-\u20ff]/g;
const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeJava(s: string): string {
  return s.replace(
    ESCAPE,
    (ch) => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

function numberText(value: number, holder: object, key: string, lexemes: Lexemes | undefined): string {
  return lexemes?.get(holder)?.get(key) ?? String(value);
}

/** JSON text of a value as json-simple writes it. */
export function javaJsonString(value: unknown, lexemes: Lexemes | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `"${escapeJava(value)}"`;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((item, i) =>
      typeof item === 'number' ? numberText(item, value, String(i), lexemes) : javaJsonString(item, lexemes),
    );
    return `[${parts.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts = javaHashMapOrder(Object.keys(record)).map((k) => {
    const v = record[k];
    const text = typeof v === 'number' ? numberText(v, record, k, lexemes) : javaJsonString(v, lexemes);
    return `"${escapeJava(k)}":${text}`;
  });
  return `{${parts.join(',')}}`;
}

/** `String.valueOf` of one map entry's value, as Metron's string building does. */
export function javaToString(
  holder: object,
  key: string,
  value: unknown,
  lexemes: Lexemes | undefined,
): string {
  if (typeof value === 'number') return numberText(value, holder, key, lexemes);
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return javaJsonString(value, lexemes);
  return String(value);
}
