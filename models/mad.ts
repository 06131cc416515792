/**
 * A robust per-feature baseline: the median and the median absolute deviation (MAD) of each
 * feature, and a row's score is its largest modified z-score (Iglewicz & Hoaglin 1993), the
 * quantity Metron's `OUTLIER_MAD_SCORE` gives for one value:
 *
 *   z_j = scale · |x_j − median_j| / MAD_j,   score = max_j z_j,   scale 0.6745 by default.
 *
 * 0.6745 is the 0.75 quantile of the standard normal, so for normal data MAD ≈ 0.6745 σ and z_j
 * reads as "standard deviations from the median"; Iglewicz & Hoaglin flag |z| > 3.5.
 *
 * Unlike Metron's streaming state (deviations from the running median), training here is exact
 * over the whole training set: the median as numpy's `median`, the MAD as the median of
 * |x − median|.
 */

import { UsageError } from '#core';
import type { FeatureRows } from './iforest.js';

/** Metron's and Iglewicz & Hoaglin's scale: Φ⁻¹(0.75), so scale / MAD estimates 1 / σ. */
export const MAD_DEFAULT_SCALE = 0.6745;

/** Iglewicz & Hoaglin's cut-off: a modified z-score above 3.5 marks a potential outlier. */
export const MAD_DEFAULT_THRESHOLD = 3.5;

/**
 * Iglewicz & Hoaglin's constant for the MAD = 0 case, z = (x − median) / (1.253314 · MeanAD):
 * 1.253314 ≈ √(π/2) is σ / E|x − μ| for a normal distribution, so 1.253314 · MeanAD estimates σ
 * as scale / MAD does. The multiplier is 1 / 1.253314 = 0.797885… per unit of MeanAD.
 */
const MEAN_AD_FACTOR = 1 / 1.253314;

/** Options of {@link trainMadBaseline}. */
export interface MadBaselineOptions {
  /** The modified z-score's scale, a number > 0; default {@link MAD_DEFAULT_SCALE}. */
  scale?: number;
  /** Scores above it are outliers in {@link MadBaseline.predict}, > 0; default {@link MAD_DEFAULT_THRESHOLD}. */
  threshold?: number;
  /**
   * Features per row. Required when `rows` is a flat Float32Array (row-major, `rows ×
   * featureCount` values); with an array of rows it is optional and, if given, must match.
   */
  featureCount?: number;
}

/** The JSON form of a baseline (what `model.json` and the registry keep). */
export interface MadBaselineJson {
  kind: 'mad';
  format: 1;
  featureCount: number;
  scale: number;
  threshold: number;
  medians: number[];
  mads: number[];
  multipliers: number[];
}

/**
 * A trained median/MAD baseline. `JSON.stringify(model)` gives {@link MadBaselineJson} and
 * {@link MadBaseline.fromJSON} reads it back (checked; the constructor trusts its input).
 *
 * Per feature j the score is `multipliers[j] · |x_j − medians[j]|`, where the multiplier is
 * - `scale / mads[j]` when the MAD is > 0;
 * - `(1 / 1.253314) / MeanAD_j` when the MAD is 0 but the mean absolute deviation from the
 *   median is not (more than half the training values equal the median): Iglewicz & Hoaglin's
 *   fallback, which does not depend on `scale`;
 * - 0 for a constant feature (MAD and MeanAD both 0): the feature never contributes.
 *
 * A row's score is the largest of its features' (0 if none contributes). A NaN value is missing
 * and contributes nothing, so an all-NaN row scores 0. Values are used as given (float64); ±∞
 * scores ∞ on a feature with a multiplier > 0 and nothing on a constant one.
 */
