/**
 * Stellar values in JavaScript, with Java's numeric types kept where they show.
 *
 * Metron's Stellar runs on the JVM: `5 / 2` is 2 (int division) while `5.0 / 2` is 2.5,
 * `TO_STRING(2.0)` is "2.0", `12L * 1.2f` is a float. So a number carries one of four kinds,
 * `int`, `long`, `float`, `double`. To keep the hot path on plain JavaScript numbers, a number
 * whose kind is the one its value implies is a plain `number`:
 *
 * - an integral value within 32 bits is an `int`, a larger integral value a `long`;
 * - a non-integral value, NaN or an infinity is a `double`.
 *
 * Any other combination (a `long` 7, a `double` 2.0, every `float`) is a {@link JNum} box. Use
 * {@link num} to make a number of a given kind: it returns the plain form whenever it can.
 *
 * The other values: `null`; booleans; strings; lists are arrays; maps are `Map` (keys may be
 * any value, as in Java); sets are `Set` (insertion-ordered like Java's LinkedHashSet); lambdas
 * are {@link Lambda}; functions may return other objects of their own (a STATS sketch, a Bloom
 * filter), which Stellar passes around opaquely.
 */

export type NumKind = 'int' | 'long' | 'float' | 'double';

/** A number whose Java kind differs from what its value alone implies. */
export class JNum {
  constructor(
    readonly kind: NumKind,
    readonly value: number,
  ) {}
  /** Java's `toString` of the number. */
  toString(): string {
    return numberToString(this.value, this.kind);
  }
}

/** A Stellar lambda: `(a, b) -> expr`. */
export class Lambda {
  constructor(
    /** Parameter names, in order. */
    readonly params: readonly string[],
    readonly fn: (args: readonly Value[]) => Value,
  ) {}
  /** Call with `args`; missing arguments are null. */
  call(...args: Value[]): Value {
    return this.fn(args);
  }
}

export type StellarNumber = number | JNum;

/** A Stellar value (see the module comment). `object` covers function-private state such as sketches. */
export type Value =
  | null
  | boolean
  | string
  | number
  | JNum
  | Value[]
  | Map<Value, Value>
  | Set<Value>
  | Lambda
  | Uint8Array
  | object;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** The kind a plain number stands for. */
export function plainKind(v: number): NumKind {
  if (Number.isInteger(v)) return v >= INT_MIN && v <= INT_MAX ? 'int' : 'long';
  return 'double';
}

/** A number of `kind` with value `v` (rounded to binary32 for floats, truncated for int/long). */
export function num(kind: NumKind, v: number): StellarNumber {
  let value = v;
  if (kind === 'float') value = Math.fround(v);
  else if ((kind === 'int' || kind === 'long') && Number.isFinite(v)) value = Math.trunc(v) + 0;
  if (kind !== 'float' && plainKind(value) === kind) return value;
  return new JNum(kind, value);
}

/** A double: plain when its value is non-integral, boxed when integral (2.0). */
export const double = (v: number): StellarNumber => (Number.isInteger(v) ? new JNum('double', v) : v);

export const isNumber = (v: unknown): v is StellarNumber => typeof v === 'number' || v instanceof JNum;

/** The numeric value of a number (plain or boxed). */
export const numValue = (v: StellarNumber): number => (typeof v === 'number' ? v : v.value);

/** The kind of a number. */
export const kindOf = (v: StellarNumber): NumKind => (typeof v === 'number' ? plainKind(v) : v.kind);

const RANK: Record<NumKind, number> = { int: 0, long: 1, float: 2, double: 3 };

/** Java's binary numeric promotion: double > float > long > int. */
export function widerKind(a: NumKind, b: NumKind): NumKind {
  return RANK[a] >= RANK[b] ? a : b;
}

export const isIntegral = (k: NumKind): boolean => k === 'int' || k === 'long';

export const isList = (v: unknown): v is Value[] => Array.isArray(v);
export const isMap = (v: unknown): v is Map<Value, Value> => v instanceof Map;
export const isSet = (v: unknown): v is Set<Value> => v instanceof Set;

/**
 * Java's `equals` with Stellar's numeric widening: numbers compare by value whatever their
 * kinds (`1 == 1.0`); NaN equals nothing; lists, sets and maps compare element-wise; anything
 * else by `===`.
 */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  if (a === null || b === null) return false;
  if (isNumber(a)) return isNumber(b) && numValue(a) === numValue(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (!setHas(b, x)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = mapGet(b, k);
      if (other === undefined || !javaEquals(v, other)) return false;
    }
    return true;
  }
  return false;
}

/**
 * Java's `equals` inside collections: like {@link equals} but an int never equals a long or a
 * double of the same value (`Integer.equals(Long)` is false), as in a Java list or set.
 */
export function javaEquals(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) {
    if (kindOf(a) !== kindOf(b)) return false;
    const x = numValue(a);
    const y = numValue(b);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  return equals(a, b);
}

/** A key as a JS Map/Set sees it: boxed numbers and collections by value, through {@link keyOf}. */
function sameKey(a: Value, b: Value): boolean {
  return a === b || (typeof a === 'object' && a !== null && javaEquals(a, b));
}

/** `set.has(x)` by Java equality (boxed numbers and lists are not `===`). */
export function setHas(set: Set<Value>, x: Value): boolean {
  if (set.has(x)) return true;
  if (typeof x !== 'object' || x === null) return false;
  for (const y of set) if (sameKey(x, y)) return true;
  return false;
}

/** `map.get(k)` by Java equality; undefined when absent. */
export function mapGet(map: Map<Value, Value>, key: Value): Value | undefined {
  const direct = map.get(key);
  if (direct !== undefined || map.has(key)) return direct;
  if (typeof key !== 'object' || key === null) return undefined;
  for (const [k, v] of map) if (sameKey(key, k)) return v;
  return undefined;
}

