import { z } from 'zod';

/** One entry of Metron's `fieldTransformations` list. */
export const fieldTransformationSchema = z
  .object({
    input: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('field or fields read; absent = whole message'),
    output: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('fields written; defaults to input'),
    transformation: z
      .string()
      .min(1)
      .describe('STELLAR, REMOVE, SELECT, IP_PROTOCOL, RENAME, REGEX_SELECT or a class name'),
    config: z.record(z.string(), z.unknown()).optional().describe('transformation-specific settings'),
  })
  .loose();

/** A validated field transformation entry. */
export type FieldTransformation = z.output<typeof fieldTransformationSchema>;

/**
 * A sensor parser config in Metron's JSON shape (`SensorParserConfig`). Storm-specific knobs
 * (`numWorkers`, `spoutParallelism`, …) are accepted and ignored so Metron configs load unchanged.
 */
export const sensorParserConfigSchema = z
  .object({
    parserClassName: z
      .string()
      .min(1)
      .optional()
      .describe("Metron parser class, e.g. 'org.apache.metron.parsers.bro.BasicBroParser'"),
    parser: z
      .string()
      .min(1)
      .optional()
      .describe("Palisade parser name, e.g. 'bro' (alternative to parserClassName)"),
    sensorTopic: z.string().min(1).optional().describe('input topic; defaults to the sensor name'),
    outputTopic: z.string().optional(),
    errorTopic: z.string().optional(),
    filterClassName: z.string().optional(),
    readMetadata: z.boolean().optional(),
    mergeMetadata: z.boolean().optional(),
    rawMessageStrategy: z.enum(['DEFAULT', 'ENVELOPE']).optional(),
    rawMessageStrategyConfig: z.record(z.string(), z.unknown()).optional(),
    parserConfig: z.record(z.string(), z.unknown()).default({}).describe('parser-specific settings'),
    fieldTransformations: z.array(fieldTransformationSchema).default([]),
    cacheConfig: z.record(z.string(), z.unknown()).optional(),
    securityProtocol: z.string().optional(),
    numWorkers: z.number().int().optional(),
    numAckers: z.number().int().optional(),
    spoutParallelism: z.number().int().optional(),
    spoutNumTasks: z.number().int().optional(),
    parserParallelism: z.number().int().optional(),
    parserNumTasks: z.number().int().optional(),
    errorWriterParallelism: z.number().int().optional(),
    errorWriterNumTasks: z.number().int().optional(),
    spoutConfig: z.record(z.string(), z.unknown()).optional(),
    stormConfig: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .refine((c) => c.parserClassName !== undefined || c.parser !== undefined, {
    message: 'one of parserClassName or parser is required',
  });

/** A validated sensor parser config. */
export type SensorParserConfig = z.output<typeof sensorParserConfigSchema>;

/** One of Metron's global `fieldValidations` entries. */
export const fieldValidationSchema = z
  .object({
    input: z.union([z.string(), z.array(z.string())]).optional(),
    validation: z.string().min(1),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** A validated field validation entry. */
export type FieldValidation = z.output<typeof fieldValidationSchema>;

/** Metron's global config: a free-form map with a few keys Palisade reads. */
export const globalConfigSchema = z
  .object({
    fieldValidations: z.array(fieldValidationSchema).optional(),
    'parser.error.topic': z.string().optional(),
  })
  .loose();

/** A validated global config. */
export type GlobalConfig = z.output<typeof globalConfigSchema>;
