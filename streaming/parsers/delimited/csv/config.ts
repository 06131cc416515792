import { z } from 'zod';
import { JavaDateFormat, PatternError } from '#stellar';
import { columnList, separatorProblem } from '../opencsv.js';

/** `parserConfig` of the CSV parser (Metron's CSVParser). */
export const csvConfigSchema = z
  .object({
    columns: z
      .union([z.record(z.string(), z.union([z.number().int(), z.string()])), z.array(z.string()), z.string()])
      .superRefine((columns, ctx) => {
        try {
          columnList(columns);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .describe(
        'field name → 0-based column index; or a list (or comma-separated string) of names in column order, each optionally name:index',
      ),
    separator: z
      .string()
      .optional()
      .superRefine((separator, ctx) => {
        const problem = separator === undefined ? undefined : separatorProblem(separator);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('column separator; only its first character counts (default ",")'),
    timestampFormat: z
      .string()
      .optional()
      .superRefine((pattern, ctx) => {
        if (pattern === undefined) return;
        try {
          JavaDateFormat.of(pattern);
        } catch (e) {
          if (!(e instanceof PatternError)) throw e;
          ctx.addIssue({ code: 'custom', message: `invalid SimpleDateFormat pattern: ${e.message}` });
        }
      })
      .describe(
        'SimpleDateFormat pattern of the "timestamp" column; absent = the column holds epoch ms. Without a "timestamp" column the time is the clock\'s',
      ),
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated CSV parser settings. */
export type CsvConfig = z.output<typeof csvConfigSchema>;
