import { BloomFilter } from '../functions/stats/bloom.js';
import { HyperLogLogPlus } from '../functions/stats/hll.js';
import { JavaRandom } from '../functions/stats/java-random.js';
import { MadState } from '../functions/stats/mad.js';
import { OnlineStats, WindowedStats } from '../functions/stats/online-stats.js';
import { ReservoirSampler } from '../functions/stats/reservoir.js';
import { TDigest } from '../functions/stats/tdigest.js';
import { isNumber, JNum, Lambda, numValue, plainKind, type Value } from '../values.js';

/**
 * A profile measurement as stored in the `profiles` table's `value` column: JSON text that
 * reads back as the same Stellar value, so `PROFILE_GET` hands a rule what the profile's
 * `result` gave — a count, a map, or a STATS sketch that `STATS_COUNT` can still read.
 *
 * Plain JSON is kept wherever it says enough: strings, booleans, null, numbers whose Java
 * kind their value implies, lists, and maps with string keys read as SQL users expect. The
 * rest is tagged with `@type`: numbers of another kind (`{"@type":"long","value":7}`), NaN and
 * the infinities, sets, maps with other keys, byte arrays and the sketches of the statistics
 * functions (their fields, recursively). A lambda cannot be stored.
 */

/** The sketch classes a measurement may hold, by the tag they are stored under. */
const SKETCHES: Readonly<Record<string, { prototype: object }>> = {
  OnlineStats,
  WindowedStats,
  TDigest,
  HyperLogLogPlus,
  BloomFilter,
  MadState,
  ReservoirSampler,
  JavaRandom,
};
const SKETCH_TAG = new Map(Object.entries(SKETCHES).map(([tag, c]) => [c.prototype, tag]));

export class ProfileValueError extends Error {}

/** The JSON text of a measurement, and its number for `value_num` when it is one. */
export function encodeProfileValue(v: Value): { text: string; num: number | null } {
  return { text: JSON.stringify(encode(v)), num: isNumber(v) ? numValue(v) : null };
}

/** A measurement back from its JSON text. */
export function decodeProfileValue(text: string): Value {
  return decode(JSON.parse(text)) as Value;
}

function encode(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { '@type': 'double', value: String(v) };
    return v;
  }
  if (v instanceof JNum) {
    const value = Number.isFinite(v.value) ? v.value : String(v.value);
    return { '@type': v.kind, value };
  }
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Set) return { '@type': 'set', items: [...v].map(encode) };
  if (v instanceof Map) {
    if ([...v.keys()].every((k) => typeof k === 'string' && !k.startsWith('@'))) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of v) out[k as string] = encode(x);
      return out;
    }
    return { '@type': 'map', entries: [...v].map(([k, x]) => [encode(k), encode(x)]) };
  }
  if (v instanceof Float64Array) return { '@type': 'f64', base64: bytesOf(v) };
  if (v instanceof Uint32Array) return { '@type': 'u32', base64: bytesOf(v) };
  if (v instanceof Uint8Array) return { '@type': 'bytes', base64: bytesOf(v) };
  if (v instanceof Lambda) throw new ProfileValueError('a lambda cannot be stored as a profile value');
  if (typeof v === 'object') {
    const tag = SKETCH_TAG.get(Object.getPrototypeOf(v));
    if (tag === undefined)
      throw new ProfileValueError(
        `a ${(v as object).constructor?.name ?? 'value'} cannot be stored as a profile value`,
      );
    const fields: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) fields[k] = encode(x);
    return { '@type': tag, fields };
  }
  throw new ProfileValueError(`a ${typeof v} cannot be stored as a profile value`);
}

function decode(j: unknown): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(decode);
  const o = j as Record<string, unknown>;
  const type = o['@type'];
  if (typeof type !== 'string') {
    const m = new Map<Value, Value>();
    for (const [k, x] of Object.entries(o)) m.set(k, decode(x) as Value);
    return m;
  }
  switch (type) {
    case 'int':
    case 'long':
    case 'float':
    case 'double': {
      const n = Number(o.value);
      return plainKind(n) === type ? n : new JNum(type, n);
    }
    case 'set':
      return new Set((o.items as unknown[]).map(decode));
    case 'map':
      return new Map((o.entries as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    case 'f64':
      return new Float64Array(bufferOf(o.base64));
    case 'u32':
      return new Uint32Array(bufferOf(o.base64));
    case 'bytes':
      return new Uint8Array(bufferOf(o.base64));
  }
  const sketch = SKETCHES[type];
  if (sketch === undefined) throw new ProfileValueError(`unknown profile value type '${type}'`);
  const out = Object.create(sketch.prototype) as Record<string, unknown>;
  for (const [k, x] of Object.entries(o.fields as Record<string, unknown>)) out[k] = decode(x);
  return out;
}

const bytesOf = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

/** A fresh, aligned ArrayBuffer holding the base64 bytes (typed arrays need the alignment). */
function bufferOf(base64: unknown): ArrayBuffer {
  const b = Buffer.from(String(base64), 'base64');
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}
