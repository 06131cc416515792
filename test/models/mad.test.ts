import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { seededRandom, UsageError } from '#core';
import {
  exportMadBaselineOnnx,
  MAD_BASELINE_ONNX,
  MadBaseline,
  type MadBaselineJson,
  trainMadBaseline,
} from '#models';

const { onnx } = onnxProto;

/** Iglewicz & Hoaglin's fallback when MAD = 0: z = (x − median) / (1.253314 · MeanAD). */
const meanAdScore = (deviation: number, meanAd: number) => deviation / (1.253314 * meanAd);

describe('trainMadBaseline: exact medians and MADs', () => {
  it('odd counts: the middle value, and the middle absolute deviation', () => {
    // f0 1 2 3 4 100: median 3, |x − 3| = 2 1 0 1 97 → 0 1 1 2 97, MAD 1.
    // f1 10 30 20 50 40: median 30, |x − 30| = 20 0 10 20 10 → 0 10 10 20 20, MAD 10.
    const rows = [
      [1, 10],
      [2, 30],
      [3, 20],
      [4, 50],
      [100, 40],
    ];
    const model = trainMadBaseline(rows);
    expect(model.featureCount).toBe(2);
    expect(Array.from(model.medians)).toEqual([3, 30]);
    expect(Array.from(model.mads)).toEqual([1, 10]);
    expect(model.scale).toBe(0.6745);
    expect(model.threshold).toBe(3.5);
    expect(model.multipliers[0]).toBe(0.6745);
    expect(model.multipliers[1]).toBe(0.6745 / 10);
    const scores = model.score(rows);
    // row 0: max(0.6745 · 2, 0.06745 · 20) = 1.349; row 4: 0.6745 · 97 = 65.4265.
    expect(scores[0]).toBeCloseTo(1.349, 12);
    expect(scores[2]).toBeCloseTo(0.6745, 12); // max(0, 0.06745 · 10)
    expect(scores[4]).toBeCloseTo(65.4265, 12);
    expect(Array.from(model.predict(rows))).toEqual([1, 1, 1, 1, -1]);
  });

  it("even counts: the mean of the two middle values, as numpy's median", () => {
    // f0 1 2 4 7: median (2 + 4) / 2 = 3, |x − 3| = 2 1 1 4 → 1 1 2 4, MAD (1 + 2) / 2 = 1.5.
    // f1 -2.5 0.5 8 3: median (0.5 + 3) / 2 = 1.75, |x − 1.75| = 4.25 1.25 6.25 1.25, MAD 2.75.
    const model = trainMadBaseline([
      [1, -2.5],
      [2, 0.5],
      [4, 8],
      [7, 3],
    ]);
    expect(Array.from(model.medians)).toEqual([3, 1.75]);
    expect(Array.from(model.mads)).toEqual([1.5, 2.75]);
    expect(model.multipliers[0]).toBeCloseTo(0.449666666666667, 14);
    expect(model.multipliers[1]).toBeCloseTo(0.6745 / 2.75, 14);
    // x = 9: max(0.6745 · 6 / 1.5, 0.6745 · 1.75 / 2.75) = 2.698
    expect(model.score([[9, 0]])[0]).toBeCloseTo(2.698, 12);
  });

  it('on random data, half the values lie on each side of the median and within the MAD of it', () => {
    const random = seededRandom(11);
    for (const n of [101, 100]) {
      const values = Array.from({ length: n }, () => Math.round(1000 * random() ** 3) / 10);
      const model = trainMadBaseline(values.map((v) => [v]));
      const median = model.medians[0] as number;
      const mad = model.mads[0] as number;
      const count = (p: (v: number) => boolean) => values.filter(p).length;
      expect(count((v) => v <= median)).toBeGreaterThanOrEqual(n / 2);
      expect(count((v) => v >= median)).toBeGreaterThanOrEqual(n / 2);
      expect(count((v) => Math.abs(v - median) <= mad)).toBeGreaterThanOrEqual(n / 2);
      expect(count((v) => Math.abs(v - median) >= mad)).toBeGreaterThanOrEqual(n / 2);
    }
  });

  it('trains the flat float32 form exactly as the row form', () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 301 }, () => [random() * 10, Math.fround(random() - 0.5), 3]);
    const flat = Float32Array.from(rows.flat());
    const fromRows = trainMadBaseline(rows.map((r) => Array.from(Float32Array.from(r))));
    const fromFlat = trainMadBaseline(flat, { featureCount: 3 });
    expect(fromFlat.toJSON()).toEqual(fromRows.toJSON());
    expect(fromFlat.score(flat)).toEqual(fromRows.score(rows.map((r) => Float32Array.from(r))));
  });
});

