import { describe, expect, it } from 'vitest';
import { compile, StellarError, toJson, type Value } from '#stellar';
import { BloomFilter } from '../../../stellar/functions/stats/bloom.js';
import { HyperLogLogPlus } from '../../../stellar/functions/stats/hll.js';
import { JavaRandom } from '../../../stellar/functions/stats/java-random.js';
import { MadState } from '../../../stellar/functions/stats/mad.js';
import { OnlineStats } from '../../../stellar/functions/stats/online-stats.js';
import { ReservoirSampler } from '../../../stellar/functions/stats/reservoir.js';
import { TDigest } from '../../../stellar/functions/stats/tdigest.js';
import { asNumber, gaussians } from '../../helpers/stellar.js';

const run = (expr: string, vars: Record<string, unknown> = {}): Value => compile(expr).evaluate(vars);

function uniforms(n: number, seed: number): number[] {
  const rng = new JavaRandom(seed);
  return Array.from({ length: n }, () => rng.nextDouble());
}

/** The exact q-quantile by rank interpolation (what t-digest approximates): sorted[q·(n−1)]. */
function exactQuantile(sorted: Float64Array, q: number): number {
  const index = q * (sorted.length - 1);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (index - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** The fraction of the sorted values ≤ x. */
function rankOf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

describe('t-digest', () => {
  it('is exact on small streams (each value its own centroid)', () => {
    const d = new TDigest(150);
    const data = [70, 10, 60, 20, 50, 30, 40];
    for (const x of data) d.add(x);
    const sorted = Float64Array.from(data).sort();
    for (const q of [0, 0.009, 0.1, 0.25, 0.5, 0.77, 0.9, 1])
      expect(d.quantile(q), String(q)).toBeCloseTo(exactQuantile(sorted, q), 12);
    expect(d.centroidCount()).toBe(7);
  });

  it('is NaN when empty, a lone value otherwise, and refuses q outside [0, 1]', () => {
    const d = new TDigest();
    expect(d.quantile(0.5)).toBeNaN();
    d.add(Number.NaN);
    expect(d.count).toBe(0);
    d.add(4);
    expect(d.quantile(0)).toBe(4);
    expect(d.quantile(1)).toBe(4);
    expect(() => d.quantile(1.01)).toThrow(RangeError);
    expect(() => d.quantile(-0.01)).toThrow(RangeError);
  });

  const shapes: Array<[string, number[]]> = [
    ['normal', gaussians(1_000_000, 0)],
    ['uniform', uniforms(300_000, 7)],
    ['exponential', uniforms(300_000, 11).map((u) => -Math.log(1 - u))],
  ];
  for (const [shape, data] of shapes) {
    it(`estimates ${shape} percentiles within a tolerance (${data.length} seeded values), merged or not`, () => {
      const sorted = Float64Array.from(data).sort();
      const whole = new TDigest(150);
      const parts = Array.from({ length: 10 }, () => new TDigest(150));
      data.forEach((x, i) => {
        whole.add(x);
        (parts[i % 10] as TDigest).add(x);
      });
      const merged = new TDigest(150);
      for (const p of parts) merged.addDigest(p);
      for (const digest of [whole, merged]) {
        expect(digest.count).toBe(data.length);
        expect(digest.centroidCount()).toBeLessThan(300);
        expect(digest.quantile(0)).toBe(sorted[0]);
        expect(digest.quantile(1)).toBe(sorted[sorted.length - 1]);
        for (const q of [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]) {
          const estimate = digest.quantile(q);
          // Rank error: the estimate sits at a rank within 0.3% of q (far tighter at the tails).
          const allowed = q < 0.05 || q > 0.95 ? 0.0005 : 0.003;
          expect(Math.abs(rankOf(sorted, estimate) - q), `${shape} q=${q}`).toBeLessThan(allowed);
        }
        if (shape === 'normal') {
          // Metron's own bar for the online provider: percentiles 10..90 within 1e-2 of exact.
          for (let p = 10; p < 100; p += 10) {
            expect(
              Math.abs(digest.quantile(p / 100) - exactQuantile(sorted, p / 100)),
              `p=${p}`,
            ).toBeLessThan(1e-2);
          }
        }
      }
    });
  }

  it('is deterministic: the same values in the same order give the same quantiles', () => {
    const data = gaussians(50_000, 3);
    const a = new TDigest();
    const b = new TDigest();
    for (const x of data) {
      a.add(x);
      b.add(x);
    }
    for (const q of [0.1, 0.5, 0.9]) expect(a.quantile(q)).toBe(b.quantile(q));
  });

  it('feeds STATS_PERCENTILE on online statistics', () => {
    const data = gaussians(20_000, 5);
    const stats = run('STATS_ADD(STATS_INIT(), data)', { data });
    const sorted = Float64Array.from(data).sort();
    for (const p of [5, 50, 95]) {
      const estimate = asNumber(run('STATS_PERCENTILE(stats, p)', { stats, p }));
      expect(Math.abs(rankOf(sorted, estimate) - p / 100)).toBeLessThan(0.005);
    }
  });
});

describe('HLLP_*', () => {
  const distinct = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('counts small sets (sparse) nearly exactly', () => {
    for (const n of [1, 3, 10, 100, 1000, 5000]) {
      const h = new HyperLogLogPlus();
      for (const v of distinct(n, 'x')) h.add(v);
      for (const v of distinct(n, 'x')) h.add(v);
      expect(h.isSparse, String(n)).toBe(true);
      expect(Math.abs(h.cardinality() - n), String(n)).toBeLessThanOrEqual(Math.max(1, n * 0.002));
    }
  });

  it('stays within three standard errors (1.04/√2^p) from tens to a million distinct values', () => {
    for (const [p, sp] of [
      [14, 25],
      [10, 0],
      [12, 20],
    ] as const) {
      const h = new HyperLogLogPlus(p, sp);
      const bound = 3 * (1.04 / Math.sqrt(2 ** p));
      let added = 0;
      for (const target of [50, 500, 5_000, 50_000, 300_000, 1_000_000]) {
        while (added < target) h.add(`item-${added++}`);
        const err = Math.abs(h.cardinality() - target) / target;
        expect(err, `p=${p} sp=${sp} n=${target}`).toBeLessThan(bound);
      }
      expect(h.isSparse).toBe(false);
    }
  });

  it('is unbiased with the expected spread over 60 independent estimators (dense, p=10)', () => {
    const n = 20_000;
    const errors: number[] = [];
    for (let t = 0; t < 60; t++) {
      const h = new HyperLogLogPlus(10, 0);
      for (let i = 0; i < n; i++) h.add(`${t}:${i}`);
      errors.push((h.cardinality() - n) / n);
    }
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const rms = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / errors.length);
    const sigma = 1.04 / Math.sqrt(1024);
    expect(Math.abs(mean)).toBeLessThan((3 * sigma) / Math.sqrt(60));
    expect(rms).toBeGreaterThan(sigma * 0.6);
    expect(rms).toBeLessThan(sigma * 1.4);
  });

  it('hashes values by their Java string form (1 and "1" are one item; 1.0 is another)', () => {
    expect(asNumber(run("HLLP_CARDINALITY(HLLP_ADD(HLLP_ADD(HLLP_ADD(HLLP_INIT(), 1), '1'), 1.0))"))).toBe(2);
  });

  it('merges into a new estimator of the union, leaving the inputs alone', () => {
    const a = run('HLLP_ADD(HLLP_INIT(), xs)', { xs: distinct(40_000, 'a') });
    const b = run('HLLP_ADD(HLLP_INIT(), xs)', { xs: [...distinct(20_000, 'a'), ...distinct(40_000, 'b')] });
    const m = run('HLLP_MERGE([a, b])', { a, b });
    expect(m).not.toBe(a);
    expect(Math.abs(asNumber(run('HLLP_CARDINALITY(m)', { m })) - 80_000) / 80_000).toBeLessThan(0.025);
    expect(Math.abs(asNumber(run('HLLP_CARDINALITY(a)', { a })) - 40_000) / 40_000).toBeLessThan(0.025);
    expect(Math.abs(asNumber(run('HLLP_CARDINALITY(b)', { b })) - 60_000) / 60_000).toBeLessThan(0.025);
  });

  it('merges sparse estimators exactly and a sparse with a dense one', () => {
    const s1 = run("HLLP_ADD(HLLP_INIT(5, 6), ['item-1', 'item-2'])");
    const s2 = run("HLLP_ADD(HLLP_INIT(5, 6), 'item-3')");
    expect(asNumber(run('HLLP_CARDINALITY(HLLP_MERGE([s1, s2]))', { s1, s2 }))).toBe(3);
    const s3 = run("HLLP_ADD(HLLP_INIT(5, 6), 'item-4')");
    expect(asNumber(run('HLLP_CARDINALITY(HLLP_MERGE([s1, s2, s3]))', { s1, s2, s3 }))).toBe(4);
    const sparse = new HyperLogLogPlus(12, 20);
    const dense = new HyperLogLogPlus(12, 0);
    for (const v of distinct(500, 's')) sparse.add(v);
    for (const v of distinct(5000, 'd')) dense.add(v);
    const union = sparse.merge([dense]);
    expect(Math.abs(union.cardinality() - 5500) / 5500).toBeLessThan(0.05);
    expect(sparse.isSparse).toBe(true);
  });

  it('follows Metron on null, single and empty arguments', () => {
    const h = run("HLLP_ADD(HLLP_INIT(), 'a')");
    expect(run('HLLP_MERGE([h])', { h })).toBe(h);
    expect(run('HLLP_MERGE(h)', { h })).toBe(h);
    expect(run('HLLP_MERGE([])')).toBeNull();
    expect(run('HLLP_MERGE(null)')).toBeNull();
    expect(asNumber(run('HLLP_CARDINALITY()'))).toBe(0);
    expect(asNumber(run("HLLP_CARDINALITY('x')"))).toBe(0);
    expect(toJson(run('HLLP_CARDINALITY(h)', { h }))).toBe(1);
    expect(() => run('HLLP_MERGE()')).toThrow(StellarError);
    expect(() => run('HLLP_MERGE(h, h)', { h })).toThrow(StellarError);
    expect(() => run("HLLP_ADD(HLLP_INIT(), ['a', null])")).toThrow(StellarError);
    expect(() => run('HLLP_ADD(HLLP_INIT())')).toThrow(StellarError);
    expect(() => run("HLLP_MERGE([h, 'x'])", { h })).toThrow(StellarError);
  });

  it('validates precisions as stream-lib does', () => {
    expect((run('HLLP_INIT()') as HyperLogLogPlus).sp).toBe(25);
    expect((run('HLLP_INIT()') as HyperLogLogPlus).p).toBe(14);
    expect((run('HLLP_INIT(5)') as HyperLogLogPlus).sp).toBe(0);
    expect((run("HLLP_INIT('12', 20)") as HyperLogLogPlus).p).toBe(12);
    expect(() => run('HLLP_INIT(3)')).toThrow(StellarError);
    expect(() => run('HLLP_INIT(10, 32)')).toThrow(StellarError);
    expect(() => run('HLLP_INIT(null)')).toThrow(/Unable to get p value from 'null'/);
    expect(() => run("HLLP_INIT(10, 'x')")).toThrow(/Unable to get sp value/);
  });
});

describe('BLOOM_*', () => {
  for (const [expected, fpp] of [
    [10_000, 0.01],
    [20_000, 0.001],
    [5_000, 0.05],
  ] as const) {
    it(`has no false negatives and a false-positive rate near ${fpp} (n=${expected})`, () => {
      const filter = new BloomFilter(expected, fpp);
      for (let i = 0; i < expected; i++) filter.add(`in-${i}`);
      for (let i = 0; i < expected; i++) expect(filter.mightContain(`in-${i}`)).toBe(true);
      const probes = 200_000;
      let hits = 0;
      for (let i = 0; i < probes; i++) if (filter.mightContain(`out-${i}`)) hits++;
      const rate = hits / probes;
      expect(rate).toBeGreaterThan(fpp * 0.5);
      expect(rate).toBeLessThan(fpp * 1.5);
    });
  }

  it('sizes filters as Guava (100000 values at 1% by default)', () => {
    expect(toJson(run('BLOOM_INIT()'))).toEqual({ bits: 958528, hashes: 7 });
    expect(toJson(run('BLOOM_INIT(1000, 0.001)'))).toEqual({ bits: 14400, hashes: 10 });
    expect(() => run('BLOOM_INIT(-1, 0.01)')).toThrow(StellarError);
    expect(() => run('BLOOM_INIT(10, 0)')).toThrow(StellarError);
    expect(() => run("BLOOM_INIT('x', 0.01)")).toThrow(StellarError);
  });

  it('hashes by Java string form and skips nulls when adding', () => {
    const f = run('BLOOM_ADD(BLOOM_INIT(1000, 0.0001), 42, null)');
    expect(run("BLOOM_EXISTS(f, '42')", { f })).toBe(true);
    expect(run('BLOOM_EXISTS(f, null)', { f })).toBe(false);
    expect(run('BLOOM_EXISTS(f)', { f })).toBe(false);
    expect(run('BLOOM_EXISTS()')).toBe(false);
    expect(run('BLOOM_ADD(null)')).toBeNull();
    expect(() => run("BLOOM_ADD('f', 1)")).toThrow(StellarError);
  });

  it('merges filters of one size into the first (as Metron), with no false negatives', () => {
    const a = run('BLOOM_ADD(BLOOM_INIT(1000, 0.01), xs)', { xs: [] });
    const xs = Array.from({ length: 500 }, (_, i) => `a${i}`);
    const ys = Array.from({ length: 500 }, (_, i) => `b${i}`);
    const fa = new BloomFilter(1000, 0.01);
    const fb = new BloomFilter(1000, 0.01);
    for (const x of xs) fa.add(x);
    for (const y of ys) fb.add(y);
    const merged = run("BLOOM_MERGE(['x', fa, null, fb])", { fa, fb });
    expect(merged).toBe(fa);
    for (const v of [...xs, ...ys]) expect(fa.mightContain(v)).toBe(true);
    expect(run('BLOOM_MERGE(a)', { a })).toBeNull();
    expect(run('BLOOM_MERGE()')).toBeNull();
    expect(() => run('BLOOM_MERGE([fa, fa])', { fa })).toThrow(StellarError);
  });
});

describe('SAMPLE_*', () => {
  it("draws as Metron's sampler does (java.util.Random seeded 0)", () => {
    const r = new JavaRandom(0);
    expect(r.nextInt()).toBe(-1155484576);
    const bounded = new JavaRandom(0);
    expect(Array.from({ length: 10 }, () => bounded.nextIntBelow(100))).toEqual([
      60, 48, 29, 47, 15, 53, 91, 61, 19, 54,
    ]);
    expect(new JavaRandom(0).nextDouble()).toBe(0.730967787376657);
  });

  it('keeps a uniform sample without replacement', () => {
    const s = new ReservoirSampler(1000);
    const n = 100_000;
    for (let i = 0; i < n; i++) s.add(i);
    const sample = s.sample() as number[];
    expect(sample).toHaveLength(1000);
    expect(new Set(sample).size).toBe(1000);
    expect(s.offered).toBe(n);
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    // Standard error of the mean ≈ n/√12/√1000 ≈ 913; allow four of them.
    expect(Math.abs(mean - n / 2)).toBeLessThan(4 * 913);
    const deciles = new Array(10).fill(0) as number[];
    for (const x of sample)
      deciles[Math.floor((x / n) * 10)] = (deciles[Math.floor((x / n) * 10)] as number) + 1;
    for (const d of deciles) expect(Math.abs(d - 100)).toBeLessThan(45);
  });

  it('is reproducible: the same stream gives the same sample', () => {
    const values = Array.from({ length: 5000 }, (_, i) => i);
    const a = run('SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(10), values))', { values });
    const b = run('SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(10), values))', { values });
    expect(a).toEqual(b);
    expect(new Set(a as number[]).size).toBe(10);
  });

  it('merges into a resample whose mean tracks the whole stream (Metron SamplerFunctionsTest)', () => {
    const data = uniforms(100_000, 0).map((u) => 10 * u);
    const samplers: ReservoirSampler[] = [];
    for (let i = 0; i < 10; i++) {
      const s = new ReservoirSampler(1000);
      for (const x of data.slice(i * 10_000, (i + 1) * 10_000)) s.add(x);
      samplers.push(s);
    }
    const whole = asNumber(
      run('STATS_MEAN(STATS_ADD(STATS_INIT(), SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(10000), data))))', { data }),
    );
    const merged = asNumber(
      run('STATS_MEAN(STATS_ADD(STATS_INIT(), SAMPLE_GET(SAMPLE_MERGE(samplers))))', { samplers }),
    );
    expect(Math.abs(whole - merged)).toBeLessThan(0.1);
    const small = run('SAMPLE_MERGE(samplers, SAMPLE_INIT(10))', { samplers }) as ReservoirSampler;
    expect(small.size).toBe(10);
    expect(small.sample()).toHaveLength(10);
  });

  it('follows Metron on sizes, nulls and bad arguments', () => {
    expect((run('SAMPLE_INIT()') as ReservoirSampler).size).toBe(1024);
    expect((run('SAMPLE_INIT(null)') as ReservoirSampler).size).toBe(1024);
    expect((run("SAMPLE_INIT('7')") as ReservoirSampler).size).toBe(7);
    expect((run("SAMPLE_ADD(null, 'blah')") as ReservoirSampler).sample()).toEqual(['blah']);
    expect(run('SAMPLE_ADD()')).toBeNull();
    expect(run('SAMPLE_GET()')).toBeNull();
    expect(run('SAMPLE_GET(null)')).toBeNull();
    expect(run('SAMPLE_MERGE(null)')).toBeNull();
    expect(() => run('SAMPLE_INIT(0)')).toThrow(StellarError);
    expect(() => run("SAMPLE_INIT('x')")).toThrow(StellarError);
    expect(() => run('SAMPLE_ADD(SAMPLE_INIT())')).toThrow(StellarError);
    expect(() => run("SAMPLE_ADD('s', 1)")).toThrow(StellarError);
    expect(() => run("SAMPLE_GET('s')")).toThrow(StellarError);
    expect(() => run("SAMPLE_MERGE(['s'])")).toThrow(StellarError);
  });
});

describe('OUTLIER_MAD_*', () => {
  it("flags Metron's outliers on 10,000 seeded normal values with rolling ticks (MedianAbsoluteDeviationTest)", () => {
    const data = gaussians(10_000, 0);
    const states: MadState[] = [];
    let current = run('OUTLIER_MAD_STATE_MERGE(states, NULL)', { states: [] }) as MadState;
    for (let i = 0, j = 0; i < data.length; i++, j++) {
      run('OUTLIER_MAD_ADD(current, d)', { current, d: data[i] });
      if (j >= 1000) {
        j = 0;
        states.push(current);
        const window = states.slice(Math.max(0, states.length - 5), states.length - 1);
        current = run('OUTLIER_MAD_STATE_MERGE(window, current)', { window, current }) as MadState;
      }
    }
    const whole = new OnlineStats();
    for (const d of data) whole.addValue(d);
    const score = (value: number) => asNumber(run('OUTLIER_MAD_SCORE(current, value)', { current, value }));
    expect(score(whole.getMin())).toBeGreaterThan(3.5);
    expect(score(whole.getMax())).toBeGreaterThan(3.5);
    expect(score(whole.getMean() + 4 * whole.getStandardDeviation())).toBeGreaterThan(3.5);
    expect(score(whole.getMean() - 4 * whole.getStandardDeviation())).toBeGreaterThan(3.5);
    expect(score(whole.getMean())).toBeLessThan(3.5);
  });

  it('computes the modified z-score against the running median and MAD', () => {
    const s = run('OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), [1, 2, 3, 4, 5])');
    // Deviations from the running median: 1, 1.5, 2, 2.5 → MAD 1.75; the median of 1..5 is 3.
    expect(asNumber(run('OUTLIER_MAD_SCORE(s, 10)', { s }))).toBeCloseTo((0.6745 * 7) / 1.75, 12);
    expect(asNumber(run('OUTLIER_MAD_SCORE(s, 10, 2)', { s }))).toBeCloseTo((2 * 7) / 1.75, 12);
    expect(asNumber(run('OUTLIER_MAD_SCORE(s, 10, null)', { s }))).toBeCloseTo((0.6745 * 7) / 1.75, 12);
    expect(asNumber(run('OUTLIER_MAD_SCORE(s, null)', { s }))).toBeNaN();
    expect(run('OUTLIER_MAD_ADD(s, NaN)', { s })).toBe(s);
    expect(toJson(s)).toEqual({ count: 5, median: 3, mad: 1.75 });
  });

  it("shares the current tick as the next window when no earlier states are given (Metron's aliasing)", () => {
    const s = run('OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), [1, 2, 3])') as MadState;
    const next = run('OUTLIER_MAD_STATE_MERGE([], s)', { s }) as MadState;
    expect(next.windowMedian).toBe(s.tickMedian);
    expect(next.tickMedian.getCount()).toBe(0);
    const merged = run('OUTLIER_MAD_STATE_MERGE([s], s)', { s }) as MadState;
    expect(merged.windowMedian.getCount()).toBe(6);
  });

  it('refuses what is not a state or a number', () => {
    expect(() => run("OUTLIER_MAD_STATE_MERGE('x')")).toThrow(StellarError);
    expect(() => run('OUTLIER_MAD_STATE_MERGE([1])')).toThrow(StellarError);
    expect(() => run("OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), 'x')")).toThrow(StellarError);
    expect(() => run("OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), [1, 'x'])")).toThrow(StellarError);
    expect(() => run("OUTLIER_MAD_SCORE('s', 1)")).toThrow(StellarError);
    expect(() => run("OUTLIER_MAD_SCORE(OUTLIER_MAD_STATE_MERGE([]), 1, 'x')")).toThrow(StellarError);
    expect(run('OUTLIER_MAD_STATE_MERGE(null)')).toBeInstanceOf(MadState);
  });
});
