import { z } from 'zod';

/** `parserConfig` of the RFC 5424 syslog parser (Metron's `Syslog5424Parser`). */
export const syslog5424ConfigSchema = z
  .object({
    nilPolicy: z
      .enum(['OMIT', 'DASH', 'NULL'])
      .default('OMIT')
      .describe("header fields written as '-': OMIT leaves them out, DASH keeps '-', NULL writes null"),
    deviceTimeZone: z
      .string()
      .optional()
      .describe('IANA zone of the device (default UTC); RFC 5424 times carry their own offset'),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated RFC 5424 parser settings. */
export type Syslog5424Config = z.output<typeof syslog5424ConfigSchema>;
