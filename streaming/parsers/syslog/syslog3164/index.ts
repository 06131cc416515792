import { defineParser } from '../../parser.js';
import { syslog3164ConfigSchema } from './config.js';
import { buildSyslog3164 } from './syslog3164.js';

/** The RFC 3164 (BSD) syslog parser component (Metron's `Syslog3164Parser`). */
export const syslog3164Parser = defineParser({
  name: 'syslog3164',
  metronClasses: ['org.apache.metron.parsers.syslog.Syslog3164Parser'],
  configSchema: syslog3164ConfigSchema,
  build: (_config, ctx) => buildSyslog3164(ctx),
});
