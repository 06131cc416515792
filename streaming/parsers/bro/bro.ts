import { DOUBLE_FIELDS, type Event, type FieldValue, fail, ok, type Result } from '#core';
import { javaToString } from '../java-json.js';
import { javaHashMapOrder } from '../java-map-order.js';
import { holdsDouble, parseJsonKeepingNumbers } from '../json-lexemes.js';

/**
 * Bro/Zeek JSON as the bro-kafka plugin writes it: `{"<log type>": {...}}` (or a flat record
 * with a `type` field). Output matches Metron's BasicBroParser field for field, including its
 * synthesised `original_string` ("HTTP | key:value …", keys in Java HashMap order).
 */

// Metron's JSONCleaner keeps only letters, digits, '.' and '_' in keys.
const UNCLEAN_KEY = /[^._a-zA-Z0-9]+/g;

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
function cleanKeys(value: JsonObject): { object: JsonObject; order: string[] } {
  const rawOrder = javaHashMapOrder(Object.keys(value));
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
  const { value, lexemes } = parsed;
  if (!isObject(value)) return bad('bro.shape', 'expected a JSON object like {"conn": {...}}');

  const top = cleanKeys(value);
  let logType: string;
  let payload: JsonObject;
  let order: string[];
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
  const event: Event = {};
  let doubles: Set<string> | undefined;
  for (const key of order) {
    if (key === 'ts') continue;
    event[key] = payload[key] as FieldValue;
    if (holdsDouble(lexemes, payload, key)) {
      doubles ??= new Set();
      doubles.add(key);
    }
  }
  if (doubles) event[DOUBLE_FIELDS] = doubles;
  event.original_string = original;
  event.timestamp = broTsToMillis(ts);
  event.bro_timestamp = Number.isInteger(ts) ? `${ts}.0` : String(ts);
  event.protocol = logType;
  for (const [to, from] of RENAMES) {
    for (const name of from) {
      if (name in event) {
        event[to] = event[name];
        delete event[name];
      }
    }
  }
  if (!('ip_src_addr' in event)) firstHost(event, 'tx_hosts', 'ip_src_addr');
  if (!('ip_dst_addr' in event)) firstHost(event, 'rx_hosts', 'ip_dst_addr');
  return ok([event]);
}

/** Metron moves the first of `tx_hosts` / `rx_hosts` into the address field and drops the list. */
function firstHost(event: Event, list: string, to: string): void {
  const hosts = event[list];
  if (Array.isArray(hosts) && hosts.length > 0 && hosts[0] !== null) {
    event[to] = hosts[0];
    // Only a one-host list is fully carried by the address; a longer one stays as it was.
    if (hosts.length === 1) delete event[list];
  }
}
