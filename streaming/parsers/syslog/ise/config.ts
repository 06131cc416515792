import { z } from 'zod';

/** `parserConfig` of the Cisco ISE parser. Metron's `BasicIseParser` takes no options. */
export const iseConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe('IANA zone of syslog header times when the ISE time is missing (default UTC)'),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated ISE parser settings. */
export type IseConfig = z.output<typeof iseConfigSchema>;
