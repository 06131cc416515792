import { defineParser } from '../../parser.js';
import { buildAsaParser } from './asa.js';
import { asaConfigSchema } from './config.js';

/** The Cisco ASA syslog parser component (Metron's `BasicAsaParser`). */
export const asaParser = defineParser({
  name: 'asa',
  metronClasses: ['org.apache.metron.parsers.asa.BasicAsaParser'],
  configSchema: asaConfigSchema,
  build: buildAsaParser,
});
