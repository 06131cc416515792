/** @module models — anomaly models: training, ONNX export, and (to come) the registry and scoring sessions. */

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
/** ONNX export (ai.onnx.ml TreeEnsembleRegressor plus standard ops) that onnxruntime runs. */
export { exportIsolationForestOnnx, ISOLATION_FOREST_ONNX, type OnnxExportOptions } from './onnx-export.js';
