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
// Strings (skipped, in the unrolled form irregexp runs fastest) or numbers (captured).
const TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Parse JSON text; `lexemes` is filled only for numbers whose text JavaScript would print differently. */
export function parseJsonKeepingNumbers(text: string): { value: unknown; lexemes: Lexemes | undefined } {
  const value: unknown = JSON.parse(text);
  if (!NEEDS_LEXEMES.test(text)) return { value, lexemes: undefined };
  const written: string[] = [];
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(text); m !== null; m = TOKENS.exec(text))
    if (m[1] !== undefined) written.push(m[1]);
  const lexemes: Lexemes = new WeakMap();
  // Numbers appear in the parsed value in document order (object keys keep insertion order),
  // which is the order the scan found them. Any mismatch (duplicate keys, integer-like keys
  // that JavaScript reorders) and the pairing is abandoned: plain rendering is used instead.
  const state = { next: 0, ok: true };
  pair(value, written, lexemes, state);
  return { value, lexemes: state.ok && state.next === written.length ? lexemes : undefined };
}

function pair(
  node: unknown,
  written: readonly string[],
  lexemes: Lexemes,
  state: { next: number; ok: boolean },
): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(record);
  for (const key of keys) {
    if (!state.ok) return;
    const v = record[key];
    if (typeof v === 'number') {
      const lexeme = written[state.next++];
      if (lexeme === undefined || Number(lexeme) !== v) {
        state.ok = false;
        return;
      }
      if (lexeme !== String(v)) {
        let held = lexemes.get(record);
        if (!held) {
          held = new Map();
          lexemes.set(record, held);
        }
        held.set(key, lexeme);
      }
    } else if (typeof v === 'object' && v !== null) {
      pair(v, written, lexemes, state);
    }
  }
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
