/**
 * Isolation Forest (Liu, Ting & Zhou 2008) with scikit-learn's definitions: the same subsampling,
 * height limit, path length, `score_samples`, `offset_`, `decision_function` and `predict`, so a
 * data scientist reading sklearn's docs reads ours. Training is seeded and reproducible.
 *
 * Splits compare float32 values (`x <= threshold`, both rounded to float32) because the ONNX
 * export's TreeEnsembleRegressor does exactly that: TypeScript and ONNX agree on every branch.
 */

import { seededRandom, UsageError } from '#core';

/** Rows scored together, tree by tree; a block of float32 rows stays in L2 cache. */
const BLOCK_ROWS = 2048;

/** Euler–Mascheroni constant, as numpy's `euler_gamma`. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n points,
 * which normalises path lengths (sklearn's `_average_path_length`).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Training options; defaults are scikit-learn's. */
export interface IsolationForestOptions {
  /** Number of trees (`n_estimators`), default 100. */
  trees?: number;
  /** Rows drawn without replacement per tree, default 256, capped at the row count. */
  maxSamples?: number;
  /** Seed of the PRNG, an integer in [0, 2^32). Same seed and data: same forest. */
  seed: number;
  /** Expected share of outliers in (0, 0.5], or 'auto' (offset -0.5, the paper's). Default 'auto'. */
  contamination?: number | 'auto';
}

/**
 * One tree in flat arrays indexed by node; node 0 is the root and children come after their
 * parent. A leaf has `feature` -1, `left` and `right` -1, and `value` = its depth + c(training
 * rows that reached it); a branch sends `x[feature] <= threshold` (float32) left.
 */
export interface IsolationTree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** The JSON form of a tree: the same arrays as plain numbers. */
export interface IsolationTreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** The JSON form of a model (what `model.json` and the registry keep). */
export interface IsolationForestJson {
  kind: 'isolation-forest';
  format: 1;
  featureCount: number;
  maxSamples: number;
  offset: number;
  seed: number;
  contamination: number | 'auto';
  trees: IsolationTreeJson[];
}

/**
 * Feature rows to score: an array of rows, or one flat row-major Float32Array of
 * `rows × featureCount` values (what ONNX Runtime takes, scored without copying). Values are
 * rounded to float32 as ONNX does; a NaN fails every `<=` and goes right, in ONNX as here.
 */
export type FeatureRows = readonly ArrayLike<number>[] | Float32Array;

/**
 * A trained Isolation Forest. `JSON.stringify(model)` gives {@link IsolationForestJson} and
 * {@link IsolationForest.fromJSON} reads it back (checked; the constructor trusts its input). Treat
 * it as immutable: scoring walks a copy of the trees made at construction.
 *
 * Scores follow sklearn: {@link scoreSamples} is higher for more normal rows (about -0.5 and above),
 * {@link decisionFunction} is negative for outliers, {@link predict} gives -1 (outlier) or 1.
 */
export class IsolationForest {
  readonly featureCount: number;
  readonly maxSamples: number;
  readonly offset: number;
  readonly seed: number;
  readonly contamination: number | 'auto';
  readonly trees: readonly IsolationTree[];
  /** -1 / (trees × c(maxSamples)): turns a sum of path lengths into log2 of the anomaly score. */
  readonly #exponentScale: number;
  /** All trees in one set of arrays (children as global node numbers) for a monomorphic walk. */
  readonly #flat: FlatForest;

  constructor(fields: {
    featureCount: number;
    maxSamples: number;
    offset: number;
    seed: number;
    contamination: number | 'auto';
    trees: readonly IsolationTree[];
  }) {
    this.featureCount = fields.featureCount;
    this.maxSamples = fields.maxSamples;
    this.offset = fields.offset;
    this.seed = fields.seed;
    this.contamination = fields.contamination;
    this.trees = fields.trees;
    this.#exponentScale = -1 / (fields.trees.length * averagePathLength(fields.maxSamples));
    this.#flat = flatten(fields.trees);
  }

