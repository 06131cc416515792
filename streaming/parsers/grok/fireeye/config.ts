import { z } from 'zod';

/** `parserConfig` of the FireEye parser. Metron's BasicFireEyeParser takes no options. */
export const fireEyeConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes (UTF-8 or ISO-8859-1)'),
  })
  .loose();

/** Validated FireEye parser settings. */
export type FireEyeConfig = z.output<typeof fireEyeConfigSchema>;
