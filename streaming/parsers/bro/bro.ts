import { DOUBLE_FIELDS, type Event, type FieldValue, fail, ok, type Result } from '#core';
import { javaToString } from '../java-json.js';
import { javaHashMapOrder } from '../java-map-order.js';
import { holdsDouble, type Lexemes, parseJsonKeepingNumbers } from '../json-lexemes.js';
import { COMPILE_AFTER, COMPILED_MAX, compileShape, literalKey, readKey } from '../shape-code.js';

/**
 * Bro/Zeek JSON as the bro-kafka plugin writes it: `{"<log type>": {...}}` (or a flat record
 * with a `type` field). Output matches Metron's BasicBroParser field for field, including its
 * synthesised `original_string` ("HTTP | key:value …", keys in Java HashMap order).
 */

// Metron's JSONCleaner keeps only letters, digits, '.' and '_' in keys.
const UNCLEAN_KEY = /[^._a-zA-Z0-9]+/g;
const UNCLEAN_TEST = /[^._a-zA-Z0-9]/;
const RENAMES: readonly (readonly [string, readonly string[]])[] = [
  ['ip_src_addr', ['source_ip', 'id.orig_h']],
  ['ip_src_port', ['source_port', 'id.orig_p']],
  ['ip_dst_addr', ['dest_ip', 'id.resp_h']],
  ['ip_dst_port', ['dest_port', 'id.resp_p']],
];

type JsonObject = Record<string, unknown>;

// Key lists (by the shared order array javaHashMapOrder gives) found to need no cleaning.
const CLEAN_ORDERS = new WeakSet<readonly string[]>();

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Clean keys the way JSONCleaner does, and list them in Java's map order. The input object is
 * returned as is when no key changes (the usual case), so number lexemes stay attached to it.
 */
function cleanKeys(value: JsonObject): { object: JsonObject; order: readonly string[] } {
  const keys = Object.keys(value);
  const rawOrder = javaHashMapOrder(keys);
  let plain = CLEAN_ORDERS.has(rawOrder);
  if (!plain && !keys.some((k) => UNCLEAN_TEST.test(k))) {
    CLEAN_ORDERS.add(rawOrder);
    plain = true;
  }
  for (let i = 0; i < keys.length && plain; i++) plain = !isObject(value[keys[i] as string]);
  if (plain) return { object: value, order: rawOrder };
  let changed = false;
  const object: JsonObject = {};
  const inserted: string[] = [];
  for (const key of rawOrder) {
    const clean = key.replace(UNCLEAN_KEY, '');
    let v = value[key];
    if (isObject(v)) {
      const inner = cleanKeys(v).object;
      if (inner !== v) changed = true;
      v = inner;
    }
    if (clean !== key) changed = true;
    if (!(clean in object)) inserted.push(clean);
    object[clean] = v;
  }
  return changed ? { object, order: javaHashMapOrder(inserted) } : { object: value, order: rawOrder };
}

/** `ts` (seconds, fractional) to epoch milliseconds, truncated as Metron does, without float error. */
export function broTsToMillis(ts: number): number {
  return millisOfText(ts, String(ts));
}

/** Epoch ms from `ts` and its shortest decimal text (digits read, not multiplied, so no float error). */
function millisOfText(ts: number, text: string): number {
  if (text.includes('e')) return Math.trunc(ts * 1000);
  const dot = text.indexOf('.');
  if (dot < 0) return ts * 1000;
  let frac = 0;
  for (let i = 1; i <= 3; i++) {
    const c = dot + i < text.length ? text.charCodeAt(dot + i) - 48 : 0;
    frac = frac * 10 + c;
  }
  const whole = Number(text.slice(0, dot)) * 1000;
  return text.charCodeAt(0) === 45 ? whole - frac : whole + frac;
}

function bad(code: string, message: string, field?: string): Result<Event[]> {
  return fail({ stage: 'parser_error', code, message, ...(field ? { field } : {}) });
}

/** Parse one Bro JSON record. */
export function parseBro(raw: string): Result<Event[]> {
  let parsed: ReturnType<typeof parseJsonKeepingNumbers>;
  try {
    parsed = parseJsonKeepingNumbers(raw);
  } catch (e) {
    return bad('bro.json', `not valid JSON: ${(e as Error).message}`);
  }
  return broRecord(parsed.value, parsed.lexemes);
}

