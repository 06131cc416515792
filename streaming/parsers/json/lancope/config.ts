import { z } from 'zod';

/** `parserConfig` of Metron's `BasicLancopeParser`, which takes no options. */
export const lancopeConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated Lancope parser settings. */
export type LancopeConfig = z.output<typeof lancopeConfigSchema>;
