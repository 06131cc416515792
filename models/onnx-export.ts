/**
 * Isolation Forest → ONNX. The trees become one `ai.onnx.ml` TreeEnsembleRegressor whose leaf
 * weights are path lengths (depth + c(leaf rows)) summed over the trees; standard ops then give
 * sklearn's `score_samples`, `decision_function` and `predict`. Built with onnx-proto's protobuf
 * classes because skl2onnx is not available here (DEPENDENCIES.md §3).
 */

import onnxProto, { type onnx as proto } from 'onnx-proto';
import { UsageError } from '#core';
import { averagePathLength, type IsolationForest } from './iforest.js';
import type { NewModelSpec } from './spec.js';

const { onnx } = onnxProto;
const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;
const ML_DOMAIN = 'ai.onnx.ml';
const utf8 = new TextEncoder();

/** Names of the graph's input and outputs, as a scoring session uses them. */
export const ISOLATION_FOREST_ONNX = {
  input: 'features',
  pathSum: 'path_length_sum',
  anomaly: 'anomaly',
  score: 'score',
  decision: 'decision',
  label: 'label',
} as const;

/** Options of {@link exportIsolationForestOnnx}. */
export interface OnnxExportOptions {
  /** Input feature names in column order (one per model feature); kept in the model's metadata. */
  featureNames: readonly string[];
  /** The graph's name; default the model kind's (`isolation_forest`, `mad_baseline`). */
  modelName?: string;
}

/**
 * Serialises `model` as an ONNX model (IR 8; opsets '' 17 and ai.onnx.ml 3).
 *
 * Input `features`: float32 [N, F]. Outputs, each [N, 1]: `anomaly` (float32, the paper's
 * anomaly score s(x, n) = −score_samples, in (0, 1], higher = more anomalous; what Palisade
 * scores with), `score` (float32, sklearn's `score_samples`, higher = more normal), `decision` (float32, `score - offset`, negative =
 * outlier) and `label` (int64, -1 outlier, 1 inlier). `path_length_sum` is internal.
 * @example
 * const bytes = exportIsolationForestOnnx(model, { featureNames: ['bytes_in', 'bytes_out'] });
 * const session = await ort.InferenceSession.create(bytes);
 */
export function exportIsolationForestOnnx(model: IsolationForest, options: OnnxExportOptions): Uint8Array {
  const { featureNames } = options;
  checkFeatureNames(featureNames, model.featureCount);

  const names = ISOLATION_FOREST_ONNX;
  const treeCount = model.trees.length;
  const nodes = [
    onnxNode(
      'TreeEnsembleRegressor',
      [names.input],
      [names.pathSum],
      treeEnsembleAttributes(model),
      ML_DOMAIN,
    ),
    onnxNode('Div', [names.pathSum, 'tree_count'], ['mean_path_length']),
    onnxNode('Div', ['mean_path_length', 'c_max_samples'], ['normalised_path_length']),
    onnxNode('Neg', ['normalised_path_length'], ['exponent']),
    onnxNode('Pow', ['two', 'exponent'], [names.anomaly]),
    onnxNode('Neg', [names.anomaly], [names.score]),
    onnxNode('Sub', [names.score, 'offset'], [names.decision]),
    onnxNode('Less', [names.decision, 'zero'], ['is_outlier']),
    onnxNode('Where', ['is_outlier', 'minus_one', 'one'], [names.label]),
  ];
  const initializer = [
    floatScalar('tree_count', treeCount),
    floatScalar('c_max_samples', averagePathLength(model.maxSamples)),
    floatScalar('two', 2),
    floatScalar('offset', model.offset),
    floatScalar('zero', 0),
    int64Scalar('minus_one', -1),
    int64Scalar('one', 1),
  ];
  const graph: proto.IGraphProto = {
    name: options.modelName ?? 'isolation_forest',
    node: nodes,
    initializer,
    input: [
      tensorInfo(
        names.input,
        DataType.FLOAT,
        model.featureCount,
        `features in order: ${featureNames.join(', ')}`,
      ),
    ],
    output: [
      tensorInfo(
        names.anomaly,
        DataType.FLOAT,
        1,
        'the anomaly score s(x, n) in (0, 1]: higher is more anomalous',
      ),
      tensorInfo(names.score, DataType.FLOAT, 1, "sklearn's score_samples: higher is more normal"),
      tensorInfo(names.decision, DataType.FLOAT, 1, 'score - offset: negative means outlier'),
      tensorInfo(names.label, DataType.INT64, 1, '-1 outlier, 1 inlier'),
    ],
  };
  const metadata: Record<string, string> = {
    model_type: 'isolation-forest',
    feature_names: JSON.stringify(featureNames),
    trees: String(treeCount),
    max_samples: String(model.maxSamples),
    offset: String(model.offset),
    contamination: String(model.contamination),
    seed: String(model.seed),
  };
  const opsets = [
    { domain: '', version: 17 },
    { domain: ML_DOMAIN, version: 3 },
  ];
  return encodeOnnxModel(graph, opsets, metadata);
}

