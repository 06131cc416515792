import { z } from 'zod';

/** `parserConfig` of the RFC 3164 syslog parser (Metron's `Syslog3164Parser`). */
export const syslog3164ConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe('IANA zone of the year-less header times (default UTC); --timezone overrides it'),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated RFC 3164 parser settings. */
export type Syslog3164Config = z.output<typeof syslog3164ConfigSchema>;
