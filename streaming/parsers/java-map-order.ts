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

// Records of one log type repeat the same keys in the same order, so orders are remembered in
// a trie of keys: finding a known list costs one Map lookup per key (keys read by JSON.parse
// are internalised strings with cached hashes), with no string built. Bounded: the trie is
// dropped when full rather than growing with hostile input.
interface OrderNode {
  next: Map<string, OrderNode> | undefined;
  order: readonly string[] | undefined;
}
const NODES_MAX = 65_536;
let root: OrderNode = { next: undefined, order: undefined };
let nodes = 0;

/**
 * Keys in the order a `HashMap` filled with them (in the given insertion order) iterates.
 * Resizes keep relative order inside a bucket, so the final order is (bucket, insertion).
 * The result is shared, and the same array for the same key list: do not modify it.
 */
export function javaHashMapOrder(keys: readonly string[]): readonly string[] {
  let node = root;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    let next = node.next?.get(key);
    if (next === undefined) {
      if (nodes >= NODES_MAX) {
        root = { next: undefined, order: undefined };
        nodes = 0;
        return javaHashMapOrder(keys);
      }
      next = { next: undefined, order: undefined };
      node.next ??= new Map();
      node.next.set(key, next);
      nodes++;
    }
    node = next;
  }
  node.order ??= computeOrder(keys);
  return node.order;
}
