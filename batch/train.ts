import { InfraError, UsageError } from '#core';
import {
  exportIsolationForestOnnx,
  exportMadBaselineOnnx,
  featureNames,
  featureSet,
  isolationForestSpec,
  ModelRegistry,
  ModelSession,
  type ModelSpec,
  madBaselineSpec,
  type NewModelSpec,
  readFeatureTable,
  rocAuc,
  trainIsolationForest,
  trainMadBaseline,
} from '#models';

/**
 * `palisade batch train`: learn what normal looks like from the lake. The feature set's rows
 * for the window are read from the `profiles` table, a model is trained in TypeScript (an
 * Isolation Forest, or the median/MAD baseline), exported to ONNX, and the export is run by
 * ONNX Runtime over every training row and compared with the TypeScript model's own scores: a
 * difference of 1e-5 or more stops the job before anything is registered. The model, its
 * metrics and that difference then go into the registry as a new version.
 */

export type ModelKind = 'isolation-forest' | 'mad';

export interface TrainOptions {
  /** The registry name. */
  name: string;
  kind: ModelKind;
  /** Feature set name (models/features), default `host`. */
  features?: string;
  /** The profile period the rows are per (`palisade batch profile --period`). */
  periodMs: number;
  /** Periods starting in [from, to). */
  from: number;
  to: number;
  /** Isolation Forest: seed, trees, rows per tree, contamination. */
  seed?: number;
  trees?: number;
  maxSamples?: number;
  contamination?: number | 'auto';
  /** Labelled anomalous periods, `${entity}\0${period start}`: the AUC is computed and kept. */
  labels?: ReadonlySet<string>;
  /** Make the new version live in the same commit. */
  promote?: boolean;
  /** Who trains (the registry's actor). */
  actor: string;
  /** Fewer feature rows than this is an error (default 64). */
  minRows?: number;
  onProgress?: (step: string) => void;
}

export interface TrainReport {
  spec: ModelSpec;
  rows: number;
  /** Largest |ONNX − TypeScript| over the training rows. */
  onnxMaxAbsDiff: number;
  auc?: number;
  promoted: boolean;
  trainMs: number;
}

/** ONNX and TypeScript must agree below this on every training row. */
export const ONNX_TOLERANCE = 1e-5;

export async function trainModel(lakeDir: string, options: TrainOptions): Promise<TrainReport> {
  const set = featureSet(options.features ?? 'host');
  const { from, to, periodMs } = options;
  if (!(to > from)) throw new UsageError(`--to must be after --from (${from} … ${to})`);
  const progress = options.onProgress ?? (() => {});
  progress('reading features');
  const table = await readFeatureTable(lakeDir, set, { from, to, periodMs });
  const minRows = options.minRows ?? 64;
  if (table.rows.length < minRows) {
    throw new UsageError(
      `only ${table.rows.length} rows of '${set.name}' features (profiles with ${periodMs / 60_000}-minute periods) ` +
        `from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}; at least ${minRows} are needed ` +
        '(run `palisade batch profile` over that window with the same --period first)',
    );
  }
  const names = featureNames(set);
  const width = names.length;
  const flat = new Float32Array(table.rows.length * width);
  table.rows.forEach((row, i) => {
    flat.set(row, i * width);
  });

  progress(`training ${options.kind} on ${table.rows.length} rows`);
  const started = performance.now();
  let onnx: Uint8Array;
  let scores: Float64Array;
  let spec: NewModelSpec;
  let hyper: Record<string, unknown>;
  const fields = {
    name: options.name,
    features: names,
    featureSet: set.name,
    periodMs,
    trainedOn: { from, to, rows: table.rows.length },
    registeredBy: options.actor,
  };
  if (options.kind === 'isolation-forest') {
    const seed = options.seed ?? 1;
    const model = trainIsolationForest(table.rows, {
      seed,
      ...(options.trees === undefined ? {} : { trees: options.trees }),
      ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
      ...(options.contamination === undefined ? {} : { contamination: options.contamination }),
    });
    scores = Float64Array.from(model.scoreSamples(flat), (s) => -s);
    onnx = exportIsolationForestOnnx(model, { featureNames: names, modelName: options.name });
    spec = isolationForestSpec(model, fields);
    hyper = {
      seed,
      trees: model.trees.length,
      maxSamples: model.maxSamples,
      contamination: model.contamination,
    };
  } else {
    const model = trainMadBaseline(flat, { featureCount: width });
    scores = model.score(flat);
    onnx = exportMadBaselineOnnx(model, { featureNames: names, modelName: options.name });
    spec = madBaselineSpec(model, fields);
    hyper = {
      scale: model.scale,
      medians: Object.fromEntries(names.map((n, i) => [n, model.medians[i]])),
      mads: Object.fromEntries(names.map((n, i) => [n, model.mads[i]])),
    };
  }
  const trainMs = performance.now() - started;

  // The export must score as the model does before anyone can use it.
  progress('checking the ONNX export with ONNX Runtime');
  const session = await ModelSession.open(
    { ...spec, version: 1, sha256: '0'.repeat(64), registeredAt: 0, metrics: {} },
    onnx,
  );
  let onnxMaxAbsDiff = 0;
  try {
    const onnxScores = await session.score(flat, table.rows.length);
    for (let i = 0; i < onnxScores.length; i++) {
      const d = Math.abs((onnxScores[i] as number) - (scores[i] as number));
      if (!(d <= onnxMaxAbsDiff)) onnxMaxAbsDiff = d;
    }
  } finally {
    await session.close();
  }
  if (!(onnxMaxAbsDiff < ONNX_TOLERANCE)) {
    throw new InfraError(
      'model.onnx-check',
      `model ${options.name}: the ONNX export differs from the trained model by up to ${onnxMaxAbsDiff} (limit ${ONNX_TOLERANCE}); nothing was registered`,
    );
  }

  let auc: number | undefined;
  const labels = options.labels;
  const labelled = labels ? table.keys.map((k) => labels.has(`${k.entity}\0${k.start}`)) : undefined;
  if (labelled?.includes(true) && labelled.includes(false)) auc = rocAuc(Array.from(scores), labelled);

  const threshold = spec.threshold;
  const outliers = threshold === null ? undefined : scores.filter((s) => s > threshold).length;
  spec.metrics = {
    rows: table.rows.length,
    entities: new Set(table.keys.map((k) => k.entity)).size,
    scores: distribution(scores),
    ...(outliers === undefined ? {} : { outliers, outlierShare: outliers / scores.length }),
    ...(auc === undefined ? {} : { auc, labelledAnomalies: labelled?.filter(Boolean).length }),
    onnxMaxAbsDiff,
    trainMs: Math.round(trainMs),
    ...hyper,
  };
  progress('registering');
  const registered = await new ModelRegistry(lakeDir).register(onnx, spec, {
    promote: options.promote === true,
  });
  return {
    spec: registered,
    rows: table.rows.length,
    onnxMaxAbsDiff,
    ...(auc === undefined ? {} : { auc }),
    promoted: options.promote === true,
    trainMs,
  };
}

/** Min, quartiles, the upper tail and max of the training scores. */
function distribution(scores: Float64Array): Record<string, number> {
  const sorted = Float64Array.from(scores).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return {
    min: sorted[0] as number,
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] as number,
  };
}
