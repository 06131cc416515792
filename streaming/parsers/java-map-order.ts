/**
 * Java's `HashMap` iteration order, reproduced. Metron's Bro parser builds `original_string`
 * by walking a json-simple `JSONObject` (a `HashMap`), so matching Metron byte for byte means
 * listing keys in the order Java would: by bucket, then by insertion within a bucket.
 */

/** `String.hashCode()` over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Table size a default `HashMap` reaches after `size` puts (capacity 16, load factor 0.75). */
export function javaHashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

function bucket(key: string, capacity: number): number {
  const h = javaStringHash(key);
  return (h ^ (h >>> 16)) & (capacity - 1);
}

function computeOrder(keys: readonly string[]): string[] {
  const capacity = javaHashMapCapacity(keys.length);
  const buckets = keys.map((key, index) => ({ key, index, b: bucket(key, capacity) }));
  buckets.sort((x, y) => x.b - y.b || x.index - y.index);
  return buckets.map((e) => e.key);
}

// Records of one log type repeat the same keys in the same order, so orders are remembered
// by key list. Bounded: cleared when full rather than growing with hostile input.
const ORDERS = new Map<string, readonly string[]>();
const ORDERS_MAX = 4096;

/**
 * Keys in the order a `HashMap` filled with them (in the given insertion order) iterates.
 * Resizes keep relative order inside a bucket, so the final order is (bucket, insertion).
 * The result is shared: do not modify it.
 */
export function javaHashMapOrder(keys: readonly string[]): readonly string[] {
  const signature = keys.join('\u0000');
  let order = ORDERS.get(signature);
  if (order === undefined) {
    order = computeOrder(keys);
    if (ORDERS.size >= ORDERS_MAX) ORDERS.clear();
    ORDERS.set(signature, order);
  }
  return order;
}
