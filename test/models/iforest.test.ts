import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#core';
import {
  averagePathLength,
  exportIsolationForestOnnx,
  ISOLATION_FOREST_ONNX,
  IsolationForest,
  type IsolationForestJson,
  rocAuc,
  trainIsolationForest,
} from '#models';

const { onnx } = onnxProto;
const FEATURES = 6;

/**
 * 2,000 normal rows from three Gaussian blobs (σ 1) in 6 dimensions, then 40 anomalies drawn
 * uniformly from [-14, 14]^6 but at least 6 from every blob centre. Anomalies come last.
 */
function labelledData(seed: number): { rows: Float64Array[]; isAnomaly: boolean[] } {
  const rand = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = [
    [0, 0, 0, 0, 0, 0],
    [6, -4, 2, 5, -3, 1],
    [-5, 5, -6, 0, 4, -2],
  ];
  const rows: Float64Array[] = [];
  const isAnomaly: boolean[] = [];
  for (let i = 0; i < 2000; i++) {
    const centre = centres[i % centres.length] as number[];
    rows.push(Float64Array.from(centre, (c, j) => c + gaussian() * (j === 0 ? 2 : 1)));
    isAnomaly.push(false);
  }
  while (rows.length < 2040) {
    const row = Float64Array.from({ length: FEATURES }, () => -14 + 28 * rand());
    const near = centres.some((c) => Math.hypot(...c.map((v, j) => v - (row[j] as number))) < 6);
    if (near) continue;
    rows.push(row);
    isAnomaly.push(true);
  }
  return { rows, isAnomaly };
}

const negated = (scores: Float64Array) => Array.from(scores, (s) => -s);

describe('averagePathLength (c(n), sklearn _average_path_length)', () => {
  it('matches the formula 2H(n-1) - 2(n-1)/n with c(1) = 0 and c(2) = 1', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2 (ln 2 + 0.5772156649) - 4/3
    expect(averagePathLength(3)).toBeCloseTo(1.207392357586557, 9);
    // 2 (ln 255 + 0.5772156649) - 510/256 = 2 (5.541263545 + 0.5772156649) - 1.9921875
    expect(averagePathLength(256)).toBeCloseTo(10.244770920116851, 9);
  });
});