/**
 * One Bro record already read as JSON (`{"<log type>": {...}}`), with the text of its numbers
 * where JavaScript would print them differently. Zeek TSV records come here too, as the JSON
 * object Zeek would have written for them.
 */
export function broRecord(value: unknown, lexemes: Lexemes | undefined): Result<Event[]> {
  if (!isObject(value)) return bad('bro.shape', 'expected a JSON object like {"conn": {...}}');

  const top = cleanKeys(value);
  let logType: string;
  let payload: JsonObject;
  let order: readonly string[];
  if ('type' in top.object) {
    logType = String(top.object.type);
    payload = top.object;
    order = top.order;
  } else {
    const first = top.order[0];
    const inner = first === undefined ? undefined : top.object[first];
    if (first === undefined || !isObject(inner)) {
      return bad('bro.shape', 'expected one top-level key naming the log type, e.g. {"conn": {...}}');
    }
    logType = first;
    const cleaned = cleanKeys(inner);
    payload = cleaned.object;
    order = cleaned.order;
  }
  const ts = payload.ts;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return bad(
      'bro.ts',
      ts === undefined ? 'required field is missing' : `not a number: ${JSON.stringify(ts)}`,
      'ts',
    );
  }
  const shape = shapeOf(order, payload);
  // The usual record (addresses in id.*) goes through its shape's compiled builder.
  if (!shape.usesHosts) {
    const build = shape.build ?? compileWhenHot(shape, order);
    if (build !== undefined) {
      const render =
        lexemes === undefined
          ? renderValue
          : (value: unknown, key: string) => javaToString(payload, key, value, lexemes);
      const event = build(payload, upperCase(logType), render);
      return ok([finish(event, ts, logType, lexemes && doublesOf(order, shape.names, payload, lexemes))]);
    }
  }
  const src = shape.srcFromHosts ? firstHost(payload.tx_hosts) : undefined;
  const dst = shape.dstFromHosts ? firstHost(payload.rx_hosts) : undefined;

  // One walk in Java's order builds both the event and Metron's "TYPE | key:value …" string.
  const event: Event = {};
  let original = upperCase(logType);
  const names = shape.names;
  for (let i = 0; i < order.length; i++) {
    const key = order[i] as string;
    const value = payload[key];
    original +=
      typeof value === 'string'
        ? ` ${key}:${value}`
        : ` ${key}:${javaToString(payload, key, value, lexemes)}`;
    const name = names[i] as string;
    if (name === '') continue; // ts
    if ((key === 'tx_hosts' && src?.only) || (key === 'rx_hosts' && dst?.only)) continue;
    event[name] = value as FieldValue;
  }
  if (src) event.ip_src_addr = src.host;
  if (dst) event.ip_dst_addr = dst.host;
  event.original_string = original;
  return ok([finish(event, ts, logType, lexemes && doublesOf(order, names, payload, lexemes))]);
}

/** What both paths add last: the doubles, Metron's timestamp, bro_timestamp and protocol. */
function finish(event: Event, ts: number, logType: string, doubles: Set<string> | undefined): Event {
  if (doubles) event[DOUBLE_FIELDS] = doubles;
  const tsText = String(ts);
  event.timestamp = millisOfText(ts, tsText);
  event.bro_timestamp = Number.isInteger(ts) ? `${tsText}.0` : tsText;
  event.protocol = logType;
  return event;
}

// "conn" → "CONN |", remembered: log types are few.
const UPPER = new Map<string, string>();

function upperCase(logType: string): string {
  let upper = UPPER.get(logType);
  if (upper === undefined) {
    upper = `${logType.toUpperCase()} |`;
    if (UPPER.size < 1024) UPPER.set(logType, upper);
  }
  return upper;
}

/** What a key list means for the event: each key's field name and where the addresses come from. */
interface Shape {
  /** Field name per key of the order; '' for `ts`, which becomes `timestamp`. */
  names: readonly string[];
  /** tx_hosts / rx_hosts stand in for a missing source / destination address. */
  srcFromHosts: boolean;
  dstFromHosts: boolean;
  /** Whether a tx_hosts / rx_hosts list present may stand in (the builder does not do that). */
  usesHosts: boolean;
  /** Records seen with this shape, until it is compiled. */
  seen: number;
  build: Builder | undefined;
}

