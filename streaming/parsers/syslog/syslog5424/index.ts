import { defineParser } from '../../parser.js';
import { syslog5424ConfigSchema } from './config.js';
import { buildSyslog5424 } from './syslog5424.js';

/** The RFC 5424 syslog parser component (Metron's `Syslog5424Parser`). */
export const syslog5424Parser = defineParser({
  name: 'syslog5424',
  metronClasses: ['org.apache.metron.parsers.syslog.Syslog5424Parser'],
  configSchema: syslog5424ConfigSchema,
  build: (config, ctx) => buildSyslog5424(config, ctx),
});
