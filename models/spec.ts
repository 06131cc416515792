import { z } from 'zod';
import { UsageError, validateConfig } from '#core';

/**
 * `model.json`: everything a scorer needs to know about a registered model besides its ONNX
 * bytes — the features it takes in order, which graph output is the score and what the score
 * means, and how it was trained. It is written once, at registration, and never changed.
 */

/** Model names: what `model.<name>.score` and the registry's folders are made of. */
export const MODEL_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
/** {@link MODEL_NAME} in words, for error messages. */
export const MODEL_NAME_RULE =
  'a model name: a lower-case letter, then lower-case letters, digits, _ or - (at most 63)';

/** The name, when it is a model name; else a UsageError saying what one is. */
export function checkModelName(name: unknown): string {
  if (typeof name === 'string' && MODEL_NAME.test(name)) return name;
  throw new UsageError(`invalid model name ${JSON.stringify(name)}: ${MODEL_NAME_RULE}`);
}

const modelName = z.string().regex(MODEL_NAME, MODEL_NAME_RULE);

const featureName = z.string().regex(/^[A-Za-z_][\w.-]{0,127}$/, 'a feature name: letters, digits, _ . -');

export const modelSpecSchema = z
  .object({
    name: modelName,
    version: z.number().int().positive(),
    /** Who made it: trained here (`isolation-forest`, `mad`) or registered from elsewhere (`onnx`). */
    kind: z.enum(['isolation-forest', 'mad', 'onnx']),
    /** The input's columns, in order. */
    features: z
      .array(featureName)
      .min(1)
      .refine((f) => new Set(f).size === f.length, 'each feature once'),
    /**
     * The feature set (models/features) that computes the inputs from profiles, and so lets the
     * stream score events; a model without one is scored only on rows given to it.
     */
    featureSet: z.string().optional(),
    /** With a feature set: the profile period its rows are per, in ms. */
    periodMs: z.number().int().positive().optional(),
    /** The ONNX graph's input (float32 [N, features]). */
    input: z.string().min(1),
    /** The ONNX graph's output read as the score (float32, N values). */
    output: z.string().min(1),
    /** What the score means, for people. */
    score: z.string().min(1),
    /** Scores above this are outliers (in the output's own direction; see `higherIsAnomalous`). */
    threshold: z.number().nullable(),
    higherIsAnomalous: z.boolean(),
    /** The data it learnt from, when known. */
    trainedOn: z
      .object({ from: z.number(), to: z.number(), rows: z.number().int().nonnegative() })
      .optional(),
    /** Training and validation figures (score distribution, AUC, ONNX check, …). */
    metrics: z.record(z.string(), z.unknown()).default({}),
    /** SHA-256 of model.onnx, hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Epoch ms and who registered it. */
    registeredAt: z.number(),
    registeredBy: z.string(),
  })
  .strict();

export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** A model to register: its model.json less what the registry assigns (version, sha256, time). */
export type NewModelSpec = Omit<ModelSpec, 'version' | 'sha256' | 'registeredAt' | 'metrics'> & {
  metrics?: ModelSpec['metrics'];
};

/** Parse a model.json's content; every problem is reported, with the file it came from. */
export function parseModelSpec(value: unknown, file: string): ModelSpec {
  return validateConfig(modelSpecSchema, value, file);
}

/** The event field a model's score is written to (and `.version`, `.error` beside it). */
export function modelField(name: string, what: 'score' | 'version' | 'error'): string {
  return `model.${name}.${what}`;
}
