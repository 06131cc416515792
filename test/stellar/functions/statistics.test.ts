import { describe, expect, it } from 'vitest';
import { compile, isNumber, kindOf, StellarError, toJson, type Value } from '#stellar';
import { STATISTICS_FUNCTIONS } from '../../../stellar/functions/statistics.js';
import {
  OnlineStats,
  type StatisticsProvider,
  WindowedStats,
} from '../../../stellar/functions/stats/online-stats.js';
import { asNumber, gaussians } from '../../helpers/stellar.js';

/** Evaluate a Stellar expression with variables. */
const run = (expr: string, vars: Record<string, unknown> = {}): Value => compile(expr).evaluate(vars);

/** Reference moments by two-pass formulas (commons-math's definitions). */
function reference(values: readonly number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of values) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const variance = m2 / (n - 1);
  const sd = Math.sqrt(variance);
  return {
    n,
    sum: values.reduce((a, b) => a + b, 0),
    mean,
    variance,
    sd,
    populationVariance: m2 / n,
    skewness: (n / ((n - 1) * (n - 2))) * (m3 / sd ** 3),
    kurtosis:
      ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * (m4 / sd ** 4) -
      (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)),
    sumSquares: values.reduce((a, b) => a + b * b, 0),
    sumLogs: values.reduce((a, b) => a + Math.log(b), 0),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

const close = (actual: number, expected: number, relative = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));

describe('statistics family: definitions and examples', () => {
  it('declares every function completely', () => {
    const names = STATISTICS_FUNCTIONS.map((f) => f.name);
    expect(names).toEqual([
      'STATS_INIT',
      'STATS_ADD',
      'STATS_MERGE',
      'STATS_COUNT',
      'STATS_SUM',
      'STATS_MEAN',
      'STATS_MIN',
      'STATS_MAX',
      'STATS_SD',
      'STATS_VARIANCE',
      'STATS_POPULATION_VARIANCE',
      'STATS_GEOMETRIC_MEAN',
      'STATS_QUADRATIC_MEAN',
      'STATS_SKEWNESS',
      'STATS_KURTOSIS',
      'STATS_SUM_LOGS',
      'STATS_SUM_SQUARES',
      'STATS_PERCENTILE',
      'STATS_BIN',
      'BIN',
      'HLLP_INIT',
      'HLLP_ADD',
      'HLLP_CARDINALITY',
      'HLLP_MERGE',
      'BLOOM_INIT',
      'BLOOM_ADD',
      'BLOOM_EXISTS',
      'BLOOM_MERGE',
      'IT_ENTROPY',
      'OUTLIER_MAD_STATE_MERGE',
      'OUTLIER_MAD_ADD',
      'OUTLIER_MAD_SCORE',
      'SAMPLE_INIT',
      'SAMPLE_ADD',
      'SAMPLE_GET',
      'SAMPLE_MERGE',
    ]);
    for (const f of STATISTICS_FUNCTIONS) {
      expect(['statistics', 'sketch'], f.name).toContain(f.family);
      const prefix = f.namespace === '' ? '' : `${f.namespace}_`;
      expect(
        f.name.startsWith(prefix) && (f.namespace !== '' || ['BIN', 'IT_ENTROPY'].includes(f.name)),
        f.name,
      ).toBe(true);
      expect(f.description.length, f.name).toBeGreaterThan(10);
      expect(f.description, f.name).not.toContain('\n');
      expect(f.returns.length, f.name).toBeGreaterThan(3);
      expect(f.examples.length, f.name).toBeGreaterThan(0);
      expect(typeof f.call, f.name).toBe('function');
      for (const p of f.params) expect(p.description.length, `${f.name}(${p.name})`).toBeGreaterThan(3);
    }
  });

  it('marks sketch-making functions impure so constant calls are never folded into a shared sketch', () => {
    const impure = STATISTICS_FUNCTIONS.filter((f) => !f.pure).map((f) => f.name);
    for (const name of [
      'STATS_INIT',
      'STATS_ADD',
      'STATS_MERGE',
      'HLLP_INIT',
      'BLOOM_INIT',
      'SAMPLE_INIT',
      'SAMPLE_GET',
    ]) {
      expect(impure).toContain(name);
    }
    expect(impure).not.toContain('STATS_MEAN');
    const rule = compile('STATS_COUNT(STATS_ADD(STATS_INIT(), x))');
    expect(asNumber(rule.evaluate({ x: 1 }))).toBe(1);
    expect(asNumber(rule.evaluate({ x: 2 }))).toBe(1);
    const fromNull = compile('STATS_COUNT(STATS_ADD(STATS_ADD(null, 1), x))');
    expect(asNumber(fromNull.evaluate({ x: 1 }))).toBe(2);
    expect(asNumber(fromNull.evaluate({ x: 1 }))).toBe(2);
  });
});

