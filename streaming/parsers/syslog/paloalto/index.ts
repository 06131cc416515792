import { defineParser } from '../../parser.js';
import { paloAltoConfigSchema } from './config.js';
import { buildPaloAlto } from './paloalto.js';

/** The Palo Alto Networks PAN-OS CSV parser component (Metron's `BasicPaloAltoFirewallParser`). */
export const paloAltoParser = defineParser({
  name: 'paloalto',
  metronClasses: ['org.apache.metron.parsers.paloalto.BasicPaloAltoFirewallParser'],
  configSchema: paloAltoConfigSchema,
  build: (_config, ctx) => buildPaloAlto(ctx),
});
