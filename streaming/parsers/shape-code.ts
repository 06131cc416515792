/**
 * Code generated per record shape. JSON sensors repeat a few key lists millions of times; a
 * function written for one key list reads each key once and returns the event as an object
 * literal, which V8 makes in one step, where setting dozens of computed keys one by one costs
 * about a microsecond a record. Only keys and field names enter the generated source, and only
 * as JSON string literals (through JSON.stringify or {@link literalKey}), so no text of a record
 * can become code. Callers compile a shape only after seeing it several times, and only so
 * many shapes: a stream of ever-new key lists takes their general path.
 */

/** Records of one shape seen before it is compiled: one-off shapes are not worth compiling. */
export const COMPILE_AFTER = 8;
/** Shapes compiled per parser at most. */
export const COMPILED_MAX = 512;

/**
 * A key for an object literal: a JSON string literal, and `__proto__` as a computed key, which
 * makes an own field where the plain form would set the prototype.
 */
export function literalKey(name: string): string {
  return name === '__proto__' ? '["__proto__"]' : JSON.stringify(name);
}

/** A property read: `holder["key"]`. */
export function readKey(holder: string, key: string): string {
  return `${holder}[${JSON.stringify(key)}]`;
}

/** Compile generated source (strict mode) into a function of the named parameters. */
export function compileShape<F>(parameters: readonly string[], body: string): F {
  return new Function(...parameters, `"use strict";\n${body}`) as F;
}
