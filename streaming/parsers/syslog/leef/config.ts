import { z } from 'zod';

/** `parserConfig` of the LEEF parser. Metron's `LEEFParser` takes no options. */
export const leefConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe(
        'IANA zone of `devTime` and header times that carry none (default UTC); --timezone overrides it',
      ),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated LEEF parser settings. */
export type LeefConfig = z.output<typeof leefConfigSchema>;
