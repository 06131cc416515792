import { z } from 'zod';

/** `parserConfig` of the PAN-OS parser. Metron's `BasicPaloAltoFirewallParser` takes no options. */
export const paloAltoConfigSchema = z
  .object({
    deviceTimeZone: z
      .string()
      .optional()
      .describe("IANA zone of the firewall's log times (default UTC); --timezone overrides it"),
    readCharset: z.string().optional().describe('charset of the raw bytes: UTF-8 (default) or ISO-8859-1'),
  })
  .loose();

/** Validated PAN-OS parser settings. */
export type PaloAltoConfig = z.output<typeof paloAltoConfigSchema>;
