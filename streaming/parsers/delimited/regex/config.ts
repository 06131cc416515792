import { z } from 'zod';
import { compileJavaRegex, JavaRegexError } from '#core';

/** One regex (Java syntax), or a list tried in order. */
const regexes = z.union([z.string(), z.array(z.string())]);

/** Report every regex Java (or the translation) would reject, at its JSON path. */
function checkRegex(value: unknown, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  list.forEach((pattern, i) => {
    if (typeof pattern !== 'string') return;
    try {
      compileJavaRegex(pattern);
    } catch (e) {
      if (!(e instanceof JavaRegexError)) throw e;
      ctx.addIssue({
        code: 'custom',
        path: typeof value === 'string' ? path : [...path, i],
        message: `invalid regular expression: ${e.description} near index ${e.index}`,
      });
    }
  });
}

/** One record type's regexes. */
const recordTypeSchema = z
  .object({
    recordType: z.string().optional().describe('the record type (recordTypeRegex match), any case'),
    regex: regexes
      .optional()
      .describe('Java regex with named groups, or a list tried in order until one matches the whole message'),
  })
  .loose();

/** `parserConfig` of the regular-expressions parser (Metron's RegularExpressionsParser). */
export const regexConfigSchema = z
  .object({
    recordTypeRegex: z
      .string()
      .refine((s) => s.trim().length > 0, 'recordTypeRegex is missing in parserConfig')
      .describe(
        'Java regex whose first match (found anywhere) is the record type; its named groups become fields',
      ),
    messageHeaderRegex: regexes
      .optional()
      .describe('Java regex (or list, first that is found wins) for fields common to every record type'),
    fields: z
      .array(recordTypeSchema)
      .describe('per record type: a regex, or a list of them, matched against the whole message'),
    convertCamelCaseToUnderScore: z
      .boolean()
      .optional()
      .describe('rename camelCase group names to snake_case (ipSrcAddr → ip_src_addr)'),
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose()
  .superRefine((c, ctx) => {
    checkRegex(c.recordTypeRegex, ctx, ['recordTypeRegex']);
    if (c.messageHeaderRegex !== undefined) checkRegex(c.messageHeaderRegex, ctx, ['messageHeaderRegex']);
    c.fields.forEach((f, i) => {
      if (f.regex !== undefined) checkRegex(f.regex, ctx, ['fields', i, 'regex']);
    });
  });

/** Validated regular-expressions parser settings. */
export type RegexConfig = z.output<typeof regexConfigSchema>;