  /**
   * Per row, the sum over trees of the path length h(x) = depth of the leaf reached + c(rows in
   * that leaf at training). This is what the ONNX TreeEnsembleRegressor outputs.
   */
  pathLengthSums(rows: FeatureRows): Float64Array {
    const f = this.featureCount;
    if (rows instanceof Float32Array) {
      if (rows.length % f !== 0) {
        throw new UsageError(
          `isolation forest: ${rows.length} values is not a whole number of ${f}-feature rows`,
        );
      }
      const n = rows.length / f;
      const out = new Float64Array(n);
      for (let start = 0; start < n; start += BLOCK_ROWS) {
        this.#addPaths(rows, start, Math.min(BLOCK_ROWS, n - start), out, start);
      }
      return out;
    }
    const n = rows.length;
    const out = new Float64Array(n);
    const block = new Float32Array(Math.min(BLOCK_ROWS, n) * f);
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, n - start);
      for (let i = 0; i < count; i++) {
        const row = rows[start + i] as ArrayLike<number>;
        if (row.length !== f) {
          throw new UsageError(
            `isolation forest: row ${start + i} has ${row.length} features, the model takes ${f}`,
          );
        }
        for (let j = 0; j < f; j++) block[i * f + j] = row[j] as number;
      }
      this.#addPaths(block, 0, count, out, start);
    }
    return out;
  }

  /**
   * sklearn's `score_samples`: -2^(-mean path length / c(maxSamples)). Higher is more normal;
   * pass the negation to {@link rocAuc}.
   * @example
   * const model = trainIsolationForest(rows, { seed: 7 });
   * const scores = model.scoreSamples(rows); // each in [-1, 0]
   */
  scoreSamples(rows: FeatureRows): Float64Array {
    const sums = this.pathLengthSums(rows);
    const scale = this.#exponentScale;
    for (let i = 0; i < sums.length; i++) sums[i] = -(2 ** ((sums[i] as number) * scale));
    return sums;
  }

  /** sklearn's `decision_function`: `scoreSamples - offset`; negative means outlier. */
  decisionFunction(rows: FeatureRows): Float64Array {
    const scores = this.scoreSamples(rows);
    for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) - this.offset;
    return scores;
  }

  /** sklearn's `predict`: -1 for an outlier (decision < 0), 1 for an inlier. */
  predict(rows: FeatureRows): Int8Array {
    const decision = this.decisionFunction(rows);
    const out = new Int8Array(decision.length);
    for (let i = 0; i < decision.length; i++) out[i] = (decision[i] as number) < 0 ? -1 : 1;
    return out;
  }

  /** The plain-data form; `JSON.stringify(model)` calls this. */
  toJSON(): IsolationForestJson {
    return {
      kind: 'isolation-forest',
      format: 1,
      featureCount: this.featureCount,
      maxSamples: this.maxSamples,
      offset: this.offset,
      seed: this.seed,
      contamination: this.contamination,
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        left: Array.from(t.left),
        right: Array.from(t.right),
        value: Array.from(t.value),
      })),
    };
  }

  /**
   * Reads a model back from its JSON form (parsed or not), checking every tree so a damaged
   * `model.json` fails here, listing what is wrong, rather than scoring nonsense.
   */
  static fromJSON(json: unknown): IsolationForest {
    const data = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
    const problems: string[] = [];
    const model = readModelJson(data, problems);
    if (model === undefined || problems.length > 0) {
      throw new UsageError(`invalid isolation forest JSON:\n  ${problems.join('\n  ')}`);
    }
    return model;
  }

  /**
   * Adds every tree's path length for `count` rows of `x` from `firstRow` into `out` from `outAt`.
   * Tree by tree over a block of rows rather than row by row: one tree's nodes stay in L1 cache
   * while the rows stream past, which measured about twice as fast. Each row still adds its trees
   * in order, so both input forms give identical sums.
   */
  #addPaths(x: Float32Array, firstRow: number, count: number, out: Float64Array, outAt: number): void {
    const { roots, feature, threshold, left, right, value } = this.#flat;
    const f = this.featureCount;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t] as number;
      for (let i = 0; i < count; i++) {
        const base = (firstRow + i) * f;
        let node = root;
        let feat = feature[node] as number;
        while (feat >= 0) {
          node =
            (x[base + feat] as number) <= (threshold[node] as number)
              ? (left[node] as number)
              : (right[node] as number);
          feat = feature[node] as number;
        }
        out[outAt + i] = (out[outAt + i] as number) + (value[node] as number);
      }
    }
  }
}

