import { toJavaString, type Value } from '../../values.js';
import { fail } from '../types.js';
import { hash64 } from './hash.js';

/**
 * A Bloom filter sized as Guava's (Metron's `BLOOM_INIT`): m = −n·ln(fpp)/ln²2 bits rounded up
 * to whole 64-bit words, k = round(m/n·ln 2) hash functions, positions by double hashing
 * h1 + i·h2. Values are hashed by their Java string form. No false negatives; false positives
 * near `fpp` while no more than the expected number of values has been added.
 */
export class BloomFilter {
  private readonly words: Uint32Array;
  /** Number of bits (a multiple of 64). */
  readonly bitSize: number;
  readonly hashes: number;

  constructor(
    readonly expectedInsertions: number,
    readonly fpp: number,
  ) {
    if (!(expectedInsertions >= 0)) fail(`Expected insertions (${expectedInsertions}) must be >= 0`);
    if (!(fpp > 0)) fail(`False positive probability (${fpp}) must be > 0.0`);
    if (!(fpp < 1)) fail(`False positive probability (${fpp}) must be < 1.0`);
    const n = Math.max(1, expectedInsertions);
    const bits = Math.floor((-n * Math.log(fpp)) / (Math.LN2 * Math.LN2));
    const longs = Math.max(1, Math.ceil(bits / 64));
    if (longs * 64 > MAX_BITS) fail(`A Bloom filter of ${bits} bits is too large`);
    this.words = new Uint32Array(longs * 2);
    this.bitSize = longs * 64;
    this.hashes = Math.max(1, Math.round((Math.max(1, bits) / n) * Math.LN2));
  }

  add(value: Value): void {
    hash64(toJavaString(value), HASH);
    const h1 = HASH[0] as number;
    const h2 = ((HASH[1] as number) | 1) >>> 0;
    const words = this.words;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.bitSize;
      const w = Math.floor(bit / 32);
      words[w] = (words[w] as number) | (1 << (bit & 31));
    }
  }

  mightContain(value: Value): boolean {
    hash64(toJavaString(value), HASH);
    const h1 = HASH[0] as number;
    const h2 = ((HASH[1] as number) | 1) >>> 0;
    const words = this.words;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.bitSize;
      if (((words[Math.floor(bit / 32)] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** OR another filter of the same shape into this one (Guava's putAll). */
  merge(other: BloomFilter): void {
    if (other === this) fail('Cannot combine a BloomFilter with itself.');
    if (other.hashes !== this.hashes) {
      fail(`BloomFilters must have the same number of hash functions (${this.hashes} != ${other.hashes})`);
    }
    if (other.bitSize !== this.bitSize) {
      fail(
        `BloomFilters must have the same size underlying bit arrays (${this.bitSize} != ${other.bitSize})`,
      );
    }
    for (let i = 0; i < this.words.length; i++)
      this.words[i] = (this.words[i] as number) | (other.words[i] as number);
  }

  toJSON(): Record<string, unknown> {
    return { bits: this.bitSize, hashes: this.hashes };
  }
}

/** 2^32 bits (512 MiB) is more than any rule should hold. */
const MAX_BITS = 2 ** 32;

const HASH = new Uint32Array(2);
