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

/** Parse JSON text; `lexemes` is filled only for numbers whose text JavaScript would print differently. */
export function parseJsonKeepingNumbers(text: string): { value: unknown; lexemes: Lexemes | undefined } {
  const value: unknown = JSON.parse(text);
  if (!NEEDS_LEXEMES.test(text)) return { value, lexemes: undefined };
  const written = writtenNumbers(text);
  const lexemes: Lexemes = new WeakMap();
  // Numbers appear in the parsed value in document order (object keys keep insertion order),
  // which is the order the scan found them. Any mismatch (duplicate keys, integer-like keys
  // that JavaScript reorders) and the pairing is abandoned: plain rendering is used instead.
  const state = { next: 0, ok: true };
  pair(value, written, lexemes, state);
  return { value, lexemes: state.ok && state.next === written.length ? lexemes : undefined };
}

/**
 * The texts of the numbers in valid JSON, in document order: strings are skipped with indexOf
 * (a quote preceded by an odd run of backslashes is escaped), numbers read between them.
 */
export function writtenNumbers(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) break;
      i = end + 1;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const start = i;
      i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      out.push(text.slice(start, i));
    } else i++;
  }
  return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Digits, `.`, `e`/`E`, `+`, `-`: what follows the first character of a JSON number. */
function isNumberChar(c: number): boolean {
  return (c >= ZERO && c <= NINE) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS;
}

/** Whether the quote at `at` is escaped (an odd number of backslashes before it). */
function escaped(text: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && text.charCodeAt(k) === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
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
