import { double, isNumber, num, numValue, toJavaString, typeName, type Value } from '../values.js';
import { BloomFilter } from './stats/bloom.js';
import { toDouble, toInt } from './stats/convert.js';
import { HyperLogLogPlus } from './stats/hll.js';
import { MadState } from './stats/mad.js';
import { OnlineStats, StatisticsProvider, WindowedStats } from './stats/online-stats.js';
import { DEFAULT_SAMPLE_SIZE, ReservoirSampler } from './stats/reservoir.js';
import { type FunctionDef, fail } from './types.js';

/**
 * Metron's statistics and sketch functions (metron-statistics, plus stellar-common's Bloom
 * filters): summary statistics (`STATS_*`), binning, HyperLogLog++ distinct counts, Bloom
 * filters, entropy, median-absolute-deviation outlier scores and reservoir sampling.
 *
 * Functions that make or change a sketch (`*_INIT`, `*_ADD`, `*_MERGE`) are declared impure
 * although they read no clock: the sketch they return is mutable, and a pure call of constants
 * would be folded into one object shared by every evaluation (`STATS_ADD(STATS_INIT(), x)` would
 * then accumulate across events). Read-outs are pure.
 */

// ---------------------------------------------------------------------------------------------
// STATS_*

/** The statistics object of argument 0, null when null; anything else is an error (a Java cast). */
function statsArg(v: Value | undefined): StatisticsProvider | null {
  if (v === null || v === undefined) return null;
  if (v instanceof StatisticsProvider) return v;
  return fail(`expected a statistics object, got ${typeName(v)}`);
}

/** `STATS_INIT`'s window: a numeric first argument > 0 makes a rolling window, else online. */
function statsInit(arg: Value | undefined): StatisticsProvider {
  const window = isNumber(arg) ? (toInt(arg) ?? 0) : 0;
  return window > 0 ? new WindowedStats(window) : new OnlineStats();
}

function addNumber(stats: StatisticsProvider, v: Value): void {
  const d = toDouble(v);
  if (d === null) fail(`cannot add ${typeName(v)} ${toJavaString(v)} (not a number)`);
  stats.addValue(d);
}

const STATS_PARAM = { name: 'stats', description: 'The statistics object (from STATS_INIT or STATS_ADD)' };

/** A read-out: the statistic as a double, NaN when the object is null. */
function readOut(
  name: string,
  description: string,
  read: (s: StatisticsProvider) => number,
  examples: FunctionDef['examples'],
): FunctionDef {
  return {
    name: `STATS_${name}`,
    namespace: 'STATS',
    family: 'statistics',
    description,
    params: [STATS_PARAM],
    returns: 'a double; NaN when the statistics object is null',
    pure: true,
    examples,
    call: (args) => {
      const stats = statsArg(args[0]);
      return double(stats === null ? Number.NaN : read(stats));
    },
  };
}