interface FlatForest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

function flatten(trees: readonly IsolationTree[]): FlatForest {
  const total = trees.reduce((n, t) => n + t.feature.length, 0);
  const flat: FlatForest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float32Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let at = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = at;
    flat.feature.set(tree.feature, at);
    flat.threshold.set(tree.threshold, at);
    flat.value.set(tree.value, at);
    for (let i = 0; i < tree.feature.length; i++) {
      const l = tree.left[i] as number;
      const r = tree.right[i] as number;
      flat.left[at + i] = l < 0 ? -1 : at + l;
      flat.right[at + i] = r < 0 ? -1 : at + r;
    }
    at += tree.feature.length;
  });
  return flat;
}

/**
 * Trains an Isolation Forest as scikit-learn does: per tree, `maxSamples` rows drawn without
 * replacement, then random splits (a random non-constant feature, a threshold uniform between
 * the node's min and max) down to ceil(log2(maxSamples)) levels. With a numeric contamination
 * the offset is that quantile of the training scores (numpy's linear `percentile`).
 * @example
 * const model = trainIsolationForest(rows, { seed: 42, contamination: 0.01 });
 * const labels = model.predict(rows); // -1 outlier, 1 inlier
 */
export function trainIsolationForest(
  rows: readonly Float64Array[] | number[][],
  options: IsolationForestOptions,
): IsolationForest {
  const { featureCount, trees, maxSamples, seed, contamination } = checkTraining(rows, options);
  const n = rows.length;
  const rng = mulberry32(seed);
  const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
  const built: IsolationTree[] = [];
  const sample = new Float32Array(maxSamples * featureCount);
  for (let t = 0; t < trees; t++) {
    const picked = sampleWithoutReplacement(n, maxSamples, rng);
    for (let i = 0; i < maxSamples; i++) {
      const row = rows[picked[i] as number] as ArrayLike<number>;
      for (let j = 0; j < featureCount; j++) sample[i * featureCount + j] = row[j] as number;
    }
    built.push(buildTree(sample, maxSamples, featureCount, maxDepth, rng));
  }
  const unfitted = new IsolationForest({
    featureCount,
    maxSamples,
    offset: -0.5,
    seed,
    contamination,
    trees: built,
  });
  if (contamination === 'auto') return unfitted;
  const offset = percentile(unfitted.scoreSamples(rows), contamination);
  return new IsolationForest({ featureCount, maxSamples, offset, seed, contamination, trees: built });
}