/** Serialises `graph` as an IR 8 model produced by `palisade`, `metadata` as its metadata props. */
export function encodeOnnxModel(
  graph: proto.IGraphProto,
  opsetImport: proto.IOperatorSetIdProto[],
  metadata: Record<string, string>,
): Uint8Array {
  const model: proto.IModelProto = {
    irVersion: 8,
    opsetImport,
    producerName: 'palisade',
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  // protobufjs may hand back a pooled Buffer view; copy so callers own plain, exact bytes.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/** Throws unless `featureNames` has one distinct name per model feature. */
export function checkFeatureNames(featureNames: readonly string[], featureCount: number): void {
  if (featureNames.length !== featureCount) {
    throw new UsageError(
      `ONNX export: ${featureNames.length} feature names for a model of ${featureCount} features`,
    );
  }
  const duplicate = featureNames.find((name, i) => featureNames.indexOf(name) !== i);
  if (duplicate !== undefined) throw new UsageError(`ONNX export: feature name '${duplicate}' appears twice`);
}

/** TreeEnsembleRegressor attributes: `x <= threshold` goes to the true (left) child. */
function treeEnsembleAttributes(model: IsolationForest): proto.IAttributeProto[] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: Uint8Array[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetWeights: number[] = [];
  const branch = utf8.encode('BRANCH_LEQ');
  const leaf = utf8.encode('LEAF');
  model.trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i] as number;
      treeIds.push(t);
      nodeIds.push(i);
      if (f >= 0) {
        featureIds.push(f);
        modes.push(branch);
        values.push(tree.threshold[i] as number);
        trueIds.push(tree.left[i] as number);
        falseIds.push(tree.right[i] as number);
      } else {
        featureIds.push(0);
        modes.push(leaf);
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        targetTreeIds.push(t);
        targetNodeIds.push(i);
        targetWeights.push(tree.value[i] as number);
      }
    }
  });
  return [
    stringAttribute('aggregate_function', 'SUM'),
    intAttribute('n_targets', 1),
    stringAttribute('post_transform', 'NONE'),
    { name: 'nodes_treeids', type: AttributeType.INTS, ints: treeIds },
    { name: 'nodes_nodeids', type: AttributeType.INTS, ints: nodeIds },
    { name: 'nodes_featureids', type: AttributeType.INTS, ints: featureIds },
    { name: 'nodes_modes', type: AttributeType.STRINGS, strings: modes },
    { name: 'nodes_values', type: AttributeType.FLOATS, floats: values },
    { name: 'nodes_truenodeids', type: AttributeType.INTS, ints: trueIds },
    { name: 'nodes_falsenodeids', type: AttributeType.INTS, ints: falseIds },
    { name: 'target_treeids', type: AttributeType.INTS, ints: targetTreeIds },
    { name: 'target_nodeids', type: AttributeType.INTS, ints: targetNodeIds },
    { name: 'target_ids', type: AttributeType.INTS, ints: targetNodeIds.map(() => 0) },
    { name: 'target_weights', type: AttributeType.FLOATS, floats: targetWeights },
  ];
}

/** A graph node, named after its first output. */
export function onnxNode(
  opType: string,
  input: string[],
  output: string[],
  attribute: proto.IAttributeProto[] = [],
  domain = '',
): proto.INodeProto {
  return { name: output[0] as string, opType, domain, input, output, attribute };
}

function stringAttribute(name: string, value: string): proto.IAttributeProto {
  return { name, type: AttributeType.STRING, s: utf8.encode(value) };
}

/** An INT attribute. */
export function intAttribute(name: string, value: number): proto.IAttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

/** A float32 scalar initialiser. */
export function floatScalar(name: string, value: number): proto.ITensorProto {
  return { name, dataType: DataType.FLOAT, dims: [], floatData: [value] };
}

/** An int64 scalar initialiser. */
export function int64Scalar(name: string, value: number): proto.ITensorProto {
  return { name, dataType: DataType.INT64, dims: [], int64Data: [value] };
}

/** A tensor [N, width] with N symbolic. */
export function tensorInfo(
  name: string,
  elemType: number,
  width: number,
  docString: string,
): proto.IValueInfoProto {
  return {
    name,
    docString,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } },
  };
}

/** What a registration says besides the model's own fields. */
export type SpecFields = Pick<NewModelSpec, 'name' | 'features' | 'registeredBy'> &
  Partial<Pick<NewModelSpec, 'featureSet' | 'periodMs' | 'trainedOn' | 'metrics'>>;

/**
 * The model.json of a forest exported by {@link exportIsolationForestOnnx}: it is scored on
 * its `anomaly` output, and its threshold is the anomaly score the offset marks.
 */
export function isolationForestSpec(model: IsolationForest, fields: SpecFields): NewModelSpec {
  return {
    ...fields,
    kind: 'isolation-forest',
    input: ISOLATION_FOREST_ONNX.input,
    output: ISOLATION_FOREST_ONNX.anomaly,
    score:
      'Isolation Forest anomaly score s(x, n) in (0, 1]: higher is more anomalous; about 0.5 and below is ordinary',
    threshold: -model.offset,
    higherIsAnomalous: true,
  };
}
