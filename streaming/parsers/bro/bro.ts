import { DOUBLE_FIELDS, type Event, type FieldValue, fail, ok, type Result } from '#core';
import { javaToString } from '../java-json.js';
import { javaHashMapOrder } from '../java-map-order.js';
import { holdsDouble, type Lexemes, parseJsonKeepingNumbers } from '../json-lexemes.js';

/**
 * Bro/Zeek JSON as the bro-kafka plugin writes it: `{"<log type>": {...}}` (or a flat record
 * with a `type` field). Output matches Metron's BasicBroParser field for field, including its
 * synthesised `original_string` ("HTTP | key:value …", keys in Java HashMap order).
 */

// Metron's JSONCleaner keeps only letters, digits, '.' and '_' in keys.
const UNCLEAN_KEY = /[^._a-zA-Z0-9]+/g;
const UNCLEAN_TEST = /[^._a-zA-Z0-9]/;
// Keys already found clean; field names repeat on every record.
const CLEAN = new Set<string>();
const CLEAN_MAX = 65_536;

function isClean(key: string): boolean {
  if (CLEAN.has(key)) return true;
  if (UNCLEAN_TEST.test(key)) return false;
  if (CLEAN.size < CLEAN_MAX) CLEAN.add(key);
  return true;
}

const RENAMES: readonly (readonly [string, readonly string[]])[] = [
  ['ip_src_addr', ['source_ip', 'id.orig_h']],
  ['ip_src_port', ['source_port', 'id.orig_p']],
  ['ip_dst_addr', ['dest_ip', 'id.resp_h']],
  ['ip_dst_port', ['dest_port', 'id.resp_p']],
];

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Clean keys the way JSONCleaner does, and list them in Java's map order. The input object is
 * returned as is when no key changes (the usual case), so number lexemes stay attached to it.
 */
function cleanKeys(value: JsonObject): { object: JsonObject; order: readonly string[] } {
  const keys = Object.keys(value);
  if (keys.every((k) => isClean(k) && !isObject(value[k]))) {
    return { object: value, order: javaHashMapOrder(keys) };
  }
  const rawOrder = javaHashMapOrder(keys);
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
  const text = String(ts);
  if (/e/i.test(text)) return Math.trunc(ts * 1000);
  const [whole = '0', frac = ''] = text.split('.');
  const sign = whole.startsWith('-') ? -1 : 1;
  const ms = Number(whole) * 1000 + sign * Number(frac.padEnd(3, '0').slice(0, 3));
  return ms;
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
  let original = `${logType.toUpperCase()} |`;
  for (const key of order) original += ` ${key}:${javaToString(payload, key, payload[key], lexemes)}`;

  const ts = payload.ts;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return bad(
      'bro.ts',
      ts === undefined ? 'required field is missing' : `not a number: ${JSON.stringify(ts)}`,
      'ts',
    );
  }
  // Metron's replaceKey: the first of the source names present moves to the target name.
  const moves: [from: string, to: string][] = [];
  for (const [to, from] of RENAMES) {
    const name = from.find((f) => f in payload);
    if (name !== undefined) moves.push([name, to]);
  }
  const moved = (to: string) => moves.some((m) => m[1] === to);
  // tx_hosts / rx_hosts stand in for missing addresses: the first host moves, a one-host list goes.
  const src = moved('ip_src_addr') ? undefined : firstHost(payload.tx_hosts);
  const dst = moved('ip_dst_addr') ? undefined : firstHost(payload.rx_hosts);

  const event: Event = {};
  let doubles: Set<string> | undefined;
  for (const key of order) {
    if (key === 'ts') continue;
    if ((key === 'tx_hosts' && src?.only) || (key === 'rx_hosts' && dst?.only)) continue;
    event[renamedTo(moves, key)] = payload[key] as FieldValue;
    if (holdsDouble(lexemes, payload, key)) {
      doubles ??= new Set();
      doubles.add(key);
    }
  }
  if (src) event.ip_src_addr = src.host;
  if (dst) event.ip_dst_addr = dst.host;
  if (doubles) event[DOUBLE_FIELDS] = doubles;
  event.original_string = original;
  event.timestamp = broTsToMillis(ts);
  event.bro_timestamp = Number.isInteger(ts) ? `${ts}.0` : String(ts);
  event.protocol = logType;
  return ok([event]);
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
