/**
 * `java.util.Random`: the 48-bit linear congruential generator, bit for bit, so a sampler seeded
 * as Metron's (`new Random(0)`) draws the same numbers. The 48-bit state is kept as two 24-bit
 * halves so every product stays exact in a double.
 */
export class JavaRandom {
  private hi: number;
  private lo: number;

  constructor(seed: number) {
    // Java scrambles the seed with the multiplier: (seed ^ 0x5DEECE66D) & (2^48 - 1).
    const s = BigInt.asUintN(48, BigInt(Math.trunc(seed)) ^ 0x5deece66dn);
    this.hi = Number(s >> 24n);
    this.lo = Number(s & 0xffffffn);
  }

  /** The next `bits` (1..32) random bits, as Java's `next(bits)` (signed for 32). */
  next(bits: number): number {
    // state = state * 0x5DEECE66D + 0xB (mod 2^48), in 24-bit halves.
    const lo = this.lo * MUL_LO + 0xb;
    const carry = Math.floor(lo / TWO_24);
    const newLo = lo - carry * TWO_24;
    const newHi = (this.hi * MUL_LO + this.lo * MUL_HI + carry) % TWO_24;
    this.hi = newHi;
    this.lo = newLo;
    return Math.floor((newHi * TWO_24 + newLo) / 2 ** (48 - bits)) | 0;
  }

  /** Java's `nextInt()`. */
  nextInt(): number {
    return this.next(32);
  }

  /** Java's `nextInt(bound)`: uniform in [0, bound), rejection-sampled as Java does. */
  nextIntBelow(bound: number): number {
    if (!(bound > 0)) throw new RangeError('bound must be positive');
    if ((bound & -bound) === bound) return Math.floor((bound * this.next(31)) / TWO_31);
    let bits: number;
    let val: number;
    do {
      bits = this.next(31);
      val = bits % bound;
    } while (bits - val + (bound - 1) > INT_MAX);
    return val;
  }

  /** Java's `nextDouble()`. */
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) * 2 ** -53;
  }
}

const TWO_24 = 2 ** 24;
const TWO_31 = 2 ** 31;
const INT_MAX = 2147483647;
const MUL_HI = 0x5de;
const MUL_LO = 0xece66d;
