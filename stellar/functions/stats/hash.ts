/**
 * 64 bits of hash of a string for the sketches (HyperLogLog++, Bloom filter): two MurmurHash3
 * (x86, 32-bit) passes over the UTF-16 code units with different seeds. Not stream-lib's or
 * Guava's bytes — only the distribution matters here, not compatibility with Java's sketches.
 */

const SEED_HI = 0x9747b28c;
const SEED_LO = 0x5bd1e995;

/** Hash `s` into `out[0]` (high 32 bits) and `out[1]` (low 32 bits). */
export function hash64(s: string, out: Uint32Array): void {
  out[0] = murmur3(s, SEED_HI);
  out[1] = murmur3(s, SEED_LO);
}

/** MurmurHash3 x86_32 of the string's code units taken two at a time as 32-bit blocks. */
export function murmur3(s: string, seed: number): number {
  let h = seed | 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