describe('STATS_*', () => {
  const values = [10, 20, 30, 40, 50, 60, 70];
  const init = (window: number): Value => {
    let stats = run(`STATS_INIT(${window})`);
    for (const v of values) stats = run('STATS_ADD(stats, v)', { stats, v });
    return stats;
  };

  for (const window of [0, 100]) {
    describe(window === 0 ? 'online' : 'windowed', () => {
      it('matches the reference moments on the small set', () => {
        const stats = init(window);
        const ref = reference(values);
        const read = (name: string) => asNumber(run(`STATS_${name}(stats)`, { stats }));
        expect(read('COUNT')).toBe(7);
        expect(read('SUM')).toBe(280);
        expect(read('MEAN')).toBe(40);
        expect(read('MIN')).toBe(10);
        expect(read('MAX')).toBe(70);
        close(read('VARIANCE'), ref.variance);
        close(read('SD'), ref.sd);
        close(read('SKEWNESS'), ref.skewness);
        close(read('KURTOSIS'), ref.kurtosis);
        close(read('SUM_SQUARES'), ref.sumSquares);
        close(read('QUADRATIC_MEAN'), Math.sqrt(ref.sumSquares / 7));
      });

      it('returns doubles, STATS_COUNT included', () => {
        const stats = init(window);
        for (const name of ['COUNT', 'SUM', 'MIN', 'MAX', 'MEAN']) {
          const r = run(`STATS_${name}(stats)`, { stats });
          expect(isNumber(r) && kindOf(r), name).toBe('double');
        }
      });

      it('adds lists, sets and numeric text, skipping nulls', () => {
        const stats = init(window);
        run("STATS_ADD(stats, [1, null, 2], null, ' 3 ', set)", { stats, set: new Set([4, 5]) });
        expect(asNumber(run('STATS_COUNT(stats)', { stats }))).toBe(12);
        expect(asNumber(run('STATS_SUM(stats)', { stats }))).toBe(295);
      });

      it('bins like Metron: walking the sorted values, the bin grows at each percentile bound', () => {
        const stats = init(window) as StatisticsProvider;
        const splits: Record<string, number[]> = {
          QUARTILE: [25, 50, 75],
          QUINTILE: [20, 40, 60, 80],
          DECILE: [10, 20, 30, 40, 50, 60, 70, 80, 90],
        };
        for (const [name, split] of Object.entries(splits)) {
          let bin = 0;
          for (const d of values) {
            while (bin < split.length && d > stats.getPercentile(split[bin] as number)) bin++;
            expect(run(`STATS_BIN(stats, d, '${name}')`, { stats, d }), `${name} ${d}`).toBe(bin);
            expect(run(`STATS_BIN(stats, d, [${split.join(', ')}])`, { stats, d })).toBe(bin);
            if (name === 'QUARTILE') expect(run('STATS_BIN(stats, d)', { stats, d })).toBe(bin);
          }
        }
      });

      it('bins around a single value as Metron does', () => {
        const stats = run(`STATS_ADD(STATS_INIT(${window}), 10)`);
        expect(run('STATS_BIN(stats, 9.0)', { stats })).toBe(0);
        expect(run('STATS_BIN(stats, 10.0)', { stats })).toBe(0);
        expect(run('STATS_BIN(stats, 11.0)', { stats })).toBe(3);
        expect(run('STATS_BIN(null, 11.0)')).toBe(-1);
        expect(run('STATS_BIN(stats, null)', { stats })).toBe(-1);
        expect(run('STATS_BIN(stats, 1, [])', { stats })).toBe(-1);
        expect(() => run('STATS_BIN(stats, 1, 5)', { stats })).toThrow(StellarError);
      });

      it('gives the median as a percentile', () => {
        const stats = init(window);
        expect(asNumber(run('STATS_PERCENTILE(stats, 50)', { stats }))).toBe(40);
        expect(asNumber(run('STATS_PERCENTILE(stats, null)', { stats }))).toBeNaN();
        expect(() => run('STATS_PERCENTILE(stats, 101)', { stats })).toThrow(StellarError);
      });

      it('exposes min() and max() for MIN and MAX, and prints a summary', () => {
        const stats = init(window) as StatisticsProvider;
        expect(stats.min()).toBe(10);
        expect(stats.max()).toBe(70);
        expect(toJson(stats)).toMatchObject({ count: 7, sum: 280, mean: 40, min: 10, max: 70 });
      });
    });
  }

  it('reads NaN from a null statistics object and fails on anything else', () => {
    for (const name of ['COUNT', 'SUM', 'MEAN', 'MIN', 'MAX', 'SD', 'VARIANCE', 'KURTOSIS', 'SUM_LOGS']) {
      expect(asNumber(run(`STATS_${name}(null)`)), name).toBeNaN();
      expect(() => run(`STATS_${name}('stats')`), name).toThrow(StellarError);
    }
    expect(asNumber(run('STATS_PERCENTILE(null, 50)'))).toBeNaN();
  });

  it('follows Metron on the empty and tiny cases of each kind', () => {
    expect(asNumber(run('STATS_MEAN(STATS_INIT())'))).toBeNaN();
    expect(asNumber(run('STATS_MIN(STATS_INIT())'))).toBeNaN();
    expect(asNumber(run('STATS_SUM(STATS_INIT(5))'))).toBe(0);
    expect(asNumber(run('STATS_SUM_SQUARES(STATS_INIT(5))'))).toBe(0);
    expect(asNumber(run('STATS_MEAN(STATS_INIT(5))'))).toBeNaN();
    expect(asNumber(run('STATS_PERCENTILE(STATS_INIT(), 50)'))).toBeNaN();
    expect(asNumber(run('STATS_PERCENTILE(STATS_INIT(5), 50)'))).toBeNaN();
    // One value: online variance is 0/0, commons-math's is 0.
    expect(asNumber(run('STATS_VARIANCE(STATS_ADD(STATS_INIT(), 3))'))).toBeNaN();
    expect(asNumber(run('STATS_VARIANCE(STATS_ADD(STATS_INIT(5), 3))'))).toBe(0);
    expect(asNumber(run('STATS_SD(STATS_ADD(STATS_INIT(5), 3))'))).toBe(0);
    expect(asNumber(run('STATS_SKEWNESS(STATS_ADD(STATS_INIT(5), 1, 2))'))).toBeNaN();
    expect(asNumber(run('STATS_KURTOSIS(STATS_ADD(STATS_INIT(5), 1, 2, 3))'))).toBeNaN();
  });

  it('keeps only the last window values', () => {
    const stats = run('STATS_ADD(STATS_INIT(3), 1, 2, 3, 4, 5)');
    expect(asNumber(run('STATS_COUNT(stats)', { stats }))).toBe(3);
    expect(asNumber(run('STATS_MIN(stats)', { stats }))).toBe(3);
    expect(asNumber(run('STATS_MEAN(stats)', { stats }))).toBe(4);
    run('STATS_ADD(stats, 100)', { stats });
    expect(asNumber(run('STATS_MAX(stats)', { stats }))).toBe(100);
    expect(asNumber(run('STATS_MIN(stats)', { stats }))).toBe(4);
  });

  it('gives windowed percentiles by commons-math legacy estimation', () => {
    const stats = run('STATS_ADD(STATS_INIT(100), 70, 10, 60, 20, 50, 30, 40)');
    const pct = (p: number) => asNumber(run('STATS_PERCENTILE(stats, p)', { stats, p }));
    expect(pct(0.9)).toBe(10);
    expect(pct(25)).toBe(20);
    expect(pct(30)).toBeCloseTo(24, 12);
    expect(pct(50)).toBe(40);
    expect(pct(90)).toBe(70);
    expect(pct(100)).toBe(70);
    expect(() => pct(0)).toThrow(StellarError);
  });

  it('gives online percentiles by rank interpolation, 0 and 100 included', () => {
    const stats = run('STATS_ADD(STATS_INIT(), 70, 10, 60, 20, 50, 30, 40)');
    const pct = (p: number) => asNumber(run('STATS_PERCENTILE(stats, p)', { stats, p }));
    expect(pct(0)).toBe(10);
    expect(pct(0.9)).toBeCloseTo(10.54, 10);
    expect(pct(25)).toBe(25);
    expect(pct(100)).toBe(70);
  });

  it('computes geometric and population figures for windows only', () => {
    const stats = run('STATS_ADD(STATS_INIT(10), 1, 3, 9)');
    close(asNumber(run('STATS_GEOMETRIC_MEAN(stats)', { stats })), 3);
    close(
      asNumber(run('STATS_POPULATION_VARIANCE(stats)', { stats })),
      reference([1, 3, 9]).populationVariance,
    );
    const online = run('STATS_ADD(STATS_INIT(), 1, 3, 9)');
    close(asNumber(run('STATS_SUM_LOGS(online)', { online })), Math.log(27));
    expect(() => run('STATS_GEOMETRIC_MEAN(online)', { online })).toThrow(/geometric mean/);
  });

  it('matches the reference statistics on 100,000 seeded normal values, online and merged', () => {
    const data = gaussians(100_000, 1).map((x) => x + 10);
    const ref = reference(data);
    const whole = new OnlineStats();
    const parts = Array.from({ length: 10 }, () => new OnlineStats());
    data.forEach((x, i) => {
      whole.addValue(x);
      (parts[i % 10] as OnlineStats).addValue(x);
    });
    const merged = run('STATS_MERGE(parts)', { parts }) as StatisticsProvider;
    const window = new WindowedStats(200_000);
    for (const x of data) window.addValue(x);
    for (const s of [whole, merged, window]) {
      expect(s.getCount()).toBe(100_000);
      close(s.getSum(), ref.sum);
      close(s.getMean(), ref.mean);
      close(s.getVariance(), ref.variance, 1e-8);
      close(s.getStandardDeviation(), ref.sd, 1e-8);
      close(s.getSkewness(), ref.skewness, 1e-6);
      close(s.getKurtosis(), ref.kurtosis, 1e-6);
      close(s.getSumSquares(), ref.sumSquares);
      expect(s.getMin()).toBe(ref.min);
      expect(s.getMax()).toBe(ref.max);
    }
    close(whole.getSumLogs(), ref.sumLogs);
    close(merged.getSumLogs(), ref.sumLogs);
  });

  it('merges: one item is returned as is, non-statistics are skipped, an empty side keeps the other min', () => {
    const a = run('STATS_ADD(STATS_INIT(), 1, 2)');
    expect(run('STATS_MERGE([a])', { a })).toBe(a);
    expect(run("STATS_MERGE(['x', a, null])", { a })).toBe(a);
    expect(run('STATS_MERGE(a)', { a })).toBeNull();
    expect(run('STATS_MERGE()')).toBeNull();
    const m = run('STATS_MERGE([STATS_INIT(), a])', { a });
    expect(asNumber(run('STATS_MIN(m)', { m }))).toBe(1);
    expect(asNumber(run('STATS_MAX(m)', { m }))).toBe(2);
    const empty = run('STATS_MERGE([STATS_INIT(), STATS_INIT()])');
    run('STATS_ADD(empty, 4, 6)', { empty });
    expect(asNumber(run('STATS_VARIANCE(empty)', { empty }))).toBe(2);
    expect(() => run('STATS_MERGE([a, STATS_INIT(5)])', { a })).toThrow(StellarError);
  });

  it('refuses values that overflow or underflow the sums, as Metron does', () => {
    expect(() => run('STATS_ADD(STATS_INIT(), 1.7976931348623157E308)')).toThrow(/overflow/);
    expect(() => run('STATS_ADD(STATS_INIT(), 3e-305)')).toThrow(/overflow/);
    expect(asNumber(run('STATS_COUNT(STATS_ADD(STATS_INIT(5), 3e-305))'))).toBe(1);
  });

  it('takes the window only from a positive number', () => {
    expect(run('STATS_INIT()')).toBeInstanceOf(OnlineStats);
    expect(run('STATS_INIT(0)')).toBeInstanceOf(OnlineStats);
    expect(run('STATS_INIT(-3)')).toBeInstanceOf(OnlineStats);
    expect(run("STATS_INIT('5')")).toBeInstanceOf(OnlineStats);
    expect(run('STATS_INIT(null)')).toBeInstanceOf(OnlineStats);
    const w = run('STATS_INIT(2.7)');
    expect(w).toBeInstanceOf(WindowedStats);
    expect((w as WindowedStats).window).toBe(2);
  });

  it('fails to add what is not a number', () => {
    expect(() => run("STATS_ADD(STATS_INIT(), {'a': 1})")).toThrow(StellarError);
    expect(() => run("STATS_ADD(STATS_INIT(), ['1', 'x'])")).toThrow(StellarError);
    expect(() => run("STATS_ADD('stats', 1)")).toThrow(StellarError);
  });
});

