import type { z } from 'zod';
import { grokConfigSchema } from '../grok/config.js';

/**
 * `parserConfig` of the WebSphere (IBM DataPower) parser: Metron's GrokWebSphereParser extends
 * GrokParser and takes the same keys (its shipped config: grokPath `/patterns/websphere`,
 * patternLabel `WEBSPHERE`, timestampField `timestamp_string`, dateFormat `yyyy MMM dd HH:mm:ss`).
 */
export const webSphereConfigSchema = grokConfigSchema;

/** Validated WebSphere parser settings. */
export type WebSphereConfig = z.output<typeof webSphereConfigSchema>;
