import { fail } from '../types.js';
import { TDigest } from './tdigest.js';

/**
 * Metron's statistics providers (`STATS_INIT`): what `STATS_*` read. Two kinds, as in Metron:
 * {@link OnlineStats} (window 0) keeps running moments and a t-digest and can be merged;
 * {@link WindowedStats} (window > 0) keeps the last `window` raw values and answers as
 * commons-math's DescriptiveStatistics does. A read-out a kind cannot give raises, as Metron's do.
 */
export abstract class StatisticsProvider {
  abstract addValue(value: number): void;
  abstract getCount(): number;
  abstract getMin(): number;
  abstract getMax(): number;
  abstract getMean(): number;
  abstract getSum(): number;
  abstract getVariance(): number;
  abstract getStandardDeviation(): number;
  abstract getGeometricMean(): number;
  abstract getPopulationVariance(): number;
  abstract getQuadraticMean(): number;
  abstract getSumLogs(): number;
  abstract getSumSquares(): number;
  abstract getKurtosis(): number;
  abstract getSkewness(): number;
  /** The p'th percentile, 0 < p ≤ 100. */
  abstract getPercentile(p: number): number;
  /** A provider summarising both (Metron: online only). */
  abstract merge(other: StatisticsProvider): StatisticsProvider;

  /** The smallest value (what `MIN(stats)` returns). */
  min(): number {
    return this.getMin();
  }

  /** The largest value (what `MAX(stats)` returns). */
  max(): number {
    return this.getMax();
  }

  /** A summary for printing. */
  toJSON(): Record<string, number> {
    return {
      count: this.getCount(),
      sum: this.getSum(),
      mean: this.getMean(),
      min: this.getMin(),
      max: this.getMax(),
      variance: this.getVariance(),
    };
  }
}

const isInfinite = (v: number): boolean => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY;

/** Metron's t-digest compression for online statistics. */
export const COMPRESSION = 150;

/**
 * Running moments (Welford/Pébay updates, as Metron's OnlineStatisticsProvider) plus a t-digest
 * for percentiles. Constant memory; mergeable. Population variance and geometric mean are not
 * offered (Metron refuses them too).
 */
export class OnlineStats extends StatisticsProvider {
  private n = 0;
  private sum = 0;
  private sumOfSquares = 0;
  private sumOfLogs = 0;
  private lo: number | null = null;
  private hi: number | null = null;
  // M1 is the mean; M2..M4 are the sums of the 2nd..4th powers of deviations from it.
  private m1 = 0;
  private m2 = 0;
  private m3 = 0;
  private m4 = 0;
  private digest = new TDigest(COMPRESSION);

  addValue(value: number): void {
    const n1 = this.n;
    this.lo = this.lo === null ? value : Math.min(this.lo, value);
    this.hi = this.hi === null ? value : Math.max(this.hi, value);
    this.sum += value;
    this.sumOfLogs += Math.log(value);
    this.sumOfSquares += value * value;
    this.digest.add(value);
    const n = ++this.n;
    const delta = value - this.m1;
    const deltaN = delta / n;
    const deltaN2 = deltaN * deltaN;
    const term1 = delta * deltaN * n1;
    this.m1 += deltaN;
    this.m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * this.m2 - 4 * deltaN * this.m3;
    this.m3 += term1 * deltaN * (n - 2) - 3 * deltaN * this.m2;
    this.m2 += term1;
    this.checkFlow(this.sum);
  }

  /** Metron's guard: an infinite moment or a vanished sum of squares ends the stream with an error. */
  private checkFlow(sum: number): void {
    if (
      isInfinite(this.sumOfSquares) ||
      isInfinite(this.m1) ||
      isInfinite(this.m2) ||
      isInfinite(this.m3) ||
      isInfinite(this.m4)
    ) {
      fail('Double overflow!');
    }
    if (this.sumOfSquares === 0 && sum > 0) fail('Double overflow!');
  }