/**
 * ROC AUC of `scores` against `labels` (true = anomaly, higher score = more anomalous), exact:
 * the Mann–Whitney statistic with tied scores given their average rank.
 * @example
 * rocAuc(Array.from(model.scoreSamples(rows), (s) => -s), isAnomaly);
 */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) {
    throw new UsageError(`rocAuc: ${scores.length} scores but ${labels.length} labels`);
  }
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (const s of scores) if (Number.isNaN(s)) throw new UsageError('rocAuc: a score is NaN');
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && scores[order[j] as number] === scores[order[i] as number]) j++;
    const rank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) {
      if (labels[order[k] as number]) {
        positives++;
        positiveRankSum += rank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new UsageError('rocAuc: needs at least one anomaly and one normal label');
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

interface TrainingPlan {
  featureCount: number;
  trees: number;
  maxSamples: number;
  seed: number;
  contamination: number | 'auto';
}

function checkTraining(rows: readonly ArrayLike<number>[], options: IsolationForestOptions): TrainingPlan {
  const problems: string[] = [];
  const trees = options.trees ?? 100;
  const requestedSamples = options.maxSamples ?? 256;
  const contamination = options.contamination ?? 'auto';
  if (!Number.isInteger(trees) || trees < 1) problems.push(`trees must be a whole number >= 1, got ${trees}`);
  if (!Number.isInteger(requestedSamples) || requestedSamples < 2) {
    problems.push(`maxSamples must be a whole number >= 2, got ${requestedSamples}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    problems.push(`seed must be a whole number in [0, 2^32), got ${options.seed}`);
  }
  if (contamination !== 'auto' && !(contamination > 0 && contamination <= 0.5)) {
    problems.push(`contamination must be 'auto' or in (0, 0.5], got ${contamination}`);
  }
  const featureCount = rows[0]?.length ?? 0;
  if (rows.length < 2) problems.push(`needs at least 2 rows, got ${rows.length}`);
  else if (featureCount < 1) problems.push('rows have no features');
  else {
    for (let i = 0; i < rows.length && problems.length < 10; i++) {
      const row = rows[i] as ArrayLike<number>;
      if (row.length !== featureCount) {
        problems.push(`row ${i} has ${row.length} features, row 0 has ${featureCount}`);
        continue;
      }
      for (let j = 0; j < featureCount; j++) {
        const v = row[j] as number;
        if (!Number.isFinite(Math.fround(v))) {
          problems.push(`row ${i} feature ${j} is ${v}, not a finite float32`);
          break;
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`isolation forest training: ${problems.join('; ')}`);
  }
  return {
    featureCount,
    trees,
    maxSamples: Math.min(requestedSamples, rows.length),
    seed: options.seed,
    contamination,
  };
}

/**
 * Builds one tree over `count` rows of `sample` (row-major float32). Children are numbered after
 * their parent, so node 0 is the root and a reader can check the tree has no cycles.
 */
function buildTree(
  sample: Float32Array,
  count: number,
  featureCount: number,
  maxDepth: number,
  rng: Rng,
): IsolationTree {
  const capacity = 2 * count - 1;
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float32Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const value = new Float64Array(capacity);
  const index = Int32Array.from({ length: count }, (_, i) => i);
  const features = Int32Array.from({ length: featureCount }, (_, i) => i);
  let nodes = 0;

  const grow = (start: number, end: number, depth: number): number => {
    const node = nodes++;
    const size = end - start;
    const split = size > 1 && depth < maxDepth ? chooseSplit(start, end) : undefined;
    if (split === undefined) {
      value[node] = depth + averagePathLength(size);
      return node;
    }
    // Partition index[start, end) so rows with x <= threshold come first.
    let mid = start;
    for (let i = start; i < end; i++) {
      const row = index[i] as number;
      if ((sample[row * featureCount + split.feature] as number) <= split.threshold) {
        index[i] = index[mid] as number;
        index[mid] = row;
        mid++;
      }
    }
    feature[node] = split.feature;
    threshold[node] = split.threshold;
    left[node] = grow(start, mid, depth + 1);
    right[node] = grow(mid, end, depth + 1);
    return node;
  };

  // Features are tried in a random order until one is not constant over the node's rows: a
  // uniform choice among the non-constant ones, as sklearn's splitter with max_features=1.
  const chooseSplit = (start: number, end: number): { feature: number; threshold: number } | undefined => {
    for (let tried = 0; tried < featureCount; tried++) {
      const k = tried + rng.below(featureCount - tried);
      const f = features[k] as number;
      features[k] = features[tried] as number;
      features[tried] = f;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const v = sample[(index[i] as number) * featureCount + f] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) {
        // Uniform in [min, max), rounded to float32; a draw that rounds up to max would send
        // every row left, so it becomes min, as sklearn does when the draw equals max.
        let t = Math.fround(min + rng.float() * (max - min));
        if (t >= max) t = min;
        return { feature: f, threshold: t };
      }
    }
    return undefined;
  };

  grow(0, count, 0);
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    value: value.slice(0, nodes),
  };
}

/** numpy's `percentile(values, 100 * q)` with its default linear interpolation. */
function percentile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (position - lo);
}

interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number;
  /** Uniform whole number in [0, n). */
  below(n: number): number;
}

/** The project's seeded PRNG (mulberry32); plenty for choosing samples and splits. */
function mulberry32(seed: number): Rng {
  const next = seededRandom(seed);
  return {
    float: next,
    below: (n) => Math.floor(next() * n),
  };
}

/**
 * k distinct indices in [0, n), by Floyd's algorithm: O(k) time and memory whatever n is, so a
 * forest over millions of rows does not shuffle them all per tree.
 */
function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  const chosen = new Set<number>();
  const out = new Int32Array(k);
  let i = 0;
  for (let j = n - k; j < n; j++) {
    const t = rng.below(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out[i++] = pick;
  }
  return out;
}

function readModelJson(data: unknown, problems: string[]): IsolationForest | undefined {
  if (typeof data !== 'object' || data === null) {
    problems.push('not an object');
    return undefined;
  }
  const d = data as Record<string, unknown>;
  if (d.kind !== 'isolation-forest')
    problems.push(`kind: expected 'isolation-forest', got ${String(d.kind)}`);
  if (d.format !== 1) problems.push(`format: expected 1, got ${String(d.format)}`);
  const featureCount = d.featureCount;
  const maxSamples = d.maxSamples;
  const offset = d.offset;
  const seed = d.seed;
  const contamination = d.contamination;
  if (!Number.isInteger(featureCount) || (featureCount as number) < 1)
    problems.push('featureCount: not a whole number >= 1');
  if (!Number.isInteger(maxSamples) || (maxSamples as number) < 2)
    problems.push('maxSamples: not a whole number >= 2');
  if (typeof offset !== 'number' || !Number.isFinite(offset)) problems.push('offset: not a finite number');
  if (!Number.isInteger(seed)) problems.push('seed: not a whole number');
  if (
    contamination !== 'auto' &&
    !(typeof contamination === 'number' && contamination > 0 && contamination <= 0.5)
  ) {
    problems.push(`contamination: expected 'auto' or a number in (0, 0.5], got ${String(contamination)}`);
  }
  if (!Array.isArray(d.trees) || d.trees.length === 0) {
    problems.push('trees: not a non-empty array');
    return undefined;
  }
  if (problems.length > 0) return undefined;
  const trees = d.trees.map((t, i) => readTreeJson(t, featureCount as number, `trees[${i}]`, problems));
  if (problems.length > 0) return undefined;
  return new IsolationForest({
    featureCount: featureCount as number,
    maxSamples: maxSamples as number,
    offset: offset as number,
    seed: seed as number,
    contamination: contamination as number | 'auto',
    trees: trees as IsolationTree[],
  });
}

function readTreeJson(
  data: unknown,
  featureCount: number,
  path: string,
  problems: string[],
): IsolationTree | undefined {
  const t = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const arrays: Partial<Record<keyof IsolationTreeJson, number[]>> = {};
  for (const key of ['feature', 'threshold', 'left', 'right', 'value'] as const) {
    const a = t[key];
    if (!Array.isArray(a) || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      problems.push(`${path}.${key}: not an array of finite numbers`);
      return undefined;
    }
    arrays[key] = a as number[];
  }
  const { feature, threshold, left, right, value } = arrays as IsolationTreeJson;
  const size = feature.length;
  if (size === 0 || [threshold, left, right, value].some((a) => a.length !== size)) {
    problems.push(`${path}: the five arrays must have the same, non-zero length`);
    return undefined;
  }
  for (let i = 0; i < size; i++) {
    const f = feature[i] as number;
    if (f === -1) {
      if (left[i] !== -1 || right[i] !== -1)
        problems.push(`${path} node ${i}: a leaf (feature -1) has children`);
      continue;
    }
    if (!Number.isInteger(f) || f < 0 || f >= featureCount) {
      problems.push(`${path} node ${i}: feature ${f} is not -1 or in [0, ${featureCount})`);
    }
    for (const child of [left[i] as number, right[i] as number]) {
      if (!Number.isInteger(child) || child <= i || child >= size) {
        problems.push(`${path} node ${i}: child ${child} must come after it and be < ${size}`);
      }
    }
    if (Math.fround(threshold[i] as number) !== threshold[i]) {
      problems.push(`${path} node ${i}: threshold ${threshold[i]} is not a float32`);
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}