const STATS_FUNCTIONS: FunctionDef[] = [
  {
    name: 'STATS_INIT',
    namespace: 'STATS',
    family: 'statistics',
    description:
      'Makes a statistics object: online (moments and a t-digest, mergeable) or, for a window > 0, the last window values.',
    params: [
      {
        name: 'window_size',
        description:
          'How many recent values to keep; 0 or absent keeps none (online statistics, which cannot give population variance or geometric mean)',
        optional: true,
      },
    ],
    returns: 'a statistics object',
    pure: false,
    examples: [
      { expr: 'STATS_COUNT(STATS_INIT())', expect: 0 },
      { expr: 'STATS_COUNT(STATS_ADD(STATS_INIT(2), 1, 2, 3))', expect: 2 },
    ],
    call: (args) => statsInit(args[0]),
  },
  {
    name: 'STATS_ADD',
    namespace: 'STATS',
    family: 'statistics',
    description:
      'Adds numbers (or the numbers of lists) to a statistics object, creating one when it is null.',
    params: [
      { name: 'stats', description: 'The statistics object; null makes a new online one' },
      {
        name: 'value',
        description: 'Numbers or lists of numbers to add; nulls are skipped',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'the statistics object (the same one, changed, when one was given)',
    pure: false,
    examples: [
      { expr: 'STATS_SUM(STATS_ADD(null, [1, 2], 3))', expect: 6 },
      { expr: "STATS_ADD(STATS_INIT(), 'abc')", error: true },
    ],
    call: (args) => {
      const stats = statsArg(args[0]) ?? statsInit(undefined);
      for (let i = 1; i < args.length; i++) {
        const v = args[i] as Value;
        if (v === null) continue;
        if (Array.isArray(v) || v instanceof Set) {
          for (const x of v) if (x !== null) addNumber(stats, x);
        } else {
          addNumber(stats, v);
        }
      }
      return stats;
    },
  },
  {
    name: 'STATS_MERGE',
    namespace: 'STATS',
    family: 'statistics',
    description: 'Merges a list of online statistics objects into one; other list items are skipped.',
    params: [{ name: 'statistics', description: 'A list of statistics objects', optional: true }],
    returns: 'a statistics object, or null when the list holds none (or is not a list)',
    pure: false,
    examples: [
      {
        expr: 'STATS_MEAN(STATS_MERGE([STATS_ADD(STATS_INIT(), 1, 2), STATS_ADD(STATS_INIT(), 6)]))',
        expect: 3,
      },
      { expr: 'STATS_MERGE([])', expect: null },
      { expr: 'STATS_MERGE([STATS_ADD(STATS_INIT(5), 1), STATS_ADD(STATS_INIT(5), 2)])', error: true },
    ],
    call: (args) => {
      const list = args[0];
      if (!Array.isArray(list)) return null;
      let merged: StatisticsProvider | null = null;
      for (const s of list) {
        if (!(s instanceof StatisticsProvider)) continue;
        merged = merged === null ? s : merged.merge(s);
      }
      return merged;
    },
  },
  readOut('COUNT', 'The number of values added (or in the window).', (s) => s.getCount(), [
    { expr: 'STATS_COUNT(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 4 },
    { expr: 'STATS_COUNT(null)', expect: 'NaN' },
  ]),
  readOut('SUM', 'The sum of the values (or of the window).', (s) => s.getSum(), [
    { expr: 'STATS_SUM(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 10 },
  ]),
  readOut('MEAN', 'The arithmetic mean of the values (or of the window).', (s) => s.getMean(), [
    { expr: 'STATS_MEAN(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 2.5 },
    { expr: 'STATS_MEAN(null)', expect: 'NaN' },
  ]),
  readOut('MIN', 'The smallest value (or of the window); NaN when empty.', (s) => s.getMin(), [
    { expr: 'STATS_MIN(STATS_ADD(STATS_INIT(), 3, 1, 2))', expect: 1 },
  ]),
  readOut('MAX', 'The largest value (or of the window); NaN when empty.', (s) => s.getMax(), [
    { expr: 'STATS_MAX(STATS_ADD(STATS_INIT(), 3, 1, 2))', expect: 3 },
  ]),
  readOut(
    'SD',
    'The sample standard deviation of the values (or of the window).',
    (s) => s.getStandardDeviation(),
    [{ expr: 'STATS_SD(STATS_ADD(STATS_INIT(), 2, 4, 4, 4, 5, 5, 7, 9))', expect: 2.138089935299395 }],
  ),
  readOut(
    'VARIANCE',
    'The sample (n − 1) variance of the values (or of the window).',
    (s) => s.getVariance(),
    [{ expr: 'STATS_VARIANCE(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 1.6666666666666667 }],
  ),
  readOut(
    'POPULATION_VARIANCE',
    'The population (n) variance of the window; online statistics refuse it, as in Metron.',
    (s) => s.getPopulationVariance(),
    [
      { expr: 'STATS_POPULATION_VARIANCE(STATS_ADD(STATS_INIT(10), 1, 2, 3, 4))', expect: 1.25 },
      { expr: 'STATS_POPULATION_VARIANCE(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', error: true },
    ],
  ),
  readOut(
    'GEOMETRIC_MEAN',
    'The geometric mean of the window; online statistics refuse it, as in Metron.',
    (s) => s.getGeometricMean(),
    [
      { expr: 'STATS_GEOMETRIC_MEAN(STATS_ADD(STATS_INIT(10), 4, 9))', expect: 6 },
      { expr: 'STATS_GEOMETRIC_MEAN(STATS_ADD(STATS_INIT(), 1, 2))', error: true },
    ],
  ),
  readOut(
    'QUADRATIC_MEAN',
    'The root mean square of the values (or of the window).',
    (s) => s.getQuadraticMean(),
    [{ expr: 'STATS_QUADRATIC_MEAN(STATS_ADD(STATS_INIT(), 3, 4, 5, 5, 3, 4))', expect: 4.08248290463863 }],
  ),
  readOut(
    'SKEWNESS',
    'The unbiased skewness of the values (or of the window); NaN below 3 values.',
    (s) => s.getSkewness(),
    [
      { expr: 'STATS_SKEWNESS(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 0 },
      { expr: 'STATS_SKEWNESS(STATS_ADD(STATS_INIT(), 1, 2))', expect: 'NaN' },
    ],
  ),
  readOut(
    'KURTOSIS',
    'The unbiased excess kurtosis of the values (or of the window); NaN below 4 values.',
    (s) => s.getKurtosis(),
    [
      { expr: 'STATS_KURTOSIS(STATS_ADD(STATS_INIT(), 1, 2, 3))', expect: 'NaN' },
      { expr: 'STATS_KURTOSIS(STATS_ADD(STATS_INIT(), 1, 2, 3, 4)) < -1.19', expect: true },
    ],
  ),
  readOut(
    'SUM_LOGS',
    'The sum of the natural logs of the values; windowed statistics refuse it, as in Metron.',
    (s) => s.getSumLogs(),
    [
      { expr: 'STATS_SUM_LOGS(STATS_ADD(STATS_INIT(), 1, 1))', expect: 0 },
      { expr: 'STATS_SUM_LOGS(STATS_ADD(STATS_INIT(5), 1))', error: true },
    ],
  ),
  readOut(
    'SUM_SQUARES',
    'The sum of the squares of the values (or of the window).',
    (s) => s.getSumSquares(),
    [{ expr: 'STATS_SUM_SQUARES(STATS_ADD(STATS_INIT(), 1, 2, 3, 4))', expect: 30 }],
  ),
  {
    name: 'STATS_PERCENTILE',
    namespace: 'STATS',
    family: 'statistics',
    description:
      "The p'th percentile: approximate (t-digest) for online statistics, exact (commons-math's legacy method) for a window.",
    params: [STATS_PARAM, { name: 'p', description: 'The percentile, 0 ≤ p ≤ 100 (0 < p for a window)' }],
    returns: 'a double; NaN when the statistics object or p is null',
    pure: true,
    examples: [
      { expr: 'STATS_PERCENTILE(STATS_ADD(STATS_INIT(), 1, 2, 3, 4, 5), 50)', expect: 3 },
      { expr: 'STATS_PERCENTILE(STATS_ADD(STATS_INIT(10), 1, 2, 3, 4), 25)', expect: 1.25 },
      { expr: 'STATS_PERCENTILE(STATS_ADD(STATS_INIT(), 1, 2), 150)', error: true },
    ],
    call: (args) => {
      const stats = statsArg(args[0]);
      const p = toDouble(args[1] ?? null);
      return double(stats === null || p === null ? Number.NaN : stats.getPercentile(p));
    },
  },
  {
    name: 'STATS_BIN',
    namespace: 'STATS',
    family: 'statistics',
    description:
      'The bin of a value among percentile bounds of the distribution: N such that bound(N−1) < value ≤ bound(N).',
    params: [
      STATS_PARAM,
      { name: 'value', description: 'The value to bin' },
      {
        name: 'bounds',
        description: "A list of percentiles, or 'QUARTILE' (the default), 'QUINTILE' or 'DECILE'",
        optional: true,
      },
    ],
    returns: 'an int from 0 to the number of bounds; -1 when the statistics object or value is null',
    pure: true,
    examples: [
      { expr: 'STATS_BIN(STATS_ADD(STATS_INIT(), 1, 2, 3, 4, 5, 6, 7, 8), 3.5)', expect: 1 },
      { expr: "STATS_BIN(STATS_ADD(STATS_INIT(), 1, 2, 3, 4, 5, 6, 7, 8), 8, 'DECILE')", expect: 9 },
      { expr: 'STATS_BIN(STATS_ADD(STATS_INIT(), 1, 2, 3, 4, 5, 6, 7, 8), 1, [50])', expect: 0 },
      { expr: "STATS_BIN(STATS_ADD(STATS_INIT(), 1, 2), 1, 'TERTILE')", error: true },
    ],
    call: (args) => {
      const stats = statsArg(args[0]);
      const value = toDouble(args[1] ?? null);
      const bounds = args.length > 2 ? binSplits(args[2] as Value) : QUARTILE;
      if (stats === null || value === null || bounds.length === 0) return -1;
      return bin(value, bounds.length, (i) => stats.getPercentile(boundAt(bounds, i)));
    },
  },
];

const QUARTILE: readonly Value[] = [25, 50, 75];
const SPLITS: Readonly<Record<string, readonly Value[]>> = {
  QUARTILE,
  QUINTILE: [20, 40, 60, 80],
  DECILE: [10, 20, 30, 40, 50, 60, 70, 80, 90],
};

function binSplits(v: Value): readonly Value[] {
  if (typeof v === 'string') {
    const split = Object.hasOwn(SPLITS, v) ? SPLITS[v] : undefined;
    return split ?? fail(`No enum constant BinSplits.${v} (use QUARTILE, QUINTILE or DECILE)`);
  }
  if (Array.isArray(v)) return v;
  return fail(`The split you tried to pass is not a valid split: ${toJavaString(v)}`);
}

function boundAt(bounds: readonly Value[], i: number): number {
  const b = bounds[i] as Value;
  if (!isNumber(b)) fail(`bound ${toJavaString(b)} is not a number`);
  return numValue(b);
}

/** Metron's `Bin.getBin`: the first bound the value does not exceed; bounds read lazily. */
function bin(value: number, count: number, boundOf: (i: number) => number): number {
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const bound = boundOf(i);
    if (last > bound) fail('Your bins must be non-decreasing');
    if (value <= bound) return i;
    last = bound;
  }
  return count;
}

const BIN_FUNCTIONS: FunctionDef[] = [
  {
    name: 'BIN',
    namespace: '',
    family: 'statistics',
    description: 'The bin of a value among sorted bounds: N such that bound(N−1) < value ≤ bound(N).',
    params: [
      { name: 'value', description: 'The value to bin' },
      { name: 'bounds', description: 'The bounds in non-decreasing order (no min or max)', optional: true },
    ],
    returns: 'an int from 0 to the number of bounds; -1 when the value or bounds are null or empty',
    pure: true,
    examples: [
      { expr: 'BIN(15, [10, 20, 30])', expect: 1 },
      { expr: 'BIN(10, [10, 20, 30])', expect: 0 },
      { expr: 'BIN(31, [10, 20, 30])', expect: 3 },
      { expr: 'BIN(null, [10, 20, 30])', expect: -1 },
      { expr: 'BIN(25, [30, 20])', expect: 0 },
      { expr: 'BIN(35, [30, 20])', error: true },
    ],
    call: (args) => {
      const value = toDouble(args[0] ?? null);
      const raw = args.length > 1 ? (args[1] as Value) : null;
      if (raw !== null && !Array.isArray(raw)) fail(`bounds must be a list, got ${typeName(raw)}`);
      const bounds = raw;
      if (value === null || bounds === null || bounds.length === 0) return -1;
      return bin(value, bounds.length, (i) => boundAt(bounds, i));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// HLLP_*

function hllpArg(v: Value | undefined): HyperLogLogPlus | null {
  if (v === null || v === undefined) return null;
  if (v instanceof HyperLogLogPlus) return v;
  return fail(`expected a HyperLogLogPlus estimator, got ${typeName(v)}`);
}

function precision(v: Value | undefined, what: string): number {
  const p = toInt(v ?? null);
  return p ?? fail(`Unable to get ${what} value from '${toJavaString(v ?? null)}'`);
}

const HLLP_FUNCTIONS: FunctionDef[] = [
  {
    name: 'HLLP_INIT',
    namespace: 'HLLP',
    family: 'sketch',
    description: 'Makes a HyperLogLog++ distinct-count estimator (default p=14, sp=25).',
    params: [
      { name: 'p', description: 'Precision of the normal set, 4 ≤ p ≤ sp (and ≤ 24 here)', optional: true },
      {
        name: 'sp',
        description: 'Precision of the sparse set, < 32; 0 or absent (when p is given) disables it',
        optional: true,
      },
    ],
    returns: 'a HyperLogLogPlus estimator',
    pure: false,
    examples: [
      { expr: 'HLLP_CARDINALITY(HLLP_INIT(5, 6))', expect: 0 },
      { expr: "HLLP_INIT('turkey')", error: true },
      { expr: 'HLLP_INIT(12, 8)', error: true },
    ],
    call: (args) => {
      if (args.length === 0) return new HyperLogLogPlus();
      const p = precision(args[0], 'p');
      const sp = args.length > 1 ? precision(args[1], 'sp') : 0;
      return new HyperLogLogPlus(p, sp);
    },
  },
  {
    name: 'HLLP_ADD',
    namespace: 'HLLP',
    family: 'sketch',
    description:
      'Adds a value, or each value of a list, to a HyperLogLog++ estimator, creating one when it is null.',
    params: [
      { name: 'hyperLogLogPlus', description: 'The estimator; null makes a default one' },
      { name: 'value', description: 'A value or a list of values (hashed by their string form)' },
    ],
    returns: 'the estimator (the same one, changed, when one was given)',
    pure: false,
    examples: [
      { expr: "HLLP_CARDINALITY(HLLP_ADD(HLLP_INIT(), ['a', 'b', 'a']))", expect: 2 },
      { expr: "HLLP_CARDINALITY(HLLP_ADD(null, 'item-1'))", expect: 1 },
    ],
    call: (args) => {
      const hllp = hllpArg(args[0]) ?? new HyperLogLogPlus();
      const v = args[1] as Value;
      if (Array.isArray(v)) for (const x of v) hllp.add(x);
      else hllp.add(v);
      return hllp;
    },
  },
  {
    name: 'HLLP_CARDINALITY',
    namespace: 'HLLP',
    family: 'sketch',
    description: 'The estimated number of distinct values added to a HyperLogLog++ estimator.',
    params: [{ name: 'hyperLogLogPlus', description: 'The estimator', optional: true }],
    returns: 'a long; 0 when the argument is null or not an estimator',
    pure: true,
    examples: [
      { expr: "HLLP_CARDINALITY(HLLP_ADD(HLLP_INIT(5, 6), ['item-1', 'item-2', 'item-3']))", expect: 3 },
      { expr: 'HLLP_CARDINALITY(null)', expect: 0 },
    ],
    call: (args) =>
      num('long', args.length === 1 && args[0] instanceof HyperLogLogPlus ? args[0].cardinality() : 0),
  },
  {
    name: 'HLLP_MERGE',
    namespace: 'HLLP',
    family: 'sketch',
    description:
      'Merges HyperLogLog++ estimators of the same precision into a new one (precisions of the first).',
    params: [{ name: 'hllp', description: 'A list of estimators, or a single estimator' }],
    returns: 'a new estimator (the estimator itself when there is only one); null for an empty list',
    pure: false,
    examples: [
      {
        expr: "HLLP_CARDINALITY(HLLP_MERGE([HLLP_ADD(HLLP_INIT(), 'a'), HLLP_ADD(HLLP_INIT(), ['a', 'b'])]))",
        expect: 2,
      },
      { expr: 'HLLP_MERGE([])', expect: null },
      { expr: 'HLLP_MERGE([HLLP_INIT(10, 20), HLLP_INIT(12, 20)])', error: true },
    ],
    call: (args) => {
      const arg = args[0] as Value;
      const list = Array.isArray(arg) ? arg : [arg];
      if (list.length === 0) return null;
      const first = hllpArg(list[0]);
      if (list.length === 1) return first;
      if (first === null) fail('cannot merge into null');
      const rest = list.slice(1).map((x) => hllpArg(x) ?? fail('cannot merge null'));
      return first.merge(rest);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// BLOOM_*

function bloomArg(v: Value | undefined): BloomFilter | null {
  if (v === null || v === undefined) return null;
  if (v instanceof BloomFilter) return v;
  return fail(`expected a Bloom filter, got ${typeName(v)}`);
}

const BLOOM_FUNCTIONS: FunctionDef[] = [
  {
    name: 'BLOOM_INIT',
    namespace: 'BLOOM',
    family: 'sketch',
    description:
      'Makes an empty Bloom filter sized for an expected number of values and false-positive rate.',
    params: [
      {
        name: 'expectedInsertions',
        description: 'How many values it should hold (default 100000)',
        optional: true,
      },
      {
        name: 'falsePositiveRate',
        description: 'The false-positive rate to allow, 0 < fpp < 1 (default 0.01)',
        optional: true,
      },
    ],
    returns: 'a Bloom filter',
    pure: false,
    examples: [
      { expr: "BLOOM_EXISTS(BLOOM_INIT(100, 0.01), 'a')", expect: false },
      { expr: 'BLOOM_INIT(100, 1.5)', error: true },
    ],
    call: (args) => {
      const expected = args.length > 0 ? toInt(args[0] as Value) : 100000;
      const fpp = args.length > 1 ? toDouble(args[1] as Value) : 0.01;
      if (expected === null) fail(`expectedInsertions ${toJavaString(args[0] as Value)} is not an integer`);
      if (fpp === null) fail(`falsePositiveRate ${toJavaString(args[1] as Value)} is not a number`);
      return new BloomFilter(expected, fpp);
    },
  },
  {
    name: 'BLOOM_ADD',
    namespace: 'BLOOM',
    family: 'sketch',
    description: 'Adds values to a Bloom filter (nulls are skipped).',
    params: [
      { name: 'bloom', description: 'The Bloom filter' },
      {
        name: 'value',
        description: 'The values to add (hashed by their string form)',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'the Bloom filter, changed',
    pure: false,
    examples: [
      { expr: "BLOOM_EXISTS(BLOOM_ADD(BLOOM_INIT(100, 0.01), 'a', 'b'), 'b')", expect: true },
      { expr: "BLOOM_ADD(null, 'a')", error: true },
    ],
    call: (args) => {
      const filter = bloomArg(args[0]);
      for (let i = 1; i < args.length; i++) {
        const v = args[i] as Value;
        if (v === null) continue;
        if (filter === null) fail('the Bloom filter is null');
        filter.add(v);
      }
      return filter;
    },
  },
  {
    name: 'BLOOM_EXISTS',
    namespace: 'BLOOM',
    family: 'sketch',
    description: 'Whether a Bloom filter might contain a value (false means certainly not).',
    params: [
      { name: 'bloom', description: 'The Bloom filter', optional: true },
      { name: 'value', description: 'The value to look for', optional: true },
    ],
    returns: 'a boolean; false when the value is null or absent',
    pure: true,
    examples: [
      { expr: "BLOOM_EXISTS(BLOOM_ADD(BLOOM_INIT(1000, 0.001), 'x'), 'x')", expect: true },
      { expr: "BLOOM_EXISTS(BLOOM_ADD(BLOOM_INIT(1000, 0.001), 'x'), 'y')", expect: false },
      { expr: "BLOOM_EXISTS(null, 'x')", error: true },
    ],
    call: (args) => {
      const filter = bloomArg(args[0]);
      if (args.length < 2) return false;
      const v = args[1] as Value;
      if (v === null) return false;
      if (filter === null) return fail('the Bloom filter is null');
      return filter.mightContain(v);
    },
  },
  {
    name: 'BLOOM_MERGE',
    namespace: 'BLOOM',
    family: 'sketch',
    description: 'Merges a list of Bloom filters of the same size into the first of them.',
    params: [
      {
        name: 'bloomfilters',
        description: 'A list of Bloom filters; other items are skipped',
        optional: true,
      },
    ],
    returns: 'the first Bloom filter, now holding all; null when the list holds none (or is not a list)',
    pure: false,
    examples: [
      {
        expr: "BLOOM_EXISTS(BLOOM_MERGE([BLOOM_ADD(BLOOM_INIT(100, 0.01), 'a'), BLOOM_ADD(BLOOM_INIT(100, 0.01), 'b')]), 'b')",
        expect: true,
      },
      { expr: 'BLOOM_MERGE([])', expect: null },
      { expr: 'BLOOM_MERGE([BLOOM_INIT(100, 0.01), BLOOM_INIT(1000, 0.01)])', error: true },
    ],
    call: (args) => {
      const list = args[0];
      if (!Array.isArray(list)) return null;
      let merged: BloomFilter | null = null;
      for (const f of list) {
        if (!(f instanceof BloomFilter)) continue;
        if (merged === null) merged = f;
        else merged.merge(f);
      }
      return merged;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// IT_ENTROPY, OUTLIER_MAD_*, SAMPLE_*

const ENTROPY_FUNCTIONS: FunctionDef[] = [
  {
    name: 'IT_ENTROPY',
    namespace: '',
    family: 'statistics',
    description: 'The base-2 (Shannon) entropy of a multiset given as a map of value → count.',
    params: [{ name: 'input', description: 'A multiset: a map of values to counts' }],
    returns: 'a double in bits; 0.0 for an empty map, null for null',
    pure: true,
    examples: [
      { expr: "IT_ENTROPY({ 'a' : 10, 'b' : 5, 'c' : 5})", expect: 1.5 },
      { expr: 'IT_ENTROPY({})', expect: 0 },
      { expr: 'IT_ENTROPY([1, 2])', error: true },
    ],
    call: (args) => {
      const input = args[0] as Value;
      if (input === null) return null;
      if (!(input instanceof Map)) {
        fail(
          'IT_ENTROPY expects exactly one argument and expects it to be a map of counts (e.g. Map<?, Integer>)',
        );
      }
      const counts: number[] = [];
      let n = 0;
      for (const c of input.values()) {
        if (!isNumber(c)) fail(`count ${toJavaString(c)} is not a number`);
        const x = numValue(c);
        counts.push(x);
        n += x;
      }
      let h = 0;
      for (const f of counts) {
        const p = f / n;
        h -= (p * Math.log(p)) / Math.LN2;
      }
      return double(h);
    },
  },
];

function madArg(v: Value | undefined): MadState | null {
  if (v === null || v === undefined) return null;
  if (v instanceof MadState) return v;
  return fail(`expected a MAD state, got ${typeName(v)}`);
}

function numberArg(v: Value, what: string): number {
  if (!isNumber(v)) fail(`${what} ${toJavaString(v)} is not a number`);
  return numValue(v);
}

const MAD_FUNCTIONS: FunctionDef[] = [
  {
    name: 'OUTLIER_MAD_STATE_MERGE',
    namespace: 'OUTLIER_MAD',
    family: 'statistics',
    description:
      'Starts a new median-absolute-deviation tick whose window merges earlier states with the current one.',
    params: [
      { name: 'states', description: 'A list of earlier MAD states (generally across time); null for none' },
      { name: 'currentState', description: 'The current state', optional: true },
    ],
    returns: 'a MAD state',
    pure: false,
    examples: [
      {
        expr: 'OUTLIER_MAD_SCORE(OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([], null), [1, 2, 3, 4, 100]), 100)',
        expect: 37.38657142857143,
      },
    ],
    call: (args) => {
      const states = args[0] as Value;
      if (states !== null && !Array.isArray(states)) {
        fail(`expected a list of states, got ${typeName(states)}`);
      }
      const previous = (states ?? []).map((s) => madArg(s) ?? fail('a state in the list is null'));
      const current = args.length > 1 ? madArg(args[1]) : null;
      return new MadState(previous, current);
    },
  },
  {
    name: 'OUTLIER_MAD_ADD',
    namespace: 'OUTLIER_MAD',
    family: 'statistics',
    description: 'Adds a number, or each number of a list, to a median-absolute-deviation state.',
    params: [
      { name: 'state', description: 'The MAD state; null stays null' },
      { name: 'value', description: 'A number or a list of numbers (NaN is skipped)' },
    ],
    returns: 'the MAD state, changed; null when the state is null',
    pure: false,
    examples: [
      {
        expr: 'OUTLIER_MAD_SCORE(OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), [1, 2, 3, 4, 5]), 4)',
        expect: 0.3854285714285714,
      },
      { expr: 'OUTLIER_MAD_ADD(null, 1)', expect: null },
    ],
    call: (args) => {
      const state = madArg(args[0]);
      const o = args[1] as Value;
      const data: number[] = [];
      if (o !== null) {
        if (Array.isArray(o)) for (const x of o) data.push(numberArg(x, 'value'));
        else data.push(numberArg(o, 'value'));
      }
      if (state !== null) for (const d of data) state.add(d);
      return state;
    },
  },
  {
    name: 'OUTLIER_MAD_SCORE',
    namespace: 'OUTLIER_MAD',
    family: 'statistics',
    description: 'The modified z-score of a value against a MAD state: scale·|x − median| / MAD.',
    params: [
      { name: 'state', description: 'The MAD state' },
      { name: 'value', description: 'The value to score' },
      { name: 'scale', description: 'The scale of the modified z-score (default 0.6745)', optional: true },
    ],
    returns: 'a double; NaN when the state or value is null',
    pure: true,
    examples: [
      {
        expr: 'OUTLIER_MAD_SCORE(OUTLIER_MAD_ADD(OUTLIER_MAD_STATE_MERGE([]), [1, 2, 3, 4, 5]), 4, 1.0)',
        expect: 0.5714285714285714,
      },
      { expr: 'OUTLIER_MAD_SCORE(null, 4)', expect: 'NaN' },
    ],
    call: (args) => {
      const state = madArg(args[0]);
      const raw = args[1] as Value;
      const datum = raw === null ? null : numberArg(raw, 'value');
      const scaleArg = args.length > 2 ? (args[2] as Value) : null;
      const scale = scaleArg === null ? 0.6745 : numberArg(scaleArg, 'scale');
      if (datum === null || state === null) return double(Number.NaN);
      return double(state.score(datum, scale));
    },
  },
];

function samplerArg(v: Value | undefined): ReservoirSampler | null {
  if (v === null || v === undefined) return null;
  if (v instanceof ReservoirSampler) return v;
  return fail(`expected a sampler, but found ${toJavaString(v)}`);
}

const SAMPLE_FUNCTIONS: FunctionDef[] = [
  {
    name: 'SAMPLE_INIT',
    namespace: 'SAMPLE',
    family: 'statistics',
    description: `Makes a uniform reservoir sampler of a given size (default ${DEFAULT_SAMPLE_SIZE}).`,
    params: [
      {
        name: 'size',
        description: `The reservoir size, a positive integer (default ${DEFAULT_SAMPLE_SIZE})`,
        optional: true,
      },
    ],
    returns: 'a sampler',
    pure: false,
    examples: [
      { expr: 'SAMPLE_GET(SAMPLE_INIT())', expect: [] },
      { expr: 'SAMPLE_INIT(-10)', error: true },
    ],
    call: (args) => {
      const raw = args.length > 0 ? (args[0] as Value) : null;
      if (raw === null) return new ReservoirSampler();
      const size = toInt(raw);
      if (size === null) fail(`size ${toJavaString(raw)} is expected to be an integer`);
      if (size <= 0) fail('Size must be a positive integer');
      return new ReservoirSampler(size);
    },
  },
  {
    name: 'SAMPLE_ADD',
    namespace: 'SAMPLE',
    family: 'statistics',
    description:
      'Offers a value, or each value of a list or set, to a reservoir sampler, creating one when it is null.',
    params: [
      { name: 'sampler', description: 'The sampler; null makes a default one', optional: true },
      { name: 'o', description: 'The value, or a list or set of values (nulls are skipped)', optional: true },
    ],
    returns: 'the sampler (the same one, changed, when one was given)',
    pure: false,
    examples: [
      { expr: 'SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(5), [1, 2, 3]))', expect: [1, 2, 3] },
      { expr: 'SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(2), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))', expect: [3, 10] },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      if (args.length < 2) fail('Expected sampler and value to add');
      const sampler = samplerArg(args[0]) ?? new ReservoirSampler();
      const v = args[1] as Value;
      if (v === null) return sampler;
      if (Array.isArray(v) || v instanceof Set) sampler.addAll(v);
      else sampler.add(v);
      return sampler;
    },
  },
  {
    name: 'SAMPLE_GET',
    namespace: 'SAMPLE',
    family: 'statistics',
    description: "A reservoir sampler's current sample.",
    params: [{ name: 'sampler', description: 'The sampler', optional: true }],
    returns: 'a list of the sampled values; null when the sampler is null',
    pure: false,
    examples: [{ expr: "SAMPLE_GET(SAMPLE_ADD(SAMPLE_INIT(3), ['a', null, 'b']))", expect: ['a', 'b'] }],
    call: (args) => samplerArg(args[0])?.sample() ?? null,
  },
  {
    name: 'SAMPLE_MERGE',
    namespace: 'SAMPLE',
    family: 'statistics',
    description:
      'Resamples the samples of several samplers into one (a new one like the first, or a given base).',
    params: [
      { name: 'samplers', description: 'A list of samplers', optional: true },
      {
        name: 'baseSampler',
        description: 'A sampler to merge into (changed); absent: an empty copy of the first',
        optional: true,
      },
    ],
    returns: 'the merged sampler; null when the list is null or empty',
    pure: false,
    examples: [
      {
        expr: 'SAMPLE_GET(SAMPLE_MERGE([SAMPLE_ADD(SAMPLE_INIT(3), [1, 2]), SAMPLE_ADD(SAMPLE_INIT(3), [3])]))',
        expect: [1, 2, 3],
      },
      { expr: 'SAMPLE_MERGE([])', expect: null },
      { expr: "SAMPLE_MERGE('x')", error: true },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const list = args[0] as Value;
      if (list === null) return null;
      if (!Array.isArray(list) && !(list instanceof Set)) fail('Expected a collection of Samplers');
      const samplers = [...list].map((s) => samplerArg(s) ?? fail('a sampler is null'));
      const base = args.length > 1 ? samplerArg(args[1]) : null;
      const first = samplers[0];
      if (first === undefined) return null;
      const out = base ?? first.cloneEmpty();
      for (const s of samplers) out.addAll(s.sample());
      return out;
    },
  },
];

/** The statistics and sketch family. */
export const STATISTICS_FUNCTIONS: readonly FunctionDef[] = [
  ...STATS_FUNCTIONS,
  ...BIN_FUNCTIONS,
  ...HLLP_FUNCTIONS,
  ...BLOOM_FUNCTIONS,
  ...ENTROPY_FUNCTIONS,
  ...MAD_FUNCTIONS,
  ...SAMPLE_FUNCTIONS,
];