describe('trainIsolationForest', () => {
  const { rows, isAnomaly } = labelledData(20261127);
  const model = trainIsolationForest(rows, { seed: 42 });
  const scores = model.scoreSamples(rows);

  it('is reproducible: the same seed gives the same forest and scores', () => {
    const again = trainIsolationForest(rows, { seed: 42 });
    expect(again.scoreSamples(rows)).toEqual(scores);
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
  });

  it('gives a different forest for a different seed', () => {
    const other = trainIsolationForest(rows, { seed: 43 });
    expect(other.trees[0]?.threshold).not.toEqual(model.trees[0]?.threshold);
    expect(other.scoreSamples(rows)).not.toEqual(scores);
  });

  it('has sklearn defaults: 100 trees, 256 samples, height limit 8, offset -0.5 for auto', () => {
    expect(model.trees).toHaveLength(100);
    expect(model.maxSamples).toBe(256);
    expect(model.offset).toBe(-0.5);
    expect(model.contamination).toBe('auto');
    for (const tree of model.trees) {
      // No leaf is deeper than ceil(log2 256) = 8, so none is worth more than 8 + c(256).
      const leafValues = Array.from(tree.value).filter((_, i) => tree.feature[i] === -1);
      expect(Math.max(...leafValues)).toBeLessThanOrEqual(8 + averagePathLength(256));
      expect(tree.feature.length).toBeLessThanOrEqual(2 * 256 - 1);
    }
  });

  it('ranks the injected anomalies above the blobs (AUC >= 0.95)', () => {
    const auc = rocAuc(negated(scores), isAnomaly);
    expect(auc).toBeGreaterThanOrEqual(0.95);
  });

  it("with 'auto', predicts -1 mostly on anomalies", () => {
    const labels = model.predict(rows);
    const flagged = isAnomaly.filter((_, i) => labels[i] === -1);
    const anomaliesFlagged = flagged.filter((a) => a).length;
    expect(anomaliesFlagged).toBeGreaterThanOrEqual(36); // of 40
    expect(anomaliesFlagged / flagged.length).toBeGreaterThan(0.5);
  });

  it('with contamination 0.02, sets the offset so about 2 % of training rows fall below it', () => {
    const fitted = trainIsolationForest(rows, { seed: 42, contamination: 0.02 });
    expect(fitted.scoreSamples(rows)).toEqual(scores); // same trees; only the offset differs
    const below = Array.from(fitted.decisionFunction(rows)).filter((d) => d < 0).length;
    // numpy's linear percentile: position 0.02 × 2,039 = 40.78 between the 41st and 42nd scores,
    // so 41 of 2,040 rows lie strictly below.
    const sorted = Float64Array.from(scores).sort();
    const [s40, s41] = [sorted[40] as number, sorted[41] as number];
    expect(fitted.offset).toBeCloseTo(s40 + 0.78 * (s41 - s40), 12);
    expect(fitted.offset).toBeGreaterThan(s40);
    expect(below).toBe(41);
    expect(fitted.predict(rows).filter((l) => l === -1)).toHaveLength(41);
  });

  it('caps maxSamples at the row count and handles constant features', () => {
    const few = Array.from({ length: 50 }, (_, i) => [i % 7, 3, (i * 13) % 11]);
    const small = trainIsolationForest(few, { seed: 1, trees: 10 });
    expect(small.maxSamples).toBe(50);
    for (const tree of small.trees) expect(Array.from(tree.feature)).not.toContain(1);
    const constant = trainIsolationForest(
      Array.from({ length: 10 }, () => [5, 5]),
      { seed: 1, trees: 3 },
    );
    for (const tree of constant.trees) {
      expect(Array.from(tree.feature)).toEqual([-1]);
      expect(tree.value[0]).toBeCloseTo(averagePathLength(10), 12);
    }
  });

  it('rejects bad input with every problem named', () => {
    expect(() => trainIsolationForest(rows, { seed: -1, contamination: 0.7, trees: 0 })).toThrow(
      /trees must be.*seed must be.*contamination must be/,
    );
    expect(() => trainIsolationForest([[1, 2], [3]], { seed: 1 })).toThrow(/row 1 has 1 features/);
    expect(() =>
      trainIsolationForest(
        [
          [1, Number.NaN],
          [3, 4],
        ],
        { seed: 1 },
      ),
    ).toThrow(/row 0 feature 1/);
    expect(() => model.scoreSamples([[1, 2, 3]])).toThrow(/row 0 has 3 features, the model takes 6/);
  });

  it('scores the flat float32 form exactly as the row form', () => {
    const flat = Float32Array.from(rows.flatMap((r) => Array.from(r)));
    expect(model.scoreSamples(flat)).toEqual(scores);
  });

  it('round-trips through JSON with identical scores', () => {
    const text = JSON.stringify(model);
    const json = JSON.parse(text) as IsolationForestJson;
    expect(json.kind).toBe('isolation-forest');
    expect(json.trees[0]?.feature.length).toBeGreaterThan(1);
    const back = IsolationForest.fromJSON(text);
    expect(back.scoreSamples(rows)).toEqual(scores);
    expect(JSON.stringify(back)).toBe(text);
    const fitted = trainIsolationForest(rows, { seed: 42, contamination: 0.02 });
    const fittedBack = IsolationForest.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(fittedBack.offset).toBe(fitted.offset);
    expect(fittedBack.decisionFunction(rows)).toEqual(fitted.decisionFunction(rows));
  });

  it('refuses a damaged model.json, saying where', () => {
    const json = model.toJSON();
    const tree = json.trees[3] as IsolationForestJson['trees'][number];
    const branch = tree.feature.findIndex((f) => f >= 0);
    tree.left[branch] = branch; // a cycle
    tree.feature[tree.feature.length - 1] = 9; // no such feature (and a leaf turned branch)
    expect(() => IsolationForest.fromJSON(json)).toThrow(/trees\[3\] node 0: child 0 must come after it/);
    expect(() => IsolationForest.fromJSON({ ...json, kind: 'mad' })).toThrow(
      /kind: expected 'isolation-forest'/,
    );
  });
});

