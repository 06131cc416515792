import { z } from 'zod';

/** `parserConfig` of Metron's `BasicLogstashParser`, which takes no options. */
export const logstashConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated Logstash parser settings. */
export type LogstashConfig = z.output<typeof logstashConfigSchema>;
