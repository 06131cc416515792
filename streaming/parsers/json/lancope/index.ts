import { defineParser } from '../../parser.js';
import { lancopeConfigSchema } from './config.js';
import { buildLancope } from './lancope.js';

/** Metron's `BasicLancopeParser` (StealthWatch alarms shipped as Logstash JSON). */
export const lancopeParser = defineParser({
  name: 'lancope',
  metronClasses: ['org.apache.metron.parsers.lancope.BasicLancopeParser'],
  configSchema: lancopeConfigSchema,
  build: buildLancope,
});