export class MadBaseline {
  readonly featureCount: number;
  readonly scale: number;
  readonly threshold: number;
  /** Per-feature median of the training values. */
  readonly medians: Float64Array;
  /** Per-feature median of |x − median| over the training values. */
  readonly mads: Float64Array;
  /** Per-feature factor of |x − median| in the score; 0 for a constant feature. */
  readonly multipliers: Float64Array;
  /** The features whose multiplier is > 0: the only ones scoring needs to look at. */
  readonly #active: Int32Array;

  constructor(fields: {
    featureCount: number;
    scale: number;
    threshold: number;
    medians: Float64Array;
    mads: Float64Array;
    multipliers: Float64Array;
  }) {
    this.featureCount = fields.featureCount;
    this.scale = fields.scale;
    this.threshold = fields.threshold;
    this.medians = fields.medians;
    this.mads = fields.mads;
    this.multipliers = fields.multipliers;
    this.#active = Int32Array.from(
      Array.from(fields.multipliers.keys()).filter((j) => (fields.multipliers[j] as number) > 0),
    );
  }

  /**
   * Per row, the largest modified z-score over its features; higher is more anomalous.
   * @example
   * const model = trainMadBaseline(rows);
   * const scores = model.score(rows); // ≥ 0; above 3.5 is unusual
   */
  score(rows: FeatureRows): Float64Array {
    const f = this.featureCount;
    if (rows instanceof Float32Array) {
      if (rows.length % f !== 0) {
        throw new UsageError(
          `mad baseline: ${rows.length} values is not a whole number of ${f}-feature rows`,
        );
      }
      const out = new Float64Array(rows.length / f);
      for (let i = 0; i < out.length; i++) out[i] = this.#rowScore(rows, i * f);
      return out;
    }
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as ArrayLike<number>;
      if (row.length !== f) {
        throw new UsageError(`mad baseline: row ${i} has ${row.length} features, the model takes ${f}`);
      }
      out[i] = this.#rowScore(row, 0);
    }
    return out;
  }

  /** -1 for an outlier (score > threshold), 1 otherwise, as `IsolationForest.predict`. */
  predict(rows: FeatureRows): Int8Array {
    const scores = this.score(rows);
    const out = new Int8Array(scores.length);
    for (let i = 0; i < scores.length; i++) out[i] = (scores[i] as number) > this.threshold ? -1 : 1;
    return out;
  }

  /** The plain-data form; `JSON.stringify(model)` calls this. */
  toJSON(): MadBaselineJson {
    return {
      kind: 'mad',
      format: 1,
      featureCount: this.featureCount,
      scale: this.scale,
      threshold: this.threshold,
      medians: Array.from(this.medians),
      mads: Array.from(this.mads),
      multipliers: Array.from(this.multipliers),
    };
  }

  /**
   * Reads a baseline back from its JSON form (parsed or not), checking it so a damaged
   * `model.json` fails here, listing what is wrong, rather than scoring nonsense.
   */
  static fromJSON(json: unknown): MadBaseline {
    let data = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json) as unknown;
      } catch (cause) {
        throw new UsageError(`invalid MAD baseline JSON: not JSON (${(cause as Error).message})`, { cause });
      }
    }
    const problems: string[] = [];
    const model = readMadJson(data, problems);
    if (model === undefined || problems.length > 0) {
      throw new UsageError(`invalid MAD baseline JSON:\n  ${problems.join('\n  ')}`);
    }
    return model;
  }

  /** The score of the row at `values[base]…values[base + featureCount − 1]`. */
  #rowScore(values: ArrayLike<number>, base: number): number {
    const active = this.#active;
    let max = 0;
    for (let a = 0; a < active.length; a++) {
      const j = active[a] as number;
      const x = values[base + j] as number;
      if (Number.isNaN(x)) continue;
      const z = (this.multipliers[j] as number) * Math.abs(x - (this.medians[j] as number));
      if (z > max) max = z;
    }
    return max;
  }
}