/** Renders a value that is not a string for original_string (numbers as written). */
type Render = (value: unknown, key: string) => string;

/** Builds the event and its original_string from a payload of one shape. */
type Builder = (payload: JsonObject, head: string, render: Render) => Event;

const NO_LEXEMES: JsonObject = {};
const renderValue: Render = (value) => javaToString(NO_LEXEMES, '', value, undefined);

/** Fields whose numbers were written as floating point though integral (`3600.0`). */
function doublesOf(
  order: readonly string[],
  names: readonly string[],
  payload: JsonObject,
  lexemes: Lexemes,
): Set<string> | undefined {
  let doubles: Set<string> | undefined;
  for (let i = 0; i < order.length; i++) {
    const name = names[i] as string;
    if (name !== '' && holdsDouble(lexemes, payload, order[i] as string)) {
      doubles ??= new Set();
      doubles.add(name);
    }
  }
  return doubles;
}

let compiled = 0;

function compileWhenHot(shape: Shape, order: readonly string[]): Builder | undefined {
  if (++shape.seen < COMPILE_AFTER || compiled >= COMPILED_MAX) return undefined;
  compiled++;
  shape.build = compileBuilder(order, shape.names);
  return shape.build;
}

/** The shape's builder: each key read once, the event as one object literal with original_string built alongside. */
function compileBuilder(order: readonly string[], names: readonly string[]): Builder {
  const reads: string[] = [];
  const fields: string[] = [];
  const parts: string[] = [];
  order.forEach((key, i) => {
    const v = `v${i}`;
    reads.push(`const ${v} = ${readKey('p', key)};`);
    parts.push(
      `${JSON.stringify(` ${key}:`)} + (typeof ${v} === "string" ? ${v} : render(${v}, ${JSON.stringify(key)}))`,
    );
    const name = names[i] as string;
    if (name !== '') fields.push(`${literalKey(name)}: ${v}`);
  });
  fields.push(`original_string: head + ${parts.join(' + ')}`);
  fields.push('timestamp: 0', 'bro_timestamp: ""', 'protocol: ""');
  return compileShape<Builder>(
    ['p', 'head', 'render'],
    `${reads.join('\n')}\nreturn {\n${fields.join(',\n')}\n};`,
  );
}

// Keyed by the shared order array javaHashMapOrder returns for a key list.
const SHAPES = new WeakMap<readonly string[], Shape>();

function shapeOf(order: readonly string[], payload: JsonObject): Shape {
  let shape = SHAPES.get(order);
  if (shape !== undefined) return shape;
  // Metron's replaceKey: the first of the source names present moves to the target name.
  const moves: [from: string, to: string][] = [];
  for (const [to, from] of RENAMES) {
    const name = from.find((f) => f in payload);
    if (name !== undefined) moves.push([name, to]);
  }
  const moved = (to: string) => moves.some((m) => m[1] === to);
  const srcFromHosts = !moved('ip_src_addr');
  const dstFromHosts = !moved('ip_dst_addr');
  shape = {
    names: order.map((key) => (key === 'ts' ? '' : renamedTo(moves, key))),
    srcFromHosts,
    dstFromHosts,
    usesHosts: (srcFromHosts && order.includes('tx_hosts')) || (dstFromHosts && order.includes('rx_hosts')),
    seen: 0,
    build: undefined,
  };
  SHAPES.set(order, shape);
  return shape;
}

/** The name a payload key goes by in the event. */
function renamedTo(moves: readonly [string, string][], key: string): string {
  for (const [from, to] of moves) if (from === key) return to;
  return key;
}

/** The first host of a `tx_hosts` / `rx_hosts` list, and whether it was the only one. */
function firstHost(hosts: unknown): { host: string; only: boolean } | undefined {
  if (!Array.isArray(hosts) || typeof hosts[0] !== 'string') return undefined;
  return { host: hosts[0], only: hosts.length === 1 };
}
