import { toJavaString, type Value } from '../../values.js';
import { fail } from '../types.js';
import { hash64 } from './hash.js';

/**
 * HyperLogLog++ (Heule, Nunkesser & Hall): distinct counts in fixed memory. Values are hashed
 * by their Java string form, as stream-lib does (`1` and `'1'` are the same item).
 *
 * - Sparse (sp > 0, few items): a map from the top `sp` hash bits to the largest rank seen,
 *   estimated by linear counting over 2^sp buckets — near exact for small sets.
 * - Dense: 2^p registers, estimated with Ertl's improved raw estimator ("New cardinality
 *   estimation algorithms for HyperLogLog sketches", 2017), which needs none of HLL++'s
 *   empirical bias tables and is unbiased from zero to billions. Standard error ≈ 1.04/√(2^p).
 *
 * Not byte-compatible with stream-lib; precisions and merge rules follow it.
 */
export class HyperLogLogPlus {
  private sparse: Map<number, number> | null;
  private registers: Uint8Array | null;

  constructor(
    readonly p = 14,
    readonly sp = 25,
  ) {
    if (p < 4 || (sp !== 0 && p > sp)) fail('p must be between 4 and sp (inclusive)');
    if (sp >= 32) fail('sp values greater than 31 not supported');
    if (p > MAX_P) fail(`p values greater than ${MAX_P} not supported`);
    this.sparse = sp > 0 ? new Map() : null;
    this.registers = sp > 0 ? null : new Uint8Array(1 << p);
  }

  /** Offer a value (its Java string form); null is refused, as in Java. */
  add(value: Value): void {
    if (value === null || value === undefined) fail('HLLP_ADD cannot add null');
    hash64(toJavaString(value), HASH);
    const hi = HASH[0] as number;
    const lo = HASH[1] as number;
    if (this.sparse !== null) {
      const idx = hi >>> (32 - this.sp);
      const r = rank(hi, lo, this.sp);
      const old = this.sparse.get(idx);
      if (old === undefined || r > old) this.sparse.set(idx, r);
      if (this.sparse.size > this.sparseLimit()) this.toDense();
    } else {
      const regs = this.registers as Uint8Array;
      const idx = hi >>> (32 - this.p);
      const r = rank(hi, lo, this.p);
      if (r > (regs[idx] as number)) regs[idx] = r;
    }
  }

  /** The estimated number of distinct values. */
  cardinality(): number {
    if (this.sparse !== null) {
      const m = 2 ** this.sp;
      return Math.round(m * Math.log(m / (m - this.sparse.size)));
    }
    return Math.round(estimate(this.registers as Uint8Array, this.p));
  }

  /** A new estimator of the union of this one and `others` (same p; differing sp merge densely). */
  merge(others: readonly HyperLogLogPlus[]): HyperLogLogPlus {
    const out = new HyperLogLogPlus(this.p, this.sp);
    out.absorb(this);
    for (const o of others) {
      if (o.p !== this.p) fail(`Unable to merge estimators: precision ${o.p} differs from ${this.p}`);
      out.absorb(o);
    }
    return out;
  }

  /** Whether the sparse representation is in use. */
  get isSparse(): boolean {
    return this.sparse !== null;
  }

  toJSON(): Record<string, unknown> {
    return { p: this.p, sp: this.sp, cardinality: this.cardinality() };
  }

  private absorb(o: HyperLogLogPlus): void {
    if (this.sparse !== null && o.sparse !== null && o.sp === this.sp) {
      for (const [idx, r] of o.sparse) {
        const old = this.sparse.get(idx);
        if (old === undefined || r > old) this.sparse.set(idx, r);
      }
      if (this.sparse.size > this.sparseLimit()) this.toDense();
      return;
    }
    if (this.sparse !== null) this.toDense();
    const regs = this.registers as Uint8Array;
    const theirs = o.denseRegisters();
    for (let i = 0; i < regs.length; i++)
      if ((theirs[i] as number) > (regs[i] as number)) regs[i] = theirs[i] as number;
  }

  /** Sparse entries beyond this many cost more than the registers they stand for. */
  private sparseLimit(): number {
    return (1 << this.p) * 0.75;
  }

  private toDense(): void {
    this.registers = this.denseRegisters();
    this.sparse = null;
  }

  /** The registers at precision p (a fresh array when sparse, else the live one). */
  private denseRegisters(): Uint8Array {
    if (this.sparse === null) return this.registers as Uint8Array;
    const regs = new Uint8Array(1 << this.p);
    const extra = this.sp - this.p;
    const mask = extra === 0 ? 0 : (1 << extra) - 1;
    for (const [idx, r] of this.sparse) {
      const i = idx >>> extra;
      const middle = idx & mask;
      // The bits between p and sp start the dense suffix: its rank comes from them when any is
      // set, otherwise they are `extra` more leading zeros before the sparse suffix.
      const dense = middle !== 0 ? Math.clz32(middle) - (32 - extra) + 1 : extra + r;
      if (dense > (regs[i] as number)) regs[i] = dense;
    }
    return regs;
  }
}

/** Registers grow as 2^p bytes; past this the memory is not worth it. */
const MAX_P = 24;

const HASH = new Uint32Array(2);

/** 1 + the number of leading zeros of the 64-bit hash after its first `bits` bits. */
function rank(hi: number, lo: number, bits: number): number {
  const rest = bits === 32 ? 0 : (hi << bits) >>> 0;
  if (rest !== 0) return Math.clz32(rest) + 1;
  return 32 - bits + Math.clz32(lo) + 1;
}

/** Ertl's improved raw estimate from the register histogram. */
function estimate(regs: Uint8Array, p: number): number {
  const m = regs.length;
  const q = 64 - p;
  const hist = new Float64Array(q + 2);
  for (let i = 0; i < m; i++) {
    const r = regs[i] as number;
    hist[r] = (hist[r] as number) + 1;
  }
  let z = m * tau(1 - (hist[q + 1] as number) / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + (hist[k] as number));
  z += m * sigma((hist[0] as number) / m);
  return (m * m) / (2 * Math.LN2 * z);
}

function sigma(x0: number): number {
  if (x0 === 1) return Number.POSITIVE_INFINITY;
  let x = x0;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z !== prev);
  return z;
}

function tau(x0: number): number {
  if (x0 === 0 || x0 === 1) return 0;
  let x = x0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== prev);
  return z / 3;
}