/** The existing key of `map` equal to `key` (so a put replaces it), else `key`. */
export function mapKey(map: Map<Value, Value>, key: Value): Value {
  if (map.has(key) || typeof key !== 'object' || key === null) return key;
  for (const k of map.keys()) if (sameKey(key, k)) return k;
  return key;
}

/**
 * Java's `toString` of a value, as Metron prints it: `2.0` for a double, `[a, b]` for a list,
 * `{k=v}` for a map, `null` for null.
 */
export function toJavaString(v: Value): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return numberToString(v, plainKind(v));
  if (v instanceof JNum) return v.toString();
  if (Array.isArray(v)) return `[${v.map(toJavaString).join(', ')}]`;
  if (v instanceof Set) return `[${[...v].map(toJavaString).join(', ')}]`;
  if (v instanceof Map)
    return `{${[...v].map(([k, x]) => `${toJavaString(k)}=${toJavaString(x)}`).join(', ')}}`;
  if (v instanceof Lambda) return `(${v.params.join(', ')}) -> …`;
  return String(v);
}

/** Java's `Integer/Long/Float/Double.toString`. */
export function numberToString(v: number, kind: NumKind): string {
  if (kind === 'int' || kind === 'long')
    return Number.isFinite(v) ? BigInt(Math.trunc(v)).toString() : String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const digits = kind === 'float' ? shortestFloat(v) : shortestDouble(v);
  return javaFloatingText(digits, Math.abs(v));
}

/** Shortest decimal digits and exponent that read back as `v` (double). */
function shortestDouble(v: number): { digits: string; exp: number; negative: boolean } {
  return splitExponential(v.toExponential(), v < 0);
}

/** Shortest decimal digits that read back as the binary32 value `v`. */
function shortestFloat(v: number): { digits: string; exp: number; negative: boolean } {
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const text = f.toExponential(p - 1);
    if (Math.fround(Number(text)) === f) return splitExponential(text, f < 0);
  }
  return splitExponential(f.toExponential(8), f < 0);
}

function splitExponential(
  text: string,
  negative: boolean,
): { digits: string; exp: number; negative: boolean } {
  const [mantissa = '0', e = '0'] = text.replace(/^-/, '').split('e');
  return { digits: mantissa.replace('.', ''), exp: Number(e), negative };
}

/** Java's layout: plain decimal for 10^-3 ≤ |v| < 10^7, else `d.dddE±n`; at least one fraction digit. */
function javaFloatingText(d: { digits: string; exp: number; negative: boolean }, abs: number): string {
  const sign = d.negative ? '-' : '';
  const digits = d.digits.replace(/0+$/, '') || '0';
  if (abs >= 1e-3 && abs < 1e7) {
    if (d.exp >= 0) {
      const int = digits.slice(0, d.exp + 1).padEnd(d.exp + 1, '0');
      const frac = digits.slice(d.exp + 1) || '0';
      return `${sign}${int}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-d.exp - 1)}${digits}`;
  }
  const frac = digits.slice(1) || '0';
  return `${sign}${digits[0]}.${frac}E${d.exp}`;
}

/**
 * A value from JSON (an event field, a `--vars` file): objects become maps, arrays lists,
 * numbers plain (so integral → int/long, others double). Types the caller knows better
 * (a Java `long` or `double` that happens to be integral) are given by `kinds`.
 */
export function fromJson(v: unknown, kinds?: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    return typeof kinds === 'string' && isNumKind(kinds) ? num(kinds, v) : v;
  }
  if (typeof v === 'string' && typeof kinds === 'string' && isNumKind(kinds)) {
    // NaN and infinities are written as strings in JSON fixtures.
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return num(kinds, Number(v));
  }
  if (Array.isArray(v)) {
    const list = v.map((x, i) => fromJson(x, Array.isArray(kinds) ? kinds[i] : kinds));
    return kinds === 'set' ? new Set(list) : list;
  }
  if (typeof v === 'object') {
    if (v instanceof Uint8Array) return v;
    const m = new Map<Value, Value>();
    const k =
      kinds && typeof kinds === 'object' && !Array.isArray(kinds) ? (kinds as Record<string, unknown>) : {};
    for (const [key, x] of Object.entries(v as Record<string, unknown>)) m.set(key, fromJson(x, k[key]));
    return m;
  }
  return v as Value;
}

const isNumKind = (s: string): s is NumKind => s === 'int' || s === 'long' || s === 'float' || s === 'double';

/** A value as JSON: boxed numbers as numbers (NaN/±Infinity as strings), maps as objects, sets as lists. */
export function toJson(v: Value): unknown {
  if (v === null || v === undefined) return null;
  if (isNumber(v)) {
    const n = numValue(v);
    return Number.isFinite(n) ? n : String(n);
  }
  if (Array.isArray(v) || v instanceof Set) return [...v].map(toJson);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[typeof k === 'string' ? k : toJavaString(k)] = toJson(x);
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Lambda) return toJavaString(v);
  if (typeof v === 'object') {
    const json = (v as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? json.call(v) : toJavaString(v);
  }
  return v;
}

/** A short name of a value's type, for messages: `string`, `int`, `list`, `map`, … */
export function typeName(v: Value): string {
  if (v === null || v === undefined) return 'null';
  if (isNumber(v)) return kindOf(v);
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  if (v instanceof Set) return 'set';
  if (v instanceof Lambda) return 'lambda';
  if (v instanceof Uint8Array) return 'bytes';
  return (v as object).constructor?.name ?? 'object';
}