describe('MadBaseline: MAD = 0 and constant features', () => {
  it("with MAD 0, falls back to Iglewicz & Hoaglin's mean absolute deviation", () => {
    // 5 5 5 5 9: median 5, |x − 5| = 0 0 0 0 4, MAD 0; MeanAD 4 / 5 = 0.8.
    const model = trainMadBaseline([[5], [5], [5], [5], [9]]);
    expect(model.mads[0]).toBe(0);
    expect(model.multipliers[0]).toBeCloseTo(1 / (1.253314 * 0.8), 14);
    // 4 / (1.253314 · 0.8) = 3.989423…: above 3.5, an outlier.
    expect(model.score([[9]])[0]).toBeCloseTo(3.989423241103187, 12);
    expect(model.score([[9]])[0]).toBeCloseTo(meanAdScore(4, 0.8), 12);
    expect(model.score([[3]])[0]).toBeCloseTo(meanAdScore(2, 0.8), 12);
    expect(Array.from(model.predict([[9], [5], [6]]))).toEqual([-1, 1, 1]);
  });

  it('the fallback does not depend on scale', () => {
    const model = trainMadBaseline([[5], [5], [5], [9]], { scale: 1 });
    expect(model.multipliers[0]).toBeCloseTo(1 / (1.253314 * 1), 14); // MeanAD 4 / 4 = 1
  });

  it('a constant feature has multiplier 0 and never contributes, whatever the value', () => {
    const model = trainMadBaseline([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(Array.from(model.mads)).toEqual([0, 1]);
    expect(Array.from(model.multipliers)).toEqual([0, 0.6745]);
    const scores = model.score([
      [1e9, 2],
      [Number.POSITIVE_INFINITY, 2],
      [2, 5],
    ]);
    expect(Array.from(scores)).toEqual([0, 0, 0.6745 * 3]);
  });
});

describe('MadBaseline: NaN is a missing value', () => {
  it('training skips NaN per feature', () => {
    // f0 1 3 5 7 (NaN skipped): median 4, |x − 4| = 3 1 1 3, MAD 2. f1 has no NaN.
    const nan = Number.NaN;
    const model = trainMadBaseline([
      [1, 0],
      [nan, 10],
      [3, 20],
      [nan, 30],
      [5, 40],
      [7, 50],
    ]);
    expect(Array.from(model.medians)).toEqual([4, 25]);
    expect(Array.from(model.mads)).toEqual([2, 15]);
  });

  it('scoring skips NaN values; an all-NaN row scores 0', () => {
    const model = trainMadBaseline([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    const nan = Number.NaN;
    const scores = model.score([
      [nan, 50], // 0.6745 · 30 / 10
      [102, nan], // 0.6745 · 100
      [nan, nan],
    ]);
    expect(scores[0]).toBeCloseTo(2.0235, 12);
    expect(scores[1]).toBeCloseTo(67.45, 12);
    expect(scores[2]).toBe(0);
  });
});

describe("Metron's OUTLIER_MAD_SCORE semantics", () => {
  it('scores one feature as 0.6745 · |x − median| / MAD, computed by hand', () => {
    // 11 12 12 13 13 14 15 16 40: median 13; |x − 13| sorted 0 0 1 1 1 2 2 3 27: MAD 1.
    const values = [12, 15, 11, 14, 13, 40, 12, 16, 13];
    const model = trainMadBaseline(values.map((v) => [v]));
    expect(model.medians[0]).toBe(13);
    expect(model.mads[0]).toBe(1);
    const probes = [40, 11, 20, 17, 13, 8.5];
    const expected = [18.2115, 1.349, 4.7215, 2.698, 0, 3.03525];
    const scores = model.score(probes.map((x) => [x]));
    probes.forEach((_, i) => {
      expect(scores[i]).toBeCloseTo(expected[i] as number, 12);
    });
    expect(Array.from(model.predict(probes.map((x) => [x])))).toEqual([-1, 1, -1, 1, 1, 1]);
    // scale 1: the plain ratio |x − median| / MAD.
    const plain = trainMadBaseline(
      values.map((v) => [v]),
      { scale: 1, threshold: 5 },
    );
    expect(Array.from(plain.score([[40], [20]]))).toEqual([27, 7]);
    expect(Array.from(plain.predict([[40], [17]]))).toEqual([-1, 1]);
  });

  it('a row scores its most unusual feature', () => {
    const model = trainMadBaseline([
      [0, 100],
      [1, 110],
      [2, 120],
    ]);
    // f0: median 1, MAD 1; f1: median 110, MAD 10.
    expect(model.score([[4, 120]])[0]).toBeCloseTo(0.6745 * 3, 12);
    expect(model.score([[1, 170]])[0]).toBeCloseTo(0.6745 * 6, 12);
  });
});

describe('trainMadBaseline and score: bad input', () => {
  const nan = Number.NaN;

  it('throws UsageError naming the problem', () => {
    expect(() => trainMadBaseline([])).toThrow(UsageError);
    expect(() => trainMadBaseline([])).toThrow(/needs at least 1 row, got 0/);
    expect(() => trainMadBaseline([], { scale: -1 })).toThrow(/scale must be .*; needs at least 1 row/);
    expect(() => trainMadBaseline(new Float32Array(0), { featureCount: 2 })).toThrow(/needs at least 1 row/);
    expect(() =>
      trainMadBaseline([
        [1, nan, 2, nan],
        [2, nan, 3, nan],
      ]),
    ).toThrow(/feature 1, feature 3 have no values \(every one is NaN\)/);
    expect(() => trainMadBaseline([[nan], [nan]])).toThrow(/feature 0 has no values/);
    expect(() => trainMadBaseline([[1, 2], [3]])).toThrow(/row 1 has 1 features, row 0 has 2/);
    expect(() => trainMadBaseline([[1], [Number.NEGATIVE_INFINITY]])).toThrow(/row 1 feature 0 is -Infinity/);
    expect(() => trainMadBaseline([[]])).toThrow(/rows have no features/);
    expect(() => trainMadBaseline([[1]], { scale: 0, threshold: nan })).toThrow(
      /scale must be a finite number > 0, got 0; threshold must be a finite number > 0, got NaN/,
    );
    expect(() => trainMadBaseline([[1]], { featureCount: 2 })).toThrow(/featureCount is 2 but row 0 has 1/);
  });

  it('needs featureCount with flat rows, and whole rows', () => {
    const flat = new Float32Array(7);
    expect(() => trainMadBaseline(flat)).toThrow(/featureCount is required with flat Float32Array rows/);
    expect(() => trainMadBaseline(flat, { featureCount: 2 })).toThrow(
      /7 values is not a whole number of 2-feature rows/,
    );
    expect(() => trainMadBaseline(flat, { featureCount: 1.5 })).toThrow(
      /featureCount must be a whole number/,
    );
  });

  it('refuses rows of the wrong width when scoring', () => {
    const model = trainMadBaseline([
      [1, 2],
      [3, 4],
    ]);
    expect(() => model.score([[1, 2, 3]])).toThrow(/row 0 has 3 features, the model takes 2/);
    expect(() => model.predict(new Float32Array(3))).toThrow(/3 values is not a whole number of 2-feature/);
  });
});

describe('MadBaseline JSON', () => {
  const random = seededRandom(2024);
  const rows = Array.from({ length: 500 }, () => [random() * 100, random() < 0.7 ? 0 : random(), 4]);
  const model = trainMadBaseline(rows, { threshold: 4 });
  const scores = model.score(rows);

  it('round-trips with identical scores and labels', () => {
    const text = JSON.stringify(model);
    const json = JSON.parse(text) as MadBaselineJson;
    expect(json.kind).toBe('mad');
    expect(json.format).toBe(1);
    expect(json.threshold).toBe(4);
    expect(json.mads[1]).toBe(0); // a MeanAD-fallback feature survives the round trip
    const back = MadBaseline.fromJSON(text);
    expect(back.score(rows)).toEqual(scores);
    expect(back.predict(rows)).toEqual(model.predict(rows));
    expect(JSON.stringify(back)).toBe(text);
    expect(MadBaseline.fromJSON(json).score(rows)).toEqual(scores);
  });

  it('refuses damaged JSON, listing every problem', () => {
    const json = model.toJSON();
    const bad = (patch: Record<string, unknown>) => () => MadBaseline.fromJSON({ ...json, ...patch });
    expect(bad({ kind: 'isolation-forest' })).toThrow(UsageError);
    expect(bad({ kind: 'isolation-forest', format: 2 })).toThrow(
      /kind: expected 'mad', got isolation-forest\n {2}format: expected 1, got 2/,
    );
    expect(bad({ medians: [1, 2] })).toThrow(/medians: 2 values for 3 features/);
    expect(bad({ mads: [1, 'x', 0] })).toThrow(/mads: not an array of finite numbers/);
    expect(bad({ scale: -1, threshold: 0 })).toThrow(/scale: expected a finite number > 0.*\n.*threshold/);
    expect(bad({ featureCount: 0 })).toThrow(/featureCount: expected a whole number >= 1, got 0/);
    expect(bad({ mads: [-1, 0, 0] })).toThrow(/mads\[0\]: -1 is negative/);
    expect(bad({ multipliers: [1, json.multipliers[1], 0] })).toThrow(
      /multipliers\[0\]: expected scale \/ mads\[0\] = [\d.e-]+, got 1/,
    );
    expect(bad({ multipliers: [json.multipliers[0], -2, 0] })).toThrow(/multipliers\[1\]: -2 is negative/);
    expect(() => MadBaseline.fromJSON('{"kind": "mad",')).toThrow(/invalid MAD baseline JSON: not JSON/);
    expect(() => MadBaseline.fromJSON([1, 2])).toThrow(/invalid MAD baseline JSON:\n {2}not an object/);
  });
});

describe('exportMadBaselineOnnx run by onnxruntime-node', () => {
  const FEATURES = 6;
  const featureNames = ['z', 'level', 'count', 'mostly_zero', 'constant', 'gappy'];

  /**
   * Six features of different kinds: Gaussian, a large level, log-normal counts, one that is 0
   * in 80 % of rows (MAD 0: the MeanAD fallback), a constant, and one with 10 % NaN. `spread`
   * widens the draws so that some rows are outliers.
   */
  const draw = (random: () => number, n: number, spread: number): number[][] => {
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Array.from({ length: n }, () => [
      spread * gaussian(),
      1000 + 50 * spread * gaussian(),
      Math.round(Math.exp(2 + spread * gaussian())),
      random() < 0.8 ? 0 : 1 + 5 * spread * random(),
      7,
      random() < 0.1 ? Number.NaN : -3 + 3 * spread * gaussian(),
    ]);
  };
  const random = seededRandom(20260417);
  const training = draw(random, 2000, 1);
  const model = trainMadBaseline(training);
  // Training rows, wider rows, rows with NaN here and there, and an all-NaN row.
  const withGaps = draw(random, 500, 2).map((row) => row.map((v) => (random() < 0.25 ? Number.NaN : v)));
  const all = [
    ...training,
    ...draw(random, 1000, 3),
    ...withGaps,
    Array.from(model.medians),
    Array.from({ length: FEATURES }, () => Number.NaN),
  ];
  const input = Float32Array.from(all.flat());

  const run = async (bytes: Uint8Array, values: Float32Array) => {
    const session = await ort.InferenceSession.create(bytes);
    const rows = values.length / FEATURES;
    const out = await session.run({
      [MAD_BASELINE_ONNX.input]: new ort.Tensor('float32', values, [rows, FEATURES]),
    });
    return {
      score: out[MAD_BASELINE_ONNX.score] as ort.Tensor,
      label: out[MAD_BASELINE_ONNX.label] as ort.Tensor,
    };
  };

  it('exercises every kind of feature', () => {
    expect(model.mads[3]).toBe(0);
    expect(model.multipliers[3]).toBeGreaterThan(0);
    expect(model.multipliers[4]).toBe(0);
    expect(Array.from(model.mads).filter((m) => m > 0)).toHaveLength(4);
  });

  it('declares input features float32 [N, 6], outputs score and label, opset 17 only', async () => {
    const bytes = exportMadBaselineOnnx(model, { featureNames, modelName: 'host_mad' });
    const decoded = onnx.ModelProto.decode(bytes);
    expect(Number(decoded.irVersion)).toBe(8);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = decoded.graph as InstanceType<typeof onnx.GraphProto>;
    expect(graph.name).toBe('host_mad');
    expect(graph.node.every((n) => n.domain === '')).toBe(true);
    expect(graph.node.map((n) => n.opType)).toEqual([
      'IsNaN',
      'Or',
      'Where',
      'Sub',
      'Abs',
      'Mul',
      'ReduceMax',
      'Greater',
      'Where',
    ]);
    expect(graph.input.map((i) => i.name)).toEqual(['features']);
    const type = graph.input[0]?.type?.tensorType;
    expect(type?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(type?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 6]);
    expect(graph.output.map((o) => [o.name, o.type?.tensorType?.elemType])).toEqual([
      ['score', onnx.TensorProto.DataType.FLOAT],
      ['label', onnx.TensorProto.DataType.INT64],
    ]);
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(meta.model_type).toBe('mad');
    expect(JSON.parse(meta.feature_names as string)).toEqual(featureNames);
    expect(meta.threshold).toBe('3.5');
    expect(meta.scale).toBe('0.6745');

    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['score', 'label']);
    const unnamed = onnx.ModelProto.decode(exportMadBaselineOnnx(model, { featureNames }));
    expect(unnamed.graph?.name).toBe('mad_baseline');
  });

  it('agrees with TypeScript on scores (relative 1e-5) and labels, NaN rows included', async () => {
    const { score, label } = await run(exportMadBaselineOnnx(model, { featureNames }), input);
    expect(score.dims).toEqual([all.length, 1]);
    expect(label.dims).toEqual([all.length, 1]);
    expect(label.data).toBeInstanceOf(BigInt64Array);
    const expected = model.score(input);
    const onnxScores = score.data as Float32Array;
    let maxRelative = 0;
    for (let i = 0; i < expected.length; i++) {
      const b = expected[i] as number;
      const relative = Math.abs((onnxScores[i] as number) - b) / Math.max(1, Math.abs(b));
      maxRelative = Math.max(maxRelative, relative);
    }
    expect(maxRelative).toBeLessThan(1e-5);
    const labels = Array.from(label.data as BigInt64Array, Number);
    expect(labels).toEqual(Array.from(model.predict(input)));
    const outliers = labels.filter((l) => l === -1).length;
    expect(outliers).toBeGreaterThan(100);
    expect(outliers).toBeLessThan(all.length - 100);
    // The all-NaN row scores 0 on both sides; so does the row of medians in float32, where
    // TypeScript sees only how far float32 rounding moved the values from the float64 medians.
    expect(Array.from(onnxScores.subarray(all.length - 2))).toEqual([0, 0]);
    expect(expected[all.length - 1]).toBe(0);
    expect(expected[all.length - 2]).toBeLessThan(1e-5);
  });

  it('agrees on infinite values: ∞ where a feature counts, nothing on the constant one', async () => {
    const inf = Number.POSITIVE_INFINITY;
    const medians = Array.from(model.medians);
    const rows = [
      medians.map((m, j) => (j === 0 ? inf : m)),
      medians.map((m, j) => (j === 3 ? -inf : m)),
      medians.map((m, j) => (j === 4 ? inf : m)),
      medians.map((m, j) => (j === 4 ? -inf : j === 1 ? m + 100 : m)),
    ];
    const values = Float32Array.from(rows.flat());
    const { score, label } = await run(exportMadBaselineOnnx(model, { featureNames }), values);
    const expected = model.score(rows); // float64 medians: exactly 0 where a row holds them
    expect(Array.from(expected.subarray(0, 3))).toEqual([inf, inf, 0]);
    expect(expected[3]).toBeGreaterThan(0);
    const onnxScores = score.data as Float32Array;
    expect(Array.from(onnxScores.subarray(0, 3))).toEqual([inf, inf, 0]);
    expect(
      Math.abs((onnxScores[3] as number) - (expected[3] as number)) / (expected[3] as number),
    ).toBeLessThan(1e-5);
    expect(Array.from(label.data as BigInt64Array, Number)).toEqual(Array.from(model.predict(rows)));
  });

  it('refuses feature names that do not match the model', () => {
    expect(() => exportMadBaselineOnnx(model, { featureNames: ['a'] })).toThrow(
      /1 feature names for a model of 6 features/,
    );
    expect(() => exportMadBaselineOnnx(model, { featureNames: ['a', 'b', 'c', 'd', 'e', 'a'] })).toThrow(
      /'a' appears twice/,
    );
  });

  it('refuses a model that float32 cannot hold', () => {
    // MAD 1e-50: the multiplier 6.7e49 overflows float32. Median 2e39 overflows too.
    const tiny = trainMadBaseline([[1e-50], [2e-50], [3e-50]]);
    expect(() => exportMadBaselineOnnx(tiny, { featureNames: ['x'] })).toThrow(
      /cannot hold feature 0: multiplier 6\.745\d*e\+49/,
    );
    const huge = trainMadBaseline([[1e39], [2e39], [3e39]]);
    expect(() => exportMadBaselineOnnx(huge, { featureNames: ['x'] })).toThrow(/feature 0: median 2e\+39/);
  });
});
