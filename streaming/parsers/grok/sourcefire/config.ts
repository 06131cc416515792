import { z } from 'zod';

/** `parserConfig` of the Sourcefire parser. Metron's BasicSourcefireParser takes no options. */
export const sourcefireConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes (UTF-8 or ISO-8859-1)'),
  })
  .loose();

/** Validated Sourcefire parser settings. */
export type SourcefireConfig = z.output<typeof sourcefireConfigSchema>;
