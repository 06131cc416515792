import { z } from 'zod';
import { isRegionZone, JavaTimeFormat, TimePatternError } from '../java-time-format.js';

/** Snort's `alert_csv` time stamp, as Metron reads it by default. */
export const DEFAULT_SNORT_DATE_FORMAT = 'MM/dd/yy-HH:mm:ss.SSSSSS';

/** `parserConfig` of the Snort parser (Metron's BasicSnortParser). */
export const snortConfigSchema = z
  .object({
    dateFormat: z
      .string()
      .optional()
      .superRefine((pattern, ctx) => {
        if (!pattern) return;
        try {
          JavaTimeFormat.of(pattern);
        } catch (e) {
          if (!(e instanceof TimePatternError)) throw e;
          ctx.addIssue({ code: 'custom', message: e.message });
        }
      })
      .describe(
        `java.time DateTimeFormatter pattern of the timestamp column (default ${DEFAULT_SNORT_DATE_FORMAT})`,
      ),
    timeZone: z
      .string()
      .optional()
      .refine((zone) => !zone || isRegionZone(zone), {
        error: (issue) =>
          `Unable to find ZoneId '${String(issue.input)}' (use a tz-database name like America/New_York)`,
      })
      .describe('tz-database zone of the timestamps (default: --timezone, else deviceTimeZone, else UTC)'),
    readCharset: z.string().optional().describe('charset of the raw bytes'),
  })
  .loose();

/** Validated Snort parser settings. */
export type SnortConfig = z.output<typeof snortConfigSchema>;
