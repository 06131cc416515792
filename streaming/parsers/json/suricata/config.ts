import { z } from 'zod';

/** `parserConfig` of the Suricata EVE parser, which takes no options. */
export const suricataConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated Suricata parser settings. */
export type SuricataConfig = z.output<typeof suricataConfigSchema>;
