import { type Event, type FieldValue, fail, ok, type Result } from '#core';
import { type Lexemes, parseJsonKeepingNumbers } from '../json-lexemes.js';
import type { ParseFn } from '../parser.js';

/** A JSON object read from a record, with the text of numbers JavaScript would print differently. */
export interface JsonRecord {
  object: Record<string, unknown>;
  lexemes: Lexemes | undefined;
}

/** Whether a value is a JSON object (not an array, not null). */
export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parse failure of the JSON family, coded `<parser>.<what>`. */
export function jsonFailure(code: string, message: string, field?: string): Result<never> {
  return fail({ stage: 'parser_error', code, message, ...(field ? { field } : {}) });
}

/**
 * Read a record that must be one JSON object. Errors are coded `<parser>.json` (not JSON) and
 * `<parser>.shape` (JSON, but not an object).
 */
export function readJsonObject(raw: string, parser: string): Result<JsonRecord> {
  let parsed: ReturnType<typeof parseJsonKeepingNumbers>;
  try {
    parsed = parseJsonKeepingNumbers(raw);
  } catch (e) {
    if (e instanceof RangeError) throw e; // too deep: see guardDepth
    return jsonFailure(`${parser}.json`, `not valid JSON: ${(e as Error).message}`);
  }
  if (!isJsonObject(parsed.value)) {
    return jsonFailure(`${parser}.shape`, `expected a JSON object, got ${jsonKind(parsed.value)}`);
  }
  return ok({ object: parsed.value, lexemes: parsed.lexemes });
}

/** What kind of JSON value this is, for messages. */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Set a field; a key named `__proto__` is a field like any other, not the object's prototype. */
export function setField(event: Event, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
  } else event[key] = value as FieldValue;
}

// "alert" + "signature_id" → "alert.signature_id", made once: field names repeat on every
// record, and a remembered string is a property key V8 has already internalised.
const DOTTED = new Map<string, Map<string, string>>();
const DOTTED_MAX = 16_384;
let dottedCount = 0;

/** `${prefix}.${key}`, the same string each time for the same pair (bounded). */
export function dottedName(prefix: string, key: string): string {
  let inner = DOTTED.get(prefix);
  let name = inner?.get(key);
  if (name !== undefined) return name;
  name = `${prefix}.${key}`;
  if (dottedCount >= DOTTED_MAX) {
    DOTTED.clear();
    dottedCount = 0;
    inner = undefined;
  }
  if (inner === undefined) {
    inner = new Map();
    DOTTED.set(prefix, inner);
  }
  inner.set(key, name);
  dottedCount++;
  return name;
}

/**
 * A parse function for which JSON nested deeper than the stack allows (JSON.parse itself reads
 * any depth) is an error of the record, `<parser>.depth`, not a crash.
 */
export function guardDepth(parser: string, parse: (raw: string) => Result<Event[]>): ParseFn {
  return (raw) => {
    try {
      return parse(raw);
    } catch (e) {
      if (e instanceof RangeError) return jsonFailure(`${parser}.depth`, 'nested too deeply to read');
      throw e;
    }
  };
}
