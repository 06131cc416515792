/** @module models — anomaly models: training, ONNX export, and (to come) the registry and scoring sessions. */

/** Features defined once, read from the profiles table (training) or a profile cache (stream). */
export {
  cachedFeatureRow,
  FEATURE_SETS,
  type FeatureDef,
  type FeatureSet,
  type FeatureTable,
  featureNames,
  featureRow,
  featureSet,
  HOST_FEATURES,
  lastClosedPeriod,
  profilesOf,
  readFeatureTable,
} from './features/index.js';
/** Isolation Forest with scikit-learn's definitions, trained in TypeScript, seeded. */
export {
  averagePathLength,
  type FeatureRows,
  IsolationForest,
  type IsolationForestJson,
  type IsolationForestOptions,
  type IsolationTree,
  type IsolationTreeJson,
  rocAuc,
  trainIsolationForest,
} from './iforest.js';
/** Median/MAD baseline: per-feature modified z-scores (Metron's OUTLIER_MAD_SCORE), max over features. */
export {
  MAD_DEFAULT_SCALE,
  MAD_DEFAULT_THRESHOLD,
  MadBaseline,
  type MadBaselineJson,
  type MadBaselineOptions,
  trainMadBaseline,
} from './mad.js';
/** ONNX export of the median/MAD baseline, standard opset-17 ops only. */
export { exportMadBaselineOnnx, MAD_BASELINE_ONNX, madBaselineSpec } from './mad-onnx.js';
/** ONNX export (ai.onnx.ml TreeEnsembleRegressor plus standard ops) that onnxruntime runs. */
export {
  exportIsolationForestOnnx,
  ISOLATION_FOREST_ONNX,
  isolationForestSpec,
  type OnnxExportOptions,
  type SpecFields,
} from './onnx-export.js';
/** The model registry's table: register, promote and rollback rows, from which live versions are derived. */
export { REGISTRY_TABLE } from './registry/history.js';
/** The model registry: immutable versions under `<lake>/models`, atomic promote and rollback. */
export { ModelRegistry, type ModelRegistryOptions, type ModelSummary } from './registry/registry.js';
/** In-process scoring of the stream's events with the live version of a model. */
export { ModelScorer } from './scorer.js';
/** ONNX Runtime sessions checked against their model.json: the one scoring path. */
export { MAX_SCORE_ROWS, ModelSession, onnxSignature, type ScoreResponse, scoreRequest } from './session.js';
/** model.json: the contract between a registered model and whoever scores it. */
export {
  checkModelName,
  MODEL_NAME,
  MODEL_NAME_RULE,
  type ModelSpec,
  modelField,
  modelSpecSchema,
  type NewModelSpec,
  parseModelSpec,
} from './spec.js';
/**
 * MODEL_SCORE, MAAS_GET_ENDPOINT and MAAS_MODEL_APPLY for Stellar: synchronous calls into a worker
 * thread that scores in process or over Palisade's HTTP API, with the caches on the caller's side.
 */
export {
  type FeatureMap,
  type ModelApplyResult,
  type ModelEndpoint,
  ModelFunctions,
  type ModelFunctionsOptions,
} from './sync-client.js';