/**
 * Trains a median/MAD baseline: per feature, the exact median and MAD of its training values
 * (NaN values skipped), and the multiplier described at {@link MadBaseline}.
 * @example
 * const model = trainMadBaseline(rows, { threshold: 5 });
 * const labels = model.predict(rows); // -1 where some feature's modified z-score exceeds 5
 */
export function trainMadBaseline(rows: FeatureRows, options: MadBaselineOptions = {}): MadBaseline {
  const { featureCount, rowCount, scale, threshold } = checkTraining(rows, options);
  const value: (i: number, j: number) => number =
    rows instanceof Float32Array
      ? (i, j) => rows[i * featureCount + j] as number
      : (i, j) => (rows[i] as ArrayLike<number>)[j] as number;
  const medians = new Float64Array(featureCount);
  const mads = new Float64Array(featureCount);
  const multipliers = new Float64Array(featureCount);
  const column = new Float64Array(rowCount);
  const missing: number[] = [];
  for (let j = 0; j < featureCount; j++) {
    let n = 0;
    for (let i = 0; i < rowCount; i++) {
      const x = value(i, j);
      if (!Number.isNaN(x)) column[n++] = x;
    }
    if (n === 0) {
      missing.push(j);
      continue;
    }
    const values = column.subarray(0, n);
    const median = medianInPlace(values);
    let deviationSum = 0;
    for (let i = 0; i < n; i++) {
      const deviation = Math.abs((values[i] as number) - median);
      values[i] = deviation;
      deviationSum += deviation;
    }
    const mad = medianInPlace(values);
    const meanAd = deviationSum / n;
    medians[j] = median;
    mads[j] = mad;
    multipliers[j] = mad > 0 ? scale / mad : meanAd > 0 ? MEAN_AD_FACTOR / meanAd : 0;
  }
  if (missing.length > 0) {
    throw new UsageError(
      `mad baseline training: ${missing.map((j) => `feature ${j}`).join(', ')} ` +
        `${missing.length === 1 ? 'has' : 'have'} no values (every one is NaN)`,
    );
  }
  return new MadBaseline({ featureCount, scale, threshold, medians, mads, multipliers });
}

/**
 * numpy's `median`: the middle value, or for an even count the mean of the two middle ones.
 * Sorts `values`.
 */
function medianInPlace(values: Float64Array): number {
  values.sort();
  const n = values.length;
  const hi = values[n >> 1] as number;
  if (n % 2 === 1) return hi;
  const lo = values[(n >> 1) - 1] as number;
  const mean = (lo + hi) / 2;
  // (lo + hi) overflows only beyond ±8.9e307; halving first is then exact enough.
  return Number.isFinite(mean) ? mean : lo / 2 + hi / 2;
}

interface TrainingPlan {
  featureCount: number;
  rowCount: number;
  scale: number;
  threshold: number;
}

function checkTraining(rows: FeatureRows, options: MadBaselineOptions): TrainingPlan {
  const problems: string[] = [];
  const scale = options.scale ?? MAD_DEFAULT_SCALE;
  const threshold = options.threshold ?? MAD_DEFAULT_THRESHOLD;
  if (!(Number.isFinite(scale) && scale > 0))
    problems.push(`scale must be a finite number > 0, got ${scale}`);
  if (!(Number.isFinite(threshold) && threshold > 0)) {
    problems.push(`threshold must be a finite number > 0, got ${threshold}`);
  }
  const given = options.featureCount;
  if (given !== undefined && !(Number.isInteger(given) && given >= 1)) {
    problems.push(`featureCount must be a whole number >= 1, got ${given}`);
  }
  let featureCount = 0;
  let rowCount = 0;
  if (rows instanceof Float32Array) {
    if (given === undefined) problems.push('featureCount is required with flat Float32Array rows');
    else if (Number.isInteger(given) && given >= 1) {
      featureCount = given;
      if (rows.length % given !== 0) {
        problems.push(`${rows.length} values is not a whole number of ${given}-feature rows`);
      }
      rowCount = Math.floor(rows.length / given);
    }
  } else {
    rowCount = rows.length;
    featureCount = rows[0]?.length ?? 0;
    if (rowCount > 0 && featureCount < 1) problems.push('rows have no features');
    if (given !== undefined && rowCount > 0 && given !== featureCount) {
      problems.push(`featureCount is ${given} but row 0 has ${featureCount} features`);
    }
  }
  // A flat array without a usable featureCount has no row count to speak of.
  const counted = !(rows instanceof Float32Array) || featureCount > 0;
  if (counted && rowCount === 0) problems.push('needs at least 1 row, got 0');
  if (problems.length === 0) checkValues(rows, rowCount, featureCount, problems);
  if (problems.length > 0) throw new UsageError(`mad baseline training: ${problems.join('; ')}`);
  return { featureCount, rowCount, scale, threshold };
}

