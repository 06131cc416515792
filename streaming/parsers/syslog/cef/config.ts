import { z } from 'zod';

/** `parserConfig` of the CEF parser. Metron's `CEFParser` takes no options. */
export const cefConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe('IANA zone of `rt` and header times that carry none (default UTC); --timezone overrides it'),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated CEF parser settings. */
export type CefConfig = z.output<typeof cefConfigSchema>;
