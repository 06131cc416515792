/**
 * Median/MAD baseline → ONNX, standard ops only (opset 17): missing values and constant
 * features are replaced by the median, then |x − median| · multiplier per feature, the row's
 * maximum, and the label from the threshold.
 */

import onnxProto, { type onnx as proto } from 'onnx-proto';
import { UsageError } from '#core';
import type { MadBaseline } from './mad.js';
import {
  checkFeatureNames,
  encodeOnnxModel,
  floatScalar,
  int64Scalar,
  intAttribute,
  type OnnxExportOptions,
  onnxNode,
  type SpecFields,
  tensorInfo,
} from './onnx-export.js';
import type { NewModelSpec } from './spec.js';

const { onnx } = onnxProto;
const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;

/** Names of the graph's input and outputs, as a scoring session uses them. */
export const MAD_BASELINE_ONNX = {
  input: 'features',
  score: 'score',
  label: 'label',
} as const;

/**
 * Serialises `model` as an ONNX model (IR 8; opset '' 17).
 *
 * Input `features`: float32 [N, F]. Outputs, each [N, 1]: `score` (float32, the largest
 * modified z-score of the row, as {@link MadBaseline.score}) and `label` (int64, -1 when
 * score > threshold, else 1). A NaN value contributes nothing, as in TypeScript: it is replaced
 * by its feature's median before the subtraction; so is every value of a constant feature
 * (multiplier 0), so that ±∞ there gives 0 rather than 0 · ∞ = NaN.
 *
 * The graph computes in float32 where TypeScript uses float64: medians, multipliers and the
 * threshold are rounded to float32, so scores agree to float32 precision (about 1e-7 relative,
 * plus multiplier × half a float32 step of the median), and a label can differ only for a score
 * within that distance of the threshold. A score beyond float32's range is ∞ here. A model whose
 * medians or multipliers do not fit float32 is refused rather than exported wrong.
 * @example
 * const bytes = exportMadBaselineOnnx(model, { featureNames: ['bytes_in', 'bytes_out'] });
 * const session = await ort.InferenceSession.create(bytes);
 */
export function exportMadBaselineOnnx(model: MadBaseline, options: OnnxExportOptions): Uint8Array {
  const { featureNames } = options;
  checkFeatureNames(featureNames, model.featureCount);
  checkFloat32(model);

  const names = MAD_BASELINE_ONNX;
  const nodes = [
    onnxNode('IsNaN', [names.input], ['is_missing']),
    onnxNode('Or', ['is_missing', 'is_constant'], ['use_median']),
    onnxNode('Where', ['use_median', 'median', names.input], ['filled']),
    onnxNode('Sub', ['filled', 'median'], ['deviation']),
    onnxNode('Abs', ['deviation'], ['abs_deviation']),
    onnxNode('Mul', ['abs_deviation', 'multiplier'], ['modified_z']),
    onnxNode(
      'ReduceMax',
      ['modified_z'],
      [names.score],
      [{ name: 'axes', type: AttributeType.INTS, ints: [1] }, intAttribute('keepdims', 1)],
    ),
    onnxNode('Greater', [names.score, 'threshold'], ['is_outlier']),
    onnxNode('Where', ['is_outlier', 'minus_one', 'one'], [names.label]),
  ];
  const f = model.featureCount;
  const initializer: proto.ITensorProto[] = [
    { name: 'median', dataType: DataType.FLOAT, dims: [f], floatData: Array.from(model.medians) },
    { name: 'multiplier', dataType: DataType.FLOAT, dims: [f], floatData: Array.from(model.multipliers) },
    {
      name: 'is_constant',
      dataType: DataType.BOOL,
      dims: [f],
      int32Data: Array.from(model.multipliers, (k) => (k === 0 ? 1 : 0)),
    },
    floatScalar('threshold', model.threshold),
    int64Scalar('minus_one', -1),
    int64Scalar('one', 1),
  ];
  const graph: proto.IGraphProto = {
    name: options.modelName ?? 'mad_baseline',
    node: nodes,
    initializer,
    input: [tensorInfo(names.input, DataType.FLOAT, f, `features in order: ${featureNames.join(', ')}`)],
    output: [
      tensorInfo(names.score, DataType.FLOAT, 1, 'largest modified z-score: higher is more anomalous'),
      tensorInfo(names.label, DataType.INT64, 1, '-1 outlier (score > threshold), 1 inlier'),
    ],
  };
  const metadata: Record<string, string> = {
    model_type: 'mad',
    feature_names: JSON.stringify(featureNames),
    threshold: String(model.threshold),
    scale: String(model.scale),
  };
  return encodeOnnxModel(graph, [{ domain: '', version: 17 }], metadata);
}

/**
 * Refuses medians that overflow float32 and multipliers that overflow or underflow to 0 (a
 * contributing feature would turn constant, or 0 · ∞ would give NaN for a value at the median).
 */
function checkFloat32(model: MadBaseline): void {
  const problems: string[] = [];
  for (let j = 0; j < model.featureCount; j++) {
    const median = model.medians[j] as number;
    const k = model.multipliers[j] as number;
    if (!Number.isFinite(Math.fround(median))) problems.push(`feature ${j}: median ${median}`);
    const k32 = Math.fround(k);
    if (!Number.isFinite(k32) || (k > 0 && k32 === 0)) problems.push(`feature ${j}: multiplier ${k}`);
  }
  if (problems.length > 0) {
    throw new UsageError(
      `ONNX export: the graph computes in float32, which cannot hold ${problems.join('; ')}`,
    );
  }
}

/** The model.json of a baseline exported by {@link exportMadBaselineOnnx}, scored on `score`. */
export function madBaselineSpec(model: MadBaseline, fields: SpecFields): NewModelSpec {
  return {
    ...fields,
    kind: 'mad',
    input: MAD_BASELINE_ONNX.input,
    output: MAD_BASELINE_ONNX.score,
    score:
      "largest modified z-score over the features, 0.6745·|x − median| / MAD (Metron's OUTLIER_MAD_SCORE): higher is more anomalous",
    threshold: model.threshold,
    higherIsAnomalous: true,
  };
}