describe('BIN', () => {
  it('bins against explicit bounds (Metron BinFunctionsTest)', () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [9, 0],
      [10, 0],
      [11, 1],
      [19, 1],
      [21, 2],
      [29, 2],
      [31, 3],
      [1000, 3],
    ];
    for (const [value, bin] of cases)
      expect(run('BIN(value, [10, 20, 30])', { value }), String(value)).toBe(bin);
  });

  it('returns -1 without a value or bounds, and reads bounds lazily', () => {
    expect(run('BIN(5)')).toBe(-1);
    expect(run('BIN(5, null)')).toBe(-1);
    expect(run('BIN(5, [])')).toBe(-1);
    expect(run("BIN('15', [10, 20])")).toBe(1);
    expect(run("BIN(5, [10, 'x'])")).toBe(0);
    expect(() => run("BIN(15, [10, 'x'])")).toThrow(StellarError);
    expect(() => run("BIN(5, 'abc')")).toThrow(StellarError);
    expect(() => run('BIN()')).toThrow(StellarError);
  });
});

describe('IT_ENTROPY', () => {
  it('computes base-2 entropy of counts', () => {
    expect(asNumber(run("IT_ENTROPY({'a': 1, 'b': 1, 'c': 1, 'd': 1})"))).toBe(2);
    expect(asNumber(run("IT_ENTROPY({'a': 7})"))).toBe(0);
    close(
      asNumber(run("IT_ENTROPY({'a': 1, 'b': 2})")),
      -(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3),
    );
  });

  it('is null for null, NaN with a zero count (0·log 0), and fails on non-maps', () => {
    expect(run('IT_ENTROPY(null)')).toBeNull();
    expect(asNumber(run("IT_ENTROPY({'a': 0, 'b': 2})"))).toBeNaN();
    expect(() => run("IT_ENTROPY('abc')")).toThrow(StellarError);
    expect(() => run("IT_ENTROPY({'a': 'x'})")).toThrow(StellarError);
  });
});
