import {
  equals,
  isIntegral,
  isNumber,
  JNum,
  javaEquals,
  kindOf,
  mapGet,
  type NumKind,
  num,
  numValue,
  plainKind,
  type StellarNumber,
  setHas,
  toJavaString,
  typeName,
  type Value,
  widerKind,
} from './values.js';

/**
 * Stellar's operators with Metron's semantics (ArithmeticEvaluator, ComparisonOperatorsEvaluator,
 * EqualityOperatorsEvaluator): the result of arithmetic has the wider kind of its operands,
 * null counts as 0, integer division truncates and fails on zero, floating division by zero
 * gives NaN or an infinity. Failures throw {@link OperatorError}; the compiler adds the span.
 */

export class OperatorError extends Error {
  constructor(
    readonly code: 'S202' | 'S203',
    message: string,
  ) {
    super(message);
  }
}

export type ArithmeticOp = '+' | '-' | '*' | '/';

const VERB: Record<ArithmeticOp, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };

function operand(v: Value, op: ArithmeticOp, other: Value): StellarNumber {
  if (v === null || v === undefined) return 0;
  if (isNumber(v)) return v;
  throw new OperatorError(
    'S202',
    `cannot ${VERB[op]} ${typeName(v)} and ${typeName(other)}: arithmetic takes numbers (null counts as 0)`,
  );
}

/** `a op b`. */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value): StellarNumber {
  // Hot path: two plain numbers of the same plain kind family.
  const x = operand(a, op, b);
  const y = operand(b, op, a);
  const kind = widerKind(kindOf(x), kindOf(y));
  const l = numValue(x);
  const r = numValue(y);
  if (isIntegral(kind)) {
    let v: number;
    if (op === '/') {
      if (r === 0)
        throw new OperatorError(
          'S203',
          'division by zero (integer division; use a double, e.g. 1.0, for NaN/Infinity)',
        );
      v = Math.trunc(l / r);
    } else v = op === '+' ? l + r : op === '-' ? l - r : l * r;
    // An int result beyond 32 bits becomes a long rather than wrapping: event counters that
    // Metron holds as Long must not overflow here.
    return kind === 'long' ? num('long', v) : v + 0;
  }
  const v = op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : l / r;
  return num(kind, v);
}

/** `a == b`: null-safe, numbers by value across kinds, `1 == '1'` false. */
export const equal = (a: Value, b: Value): boolean => equals(a, b);

/** `<`, `<=`, `>`, `>=`: false when either side is null; numbers across kinds; like types by order. */
export function compare(op: '<' | '<=' | '>' | '>=', a: Value, b: Value): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return false;
  let c: number;
  if (isNumber(a) && isNumber(b)) {
    const l = numValue(a);
    const r = numValue(b);
    if (Number.isNaN(l) || Number.isNaN(r)) return false;
    c = l < r ? -1 : l > r ? 1 : 0;
  } else if (typeof a === 'string' && typeof b === 'string') {
    c = a < b ? -1 : a > b ? 1 : 0;
  } else if (typeof a === 'boolean' && typeof b === 'boolean') {
    c = Number(a) - Number(b);
  } else {
    throw new OperatorError('S202', `cannot compare ${typeName(a)} with ${typeName(b)}`);
  }
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/**
 * `item in collection`: substring of a string, member of a list or set, key of a map, else
 * equality; null is only in a collection that holds null.
 */
export function contains(collection: Value, item: Value): boolean {
  if (collection === null || collection === undefined) return false;
  if (item === null || item === undefined) {
    // Only a collection can hold a null.
    if (Array.isArray(collection)) return collection.includes(null);
    if (collection instanceof Set || collection instanceof Map) return collection.has(null);
    return false;
  }
  if (typeof collection === 'string')
    return collection.includes(typeof item === 'string' ? item : toJavaString(item));
  if (Array.isArray(collection)) {
    for (const x of collection) if (x === item || javaEquals(x as Value, item)) return true;
    return false;
  }
  if (collection instanceof Set) return setHas(collection, item);
  if (collection instanceof Map) return mapGet(collection, item) !== undefined;
  // Anything else is a collection of one: `false in false` is true, as in Metron.
  return equals(collection, item);
}

/** A value in a boolean position (and, or, not, if, ?:, match): null and empty collections are false. */
export function truthy(v: Value): boolean {
  if (v === true || v === false) return v;
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  throw new OperatorError('S202', `expected a boolean, got ${typeName(v)} ${preview(v)}`);
}

function preview(v: Value): string {
  const text = toJavaString(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A literal number node's value in the runtime's representation. */
export const literalNumber = (kind: NumKind, value: number): StellarNumber =>
  kind !== 'float' && plainKind(value) === kind ? value : new JNum(kind, value);
