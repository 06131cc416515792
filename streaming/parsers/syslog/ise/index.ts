import { defineParser } from '../../parser.js';
import { iseConfigSchema } from './config.js';
import { buildIse } from './ise.js';

/** The Cisco ISE syslog parser component (Metron's `BasicIseParser`). */
export const iseParser = defineParser({
  name: 'ise',
  metronClasses: ['org.apache.metron.parsers.ise.BasicIseParser'],
  configSchema: iseConfigSchema,
  build: (_config, ctx) => buildIse(ctx),
});