/** Row lengths, and values: NaN (missing) or finite; ±∞ would make a median or MAD infinite. */
function checkValues(rows: FeatureRows, rowCount: number, featureCount: number, problems: string[]): void {
  for (let i = 0; i < rowCount && problems.length < 10; i++) {
    const row =
      rows instanceof Float32Array ? rows.subarray(i * featureCount, (i + 1) * featureCount) : rows[i];
    if (row === undefined || row.length !== featureCount) {
      problems.push(`row ${i} has ${row?.length ?? 0} features, row 0 has ${featureCount}`);
      continue;
    }
    for (let j = 0; j < featureCount; j++) {
      const x = row[j] as number;
      if (typeof x !== 'number' || x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        problems.push(`row ${i} feature ${j} is ${x}: values must be finite numbers, or NaN for missing`);
        break;
      }
    }
  }
}

function readMadJson(data: unknown, problems: string[]): MadBaseline | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push('not an object');
    return undefined;
  }
  const d = data as Record<string, unknown>;
  if (d.kind !== 'mad') problems.push(`kind: expected 'mad', got ${String(d.kind)}`);
  if (d.format !== 1) problems.push(`format: expected 1, got ${String(d.format)}`);
  const { featureCount, scale, threshold } = d;
  if (!Number.isInteger(featureCount) || (featureCount as number) < 1) {
    problems.push(`featureCount: expected a whole number >= 1, got ${String(featureCount)}`);
  }
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) {
    problems.push(`scale: expected a finite number > 0, got ${String(scale)}`);
  }
  if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold > 0)) {
    problems.push(`threshold: expected a finite number > 0, got ${String(threshold)}`);
  }
  const arrays: Partial<Record<'medians' | 'mads' | 'multipliers', Float64Array>> = {};
  for (const key of ['medians', 'mads', 'multipliers'] as const) {
    const a = d[key];
    if (!Array.isArray(a) || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      problems.push(`${key}: not an array of finite numbers`);
    } else if (a.length !== featureCount) {
      problems.push(`${key}: ${a.length} values for ${String(featureCount)} features`);
    } else {
      arrays[key] = Float64Array.from(a as number[]);
    }
  }
  const { medians, mads, multipliers } = arrays;
  if (problems.length > 0 || medians === undefined || mads === undefined || multipliers === undefined) {
    return undefined;
  }
  for (let j = 0; j < mads.length; j++) {
    const mad = mads[j] as number;
    const k = multipliers[j] as number;
    if (mad < 0) problems.push(`mads[${j}]: ${mad} is negative`);
    else if (mad > 0 && k !== (scale as number) / mad) {
      problems.push(`multipliers[${j}]: expected scale / mads[${j}] = ${(scale as number) / mad}, got ${k}`);
    } else if (k < 0) problems.push(`multipliers[${j}]: ${k} is negative`);
  }
  if (problems.length > 0) return undefined;
  return new MadBaseline({
    featureCount: featureCount as number,
    scale: scale as number,
    threshold: threshold as number,
    medians,
    mads,
    multipliers,
  });
}