  getCount(): number {
    return this.n;
  }
  getMin(): number {
    return this.lo ?? Number.NaN;
  }
  getMax(): number {
    return this.hi ?? Number.NaN;
  }
  getMean(): number {
    return this.sum / this.n;
  }
  getSum(): number {
    return this.sum;
  }
  getVariance(): number {
    return this.m2 / (this.n - 1);
  }
  getStandardDeviation(): number {
    return Math.sqrt(this.getVariance());
  }
  getGeometricMean(): number {
    return fail('Unwilling to compute the geometric mean.');
  }
  getPopulationVariance(): number {
    // Metron's message, copy-pasted there from the geometric mean.
    return fail('Unwilling to compute the geometric mean.');
  }
  getQuadraticMean(): number {
    return Math.sqrt(this.sumOfSquares / this.n);
  }
  getSumLogs(): number {
    return this.sumOfLogs;
  }
  getSumSquares(): number {
    return this.sumOfSquares;
  }

  /** Unbiased excess kurtosis, NaN below 4 values. */
  getKurtosis(): number {
    const n = this.n;
    if (n < 4) return Number.NaN;
    const std = this.getStandardDeviation();
    const t1 = (n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3));
    const t3 = (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
    return t1 * (this.m4 / std ** 4) - t3;
  }

  /** Unbiased skewness, NaN below 3 values. */
  getSkewness(): number {
    const n = this.n;
    if (n < 3) return Number.NaN;
    const t1 = n / ((n - 1) * (n - 2));
    return (t1 * this.m3) / this.getStandardDeviation() ** 3;
  }

  /** Approximate, from the t-digest; p outside [0, 100] is an error. */
  getPercentile(p: number): number {
    try {
      return this.digest.quantile(p / 100);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  }

  merge(other: StatisticsProvider): StatisticsProvider {
    if (!(other instanceof OnlineStats))
      fail('Only online statistics (STATS_INIT() or STATS_INIT(0)) can be merged');
    const b = other;
    const c = new OnlineStats();
    const n = this.n + b.n;
    c.n = n;
    c.sum = this.sum + b.sum;
    // Metron keeps the first side's min/max when either is empty, losing the other's; take both.
    c.lo = this.lo === null ? b.lo : b.lo === null ? this.lo : Math.min(this.lo, b.lo);
    c.hi = this.hi === null ? b.hi : b.hi === null ? this.hi : Math.max(this.hi, b.hi);
    c.sumOfSquares = this.sumOfSquares + b.sumOfSquares;
    c.sumOfLogs = this.sumOfLogs + b.sumOfLogs;
    if (n > 0) {
      // Pébay's pairwise combination of central moments.
      const delta = b.m1 - this.m1;
      const delta2 = delta * delta;
      const delta3 = delta * delta2;
      const delta4 = delta2 * delta2;
      c.m1 = (this.n * this.m1 + b.n * b.m1) / n;
      c.m2 = this.m2 + b.m2 + (delta2 * this.n * b.n) / n;
      c.m3 = this.m3 + b.m3 + (delta3 * this.n * b.n * (this.n - b.n)) / (n * n);
      c.m3 += (3 * delta * (this.n * b.m2 - b.n * this.m2)) / n;
      c.m4 =
        this.m4 + b.m4 + (delta4 * this.n * b.n * (this.n * this.n - this.n * b.n + b.n * b.n)) / (n * n * n);
      c.m4 +=
        (6 * delta2 * (this.n * this.n * b.m2 + b.n * b.n * this.m2)) / (n * n) +
        (4 * delta * (this.n * b.m3 - b.n * this.m3)) / n;
    }
    c.digest.addDigest(this.digest);
    c.digest.addDigest(b.digest);
    c.checkFlow(c.sum);
    return c;
  }
}

/**
 * The last `window` values, with commons-math DescriptiveStatistics' estimators (two-pass mean
 * and variance, exact percentiles by its default "legacy" method). Cannot be merged, and has no
 * sum of logs (Metron refuses both).
 */
export class WindowedStats extends StatisticsProvider {
  /** A ring buffer once full: `values[start]` is the oldest. */
  private readonly values: number[] = [];
  private start = 0;

  constructor(readonly window: number) {
    super();
  }

  addValue(value: number): void {
    if (this.values.length < this.window) {
      this.values.push(value);
    } else {
      this.values[this.start] = value;
      this.start = (this.start + 1) % this.window;
    }
  }

  getCount(): number {
    return this.values.length;
  }

  /** Smallest value; NaNs are skipped unless everything is NaN (commons-math's Min). */
  getMin(): number {
    const v = this.values;
    if (v.length === 0) return Number.NaN;
    let min = v[0] as number;
    // A ternary, not Math.min: a NaN first value must give way to the next real one.
    // biome-ignore lint/complexity/useMathMinMax: NaN handling differs
    for (const x of v) if (!Number.isNaN(x)) min = min < x ? min : x;
    return min;
  }

