import { z } from 'zod';

/** One of Metron's `riskLevelRules`: a Stellar predicate and the score it adds when true. */
export const riskLevelRuleSchema = z
  .object({
    name: z.string().optional().describe('shown with the alert'),
    comment: z.string().optional().describe('shown with the alert'),
    rule: z.string().min(1).describe('Stellar predicate over the event'),
    score: z.union([z.number(), z.string().min(1)]).describe('a number, or a Stellar expression giving one'),
    reason: z.string().optional().describe('Stellar expression whose value explains the score'),
  })
  .loose();

/** Metron's `triageConfig`: the rules and how their scores combine. */
export const triageConfigSchema = z
  .object({
    riskLevelRules: z.array(riskLevelRuleSchema).default([]),
    aggregator: z
      .enum(['MAX', 'MIN', 'SUM', 'MEAN', 'POSITIVE_MEAN'])
      .default('MAX')
      .describe('how the scores of the rules that fired combine'),
    aggregationConfig: z
      .object({
        negativeValuesTrump: z
          .boolean()
          .optional()
          .describe('any negative score makes the aggregate -Infinity (default true)'),
      })
      .loose()
      .default({}),
  })
  .loose();

/** A validated triage config. */
export type TriageConfig = z.output<typeof triageConfigSchema>;
/** One validated risk-level rule. */
export type RiskLevelRule = z.output<typeof riskLevelRuleSchema>;

const enrichmentSideSchema = z
  .object({
    fieldMap: z.record(z.string(), z.unknown()).default({}).describe('adapter → fields (or stellar config)'),
    fieldToTypeMap: z.record(z.string(), z.array(z.string())).default({}),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();

/**
 * A sensor enrichment config in Metron's JSON shape (`SensorEnrichmentConfig`): the enrichment
 * and threat-intel sides, and the threat-intel side's triage rules.
 */
export const sensorEnrichmentConfigSchema = z
  .object({
    enrichment: enrichmentSideSchema.default({ fieldMap: {}, fieldToTypeMap: {}, config: {} }),
    threatIntel: enrichmentSideSchema
      .extend({ triageConfig: triageConfigSchema.optional() })
      .default({ fieldMap: {}, fieldToTypeMap: {}, config: {} }),
    configuration: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** A validated sensor enrichment config. */
export type SensorEnrichmentConfig = z.output<typeof sensorEnrichmentConfigSchema>;
