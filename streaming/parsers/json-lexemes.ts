/**
 * `JSON.parse` that remembers how numbers were written when the text differs from what
 * JavaScript would print (`3600.0`, `1E5`). Metron renders such values as written, and
 * JavaScript's number type cannot tell `3600.0` from `3600`.
 */

/** holder object or array → key → number as written. */
export type Lexemes = WeakMap<object, Map<string, string>>;

// A quick pre-check: an integral fraction (`1.0`) or an exponent. Most lines have neither and
// take the plain, fast JSON.parse.
const NEEDS_LEXEMES = /\d\.\d*0\s*[,\]}]|\d[eE][+-]?\d/;
const TOKENS = /"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Parse JSON text; `lexemes` is filled only for numbers whose text JavaScript would print differently. */
export function parseJsonKeepingNumbers(text: string): { value: unknown; lexemes: Lexemes | undefined } {
  if (!NEEDS_LEXEMES.test(text)) return { value: JSON.parse(text), lexemes: undefined };
  const written: string[] = [];
  for (const m of text.matchAll(TOKENS)) if (m[1] !== undefined) written.push(m[1]);
  const lexemes: Lexemes = new WeakMap();
  let next = 0;
  // The reviver sees leaf values in document order, which is the order the scan found them.
  const value = JSON.parse(text, function (this: object, key: string, v: unknown) {
    if (typeof v === 'number') {
      const lexeme = written[next++];
      if (lexeme !== undefined && lexeme !== String(v) && Number(lexeme) === v) {
        let keys = lexemes.get(this);
        if (!keys) {
          keys = new Map();
          lexemes.set(this, keys);
        }
        keys.set(key, lexeme);
      }
    }
    return v;
  });
  return { value, lexemes };
}

/** Whether a number was written as floating point (`1.0`, `1e3`) though it holds an integer. */
export function writtenAsDouble(lexemes: Lexemes | undefined, holder: object, key: string): boolean {
  const text = lexemes?.get(holder)?.get(key);
  return text !== undefined && /[.eE]/.test(text);
}

/** Whether a value, or any element of a list value, was written as floating point. */
export function holdsDouble(lexemes: Lexemes | undefined, holder: object, key: string): boolean {
  if (!lexemes) return false;
  const value = (holder as Record<string, unknown>)[key];
  if (Array.isArray(value)) return value.some((_, i) => writtenAsDouble(lexemes, value, String(i)));
  return writtenAsDouble(lexemes, holder, key);
}
