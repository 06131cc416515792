import * as ort from 'onnxruntime-node';
import { UsageError } from '#core';
import type { ModelSpec } from './spec.js';

/**
 * An ONNX Runtime session for one registered model version: the one way Palisade scores, used by
 * the CLI, the HTTP API and the stream alike, so the three give the same numbers.
 *
 * A session is checked against its `model.json` when it opens: one float32 input of rank 2 whose
 * width is the feature count, the named output present and numeric, and a trial run on two rows
 * giving two scores. A model that fails any of these is refused with what was wrong.
 */
export class ModelSession {
  private constructor(
    readonly spec: ModelSpec,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Open (and check) a session over a model's ONNX bytes. */
  static async open(spec: ModelSpec, onnx: Uint8Array): Promise<ModelSession> {
    let session: ort.InferenceSession;
    try {
      // One intra-op thread: the stream's batches are small and the process has other work.
      session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (error) {
      throw new UsageError(`model ${spec.name}: ONNX Runtime cannot load it: ${firstLine(error)}`);
    }
    const model = new ModelSession(spec, session);
    try {
      checkSignature(spec, session);
      const probe = await model.score(new Float32Array(2 * spec.features.length), 2);
      if (probe.length !== 2) {
        throw new UsageError(
          `model ${spec.name}: output '${spec.output}' gave ${probe.length} values for 2 rows; one score per row is required`,
        );
      }
    } catch (error) {
      await session.release();
      throw error;
    }
    return model;
  }

  get featureCount(): number {
    return this.spec.features.length;
  }

  /** Score `count` rows given row-major in `rows` (count × features); one score per row. */
  async score(rows: Float32Array, count: number): Promise<Float32Array> {
    const width = this.featureCount;
    if (rows.length !== count * width) {
      throw new UsageError(
        `model ${this.spec.name}: ${rows.length} values are not ${count} rows of ${width}`,
      );
    }
    if (count === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', rows, [count, width]);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run({ [this.spec.input]: input }, [this.spec.output]);
    } catch (error) {
      throw new UsageError(`model ${this.spec.name}: scoring failed: ${firstLine(error)}`);
    }
    const data = (out[this.spec.output] as ort.Tensor).data;
    if (data instanceof Float32Array) return data;
    return Float32Array.from(data as ArrayLike<number>);
  }

  /**
   * Score rows given as feature → value maps (the HTTP API's and the CLI's form). Every feature
   * of the model must be there as a finite number or null (null is NaN, which trees send right).
   */
  async scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): Promise<number[]> {
    const { features } = this.spec;
    const values = new Float32Array(rows.length * features.length);
    rows.forEach((row, r) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new UsageError(`row ${r}: expected an object of feature → number`);
      }
      features.forEach((feature, f) => {
        const value = row[feature];
        if (value === null) values[r * features.length + f] = Number.NaN;
        else if (typeof value === 'number' && Number.isFinite(value)) values[r * features.length + f] = value;
        else if (value === undefined) {
          throw new UsageError(
            `row ${r}: feature '${feature}' is missing (model ${this.spec.name} takes ${features.join(', ')})`,
          );
        } else throw new UsageError(`row ${r}: feature '${feature}' must be a finite number or null`);
      });
      const unknown = Object.keys(row).find((key) => !features.includes(key));
      if (unknown !== undefined) {
        throw new UsageError(`row ${r}: '${unknown}' is not a feature of model ${this.spec.name}`);
      }
    });
    return Array.from(await this.score(values, rows.length));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function checkSignature(spec: ModelSpec, session: ort.InferenceSession): void {
  const problems: string[] = [];
  const inputs = session.inputMetadata;
  if (inputs.length !== 1) {
    problems.push(
      `it has ${inputs.length} inputs (${session.inputNames.join(', ')}); one [N, features] input is required`,
    );
  }
  const input = inputs.find((i) => i.name === spec.input);
  if (!input) problems.push(`it has no input '${spec.input}' (inputs: ${session.inputNames.join(', ')})`);
  else if (!input.isTensor || input.type !== 'float32') {
    problems.push(`input '${spec.input}' must be a float32 tensor`);
  } else {
    const width = input.shape[1];
    if (input.shape.length !== 2) problems.push(`input '${spec.input}' must have rank 2 ([N, features])`);
    else if (typeof width === 'number' && width !== spec.features.length) {
      problems.push(
        `input '${spec.input}' takes ${width} features but ${spec.features.length} are declared (${spec.features.join(', ')})`,
      );
    }
  }
  const output = session.outputMetadata.find((o) => o.name === spec.output);
  if (!output)
    problems.push(`it has no output '${spec.output}' (outputs: ${session.outputNames.join(', ')})`);
  else if (!output.isTensor || !['float32', 'float64'].includes(output.type)) {
    problems.push(`output '${spec.output}' must be a float tensor`);
  }
  if (problems.length > 0) throw new UsageError(`model ${spec.name}: ${problems.join('; ')}`);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

/** An ONNX model's inputs and outputs with their element types, to fill in a registration's defaults. */
export async function onnxSignature(
  onnx: Uint8Array,
): Promise<{ inputs: { name: string; type: string }[]; outputs: { name: string; type: string }[] }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    throw new UsageError(`ONNX Runtime cannot load the model: ${firstLine(error)}`);
  }
  const typed = (m: ort.InferenceSession.ValueMetadata) => ({
    name: m.name,
    type: m.isTensor ? m.type : 'non-tensor',
  });
  try {
    return { inputs: session.inputMetadata.map(typed), outputs: session.outputMetadata.map(typed) };
  } finally {
    await session.release();
  }
}

/** The answer of a score request, the same from `palisade models score` and the HTTP API. */
export interface ScoreResponse {
  model: string;
  version: number;
  scores: number[];
}

/** Most rows one request may score. */
export const MAX_SCORE_ROWS = 10_000;

/**
 * Score a request body `{"rows": [{feature: value, …}, …]}` with a session: the one place the
 * CLI and the HTTP API turn a request into scores. Bad bodies are UsageErrors naming the fault.
 */
export async function scoreRequest(session: ModelSession, body: unknown): Promise<ScoreResponse> {
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(rows)) {
    throw new UsageError('expected {"rows": [{feature: value, …}, …]}');
  }
  if (rows.length > MAX_SCORE_ROWS)
    throw new UsageError(`at most ${MAX_SCORE_ROWS} rows per request, got ${rows.length}`);
  const scores = await session.scoreRows(rows as Record<string, unknown>[]);
  return { model: session.spec.name, version: session.spec.version, scores };
}