describe('rocAuc', () => {
  it('is exact, with tied scores counted as half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, true, false, true])).toBe(1);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [true, false, true, false])).toBe(0);
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    // one tie between a positive and a negative: (1 + 1 + 0.5 + 1) / 4
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [false, false, true, true])).toBe(0.875);
    expect(() => rocAuc([1, 2], [true, true])).toThrow(/at least one anomaly and one normal/);
  });
});

describe('exportIsolationForestOnnx run by onnxruntime-node', () => {
  const { rows } = labelledData(20261127);
  const featureNames = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
  const models = {
    auto: trainIsolationForest(rows, { seed: 42 }),
    contamination: trainIsolationForest(rows, { seed: 42, contamination: 0.02 }),
  };
  // The data, plus rows sitting exactly on split thresholds: both sides must send them left.
  const onThreshold = models.auto.trees.slice(0, 20).flatMap((tree) =>
    Array.from(tree.feature).flatMap((f, i) => {
      if (f < 0) return [];
      const row = Float64Array.from(rows[i] as Float64Array);
      row[f] = tree.threshold[i] as number;
      return [row];
    }),
  );
  const all = [...rows, ...onThreshold];
  const input = Float32Array.from(all.flatMap((r) => Array.from(r)));

  const run = async (model: IsolationForest) => {
    const session = await ort.InferenceSession.create(exportIsolationForestOnnx(model, { featureNames }));
    const feeds = { [ISOLATION_FOREST_ONNX.input]: new ort.Tensor('float32', input, [all.length, FEATURES]) };
    const out = await session.run(feeds);
    return { session, out };
  };

  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
    return max;
  };

  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = exportIsolationForestOnnx(models.auto, { featureNames, modelName: 'conn_iforest' });
  });

  it('declares input features float32 [N, 6] and outputs anomaly, score, decision, label', async () => {
    const decoded = onnx.ModelProto.decode(bytes);
    expect(Number(decoded.irVersion)).toBe(8);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
    const graph = decoded.graph as InstanceType<typeof onnx.GraphProto>;
    expect(graph.name).toBe('conn_iforest');
    expect(graph.input.map((i) => i.name)).toEqual(['features']);
    const type = graph.input[0]?.type?.tensorType;
    expect(type?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(type?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 6]);
    expect(graph.output.map((o) => [o.name, o.type?.tensorType?.elemType])).toEqual([
      ['anomaly', onnx.TensorProto.DataType.FLOAT],
      ['score', onnx.TensorProto.DataType.FLOAT],
      ['decision', onnx.TensorProto.DataType.FLOAT],
      ['label', onnx.TensorProto.DataType.INT64],
    ]);
    const ensemble = graph.node.find((n) => n.opType === 'TreeEnsembleRegressor');
    expect(ensemble?.domain).toBe('ai.onnx.ml');
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.feature_names as string)).toEqual(featureNames);

    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['anomaly', 'score', 'decision', 'label']);
  });

  for (const [name, model] of Object.entries(models)) {
    it(`agrees with TypeScript on score, decision and label (${name} offset)`, async () => {
      const { out } = await run(model);
      const score = out.score as ort.Tensor;
      const decision = out.decision as ort.Tensor;
      const label = out.label as ort.Tensor;
      expect(score.dims).toEqual([all.length, 1]);
      expect(label.data).toBeInstanceOf(BigInt64Array);
      expect(onThreshold.length).toBeGreaterThan(500);
      expect(maxDiff(score.data as Float32Array, model.scoreSamples(all))).toBeLessThan(1e-5);
      const anomaly = (out.anomaly as ort.Tensor).data as Float32Array;
      expect(
        maxDiff(
          anomaly,
          Array.from(model.scoreSamples(all), (s) => -s),
        ),
      ).toBeLessThan(1e-5);
      expect(maxDiff(decision.data as Float32Array, model.decisionFunction(all))).toBeLessThan(1e-5);
      expect(Array.from(label.data as BigInt64Array, Number)).toEqual(Array.from(model.predict(all)));
    });
  }

  it('refuses feature names that do not match the model', () => {
    expect(() => exportIsolationForestOnnx(models.auto, { featureNames: ['a'] })).toThrow(
      /1 feature names for a model of 6 features/,
    );
    expect(() =>
      exportIsolationForestOnnx(models.auto, { featureNames: ['a', 'b', 'c', 'd', 'e', 'a'] }),
    ).toThrow(/'a' appears twice/);
  });
});
