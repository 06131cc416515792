import { z } from 'zod';

/** `parserConfig` of the grok parser (Metron's GrokParser), as Metron's configs write it. */
export const grokConfigSchema = z
  .object({
    grokPath: z
      .string()
      .min(1)
      .describe(
        "pattern file: a file at this path, else `/patterns/<name>` from Palisade's config/grok (asa, common, fireeye, sourcefire, squid, websphere, yaf); `/patterns/common` is always loaded first",
      ),
    patternLabel: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'must be a pattern name from the pattern file (letters, digits, _)')
      .describe(
        'the pattern the whole record must match, e.g. YAF_DELIMITED; its own key is removed from the event',
      ),
    multiLine: z
      .union([z.boolean(), z.string()])
      .optional()
      .describe(
        '"true": each line of a record is parsed on its own (Metron writes the string "true" or "false")',
      ),
    timestampField: z
      .string()
      .optional()
      .describe(
        'field copied to `timestamp`: a number is taken as epoch ms, text has its dots removed ("1461576382.642" → 1461576382642)',
      ),
    timeFields: z
      .array(z.string())
      .optional()
      .describe('fields parsed with `dateFormat` into epoch ms before `timestampField` is read'),
    dateFormat: z
      .string()
      .optional()
      .describe('Java SimpleDateFormat pattern for `timeFields` (default `yyyy-MM-dd HH:mm:ss.S z`)'),
    timeZone: z
      .string()
      .optional()
      .describe(
        "zone for `dateFormat` when the text carries none (Metron's key; default: --timezone, else UTC)",
      ),
    timezone: z.string().optional().describe('same as `timeZone`'),
    readCharset: z.string().optional().describe('charset of the raw bytes (UTF-8 or ISO-8859-1)'),
  })
  .loose();

/** Validated grok parser settings. */
export type GrokConfig = z.output<typeof grokConfigSchema>;
