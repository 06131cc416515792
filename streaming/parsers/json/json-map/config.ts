import { z } from 'zod';
import { compileJsonPath, JsonPathError } from './json-path.js';

/** Metron's `Boolean.valueOf` on a config string, without its silent `false` for typos. */
const flag = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'expected true or false')
    .transform((s) => s.toLowerCase() === 'true'),
]);

/** `parserConfig` of Metron's `JSONMapParser`. */
export const jsonMapConfigSchema = z
  .object({
    mapStrategy: z
      .enum(['DROP', 'UNFOLD', 'ALLOW', 'ERROR'])
      .default('DROP')
      .describe(
        'what to do with a field whose value is a JSON object: DROP it, UNFOLD it into dotted names, ALLOW it as a nested value, or make the record an ERROR',
      ),
    jsonpQuery: z
      .string()
      .optional()
      .superRefine((query, ctx) => {
        if (query === undefined || query.trim() === '') return;
        try {
          compileJsonPath(query);
        } catch (e) {
          if (!(e instanceof JsonPathError)) throw e;
          ctx.addIssue({ code: 'custom', message: `not a supported JSONPath: ${e.message}` });
        }
      })
      .describe('JSONPath selecting the list of records in each message, e.g. $.foo or $.events[*]'),
    wrapInEntityArray: flag
      .optional()
      .describe(
        'with jsonpQuery: wrap the message as { "<wrapEntityName>" : [ <message> ] } first, for messages that are comma-separated objects',
      ),
    wrapEntityName: z.string().optional().describe("name of the wrapping entity (default 'messages')"),
    overrideOriginalString: flag
      .default(false)
      .describe("make each record's own JSON its original_string instead of the whole message"),
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated JSONMapParser settings. */
export type JsonMapConfig = z.output<typeof jsonMapConfigSchema>;
