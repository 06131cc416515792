import { z } from 'zod';

/** `parserConfig` of the Cisco ASA parser (Metron's BasicAsaParser). */
export const asaConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe('IANA zone the firewall writes its syslog times in (default UTC; --timezone overrides)'),
    readCharset: z.string().optional().describe('charset of the raw bytes (UTF-8 or ISO-8859-1)'),
  })
  .loose();

/** Validated ASA parser settings. */
export type AsaConfig = z.output<typeof asaConfigSchema>;
