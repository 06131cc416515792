import { z } from 'zod';

/** `parserConfig` of the Bro/Zeek JSON parser. Metron's BasicBroParser takes no options. */
export const broConfigSchema = z
  .object({
    readCharset: z.string().optional().describe('charset of the raw bytes (UTF-8 only for now)'),
  })
  .loose();

/** Validated Bro parser settings. */
export type BroConfig = z.output<typeof broConfigSchema>;