  getMax(): number {
    const v = this.values;
    if (v.length === 0) return Number.NaN;
    let max = v[0] as number;
    // biome-ignore lint/complexity/useMathMinMax: NaN handling differs (see getMin)
    for (const x of v) if (!Number.isNaN(x)) max = max > x ? max : x;
    return max;
  }

  getMean(): number {
    const v = this.values;
    const n = v.length;
    if (n === 0) return Number.NaN;
    let sum = 0;
    for (const x of v) sum += x;
    const xbar = sum / n;
    let correction = 0;
    for (const x of v) correction += x - xbar;
    return xbar + correction / n;
  }

  getSum(): number {
    let sum = 0;
    for (const x of this.values) sum += x;
    return sum;
  }

  getVariance(): number {
    return this.variance(true);
  }

  getPopulationVariance(): number {
    return this.variance(false);
  }

  private variance(biasCorrected: boolean): number {
    const v = this.values;
    const n = v.length;
    if (n === 0) return Number.NaN;
    if (n === 1) return 0;
    const m = this.getMean();
    let accum = 0;
    let accum2 = 0;
    for (const x of v) {
      const d = x - m;
      accum += d * d;
      accum2 += d;
    }
    return (accum - (accum2 * accum2) / n) / (biasCorrected ? n - 1 : n);
  }

  getStandardDeviation(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    return n > 1 ? Math.sqrt(this.getVariance()) : 0;
  }

  getGeometricMean(): number {
    let sumLogs = 0;
    for (const x of this.values) sumLogs += Math.log(x);
    return Math.exp(sumLogs / this.values.length);
  }

  getQuadraticMean(): number {
    const n = this.values.length;
    return n > 0 ? Math.sqrt(this.getSumSquares() / n) : Number.NaN;
  }

  getSumLogs(): number {
    return fail("sum logs not available if 'windowSize' > 0");
  }

  getSumSquares(): number {
    let sum = 0;
    for (const x of this.values) sum += x * x;
    return sum;
  }

  /** Unbiased excess kurtosis from an incremental mean and variance, NaN below 4 values. */
  getKurtosis(): number {
    const v = this.values;
    const n = v.length;
    if (n <= 3) return Number.NaN;
    let mean = 0;
    let m2 = 0;
    let k = 0;
    for (const x of v) {
      k++;
      const d = x - mean;
      const dn = d / k;
      mean += dn;
      m2 += (k - 1) * d * dn;
    }
    const std = Math.sqrt(m2 / (n - 1));
    let accum = 0;
    for (const x of v) accum += (x - mean) ** 4;
    accum /= std ** 4;
    const coefficientOne = (n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3));
    const termTwo = (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
    return coefficientOne * accum - termTwo;
  }

  /** Unbiased skewness, NaN below 3 values. */
  getSkewness(): number {
    const v = this.values;
    const n = v.length;
    if (n <= 2) return Number.NaN;
    const m = this.getMean();
    let accum = 0;
    let accum2 = 0;
    for (const x of v) {
      const d = x - m;
      accum += d * d;
      accum2 += d;
    }
    const variance = (accum - (accum2 * accum2) / n) / (n - 1);
    let accum3 = 0;
    for (const x of v) {
      const d = x - m;
      accum3 += d * d * d;
    }
    accum3 /= variance * Math.sqrt(variance);
    return (n / ((n - 1) * (n - 2))) * accum3;
  }

  /** commons-math's legacy estimate: position p(n+1)/100 in the sorted values, interpolated. */
  getPercentile(p: number): number {
    if (!(p > 0 && p <= 100)) fail(`out of bounds quantile value: ${p}, must be in (0, 100]`);
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    if (n === 1) return this.values[0] as number;
    const sorted = Float64Array.from(this.values).sort();
    const pos = (p * (n + 1)) / 100;
    const fpos = Math.floor(pos);
    const dif = pos - fpos;
    if (pos < 1) return sorted[0] as number;
    if (pos >= n) return sorted[n - 1] as number;
    const lower = sorted[fpos - 1] as number;
    const upper = sorted[fpos] as number;
    return lower + dif * (upper - lower);
  }

  merge(): StatisticsProvider {
    return fail('Windowed Statistics cannot be merged.');
  }
}
