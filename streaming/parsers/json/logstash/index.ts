import { defineParser } from '../../parser.js';
import { logstashConfigSchema } from './config.js';
import { buildLogstash } from './logstash.js';

/** Metron's `BasicLogstashParser` (Logstash events as JSON). */
export const logstashParser = defineParser({
  name: 'logstash',
  metronClasses: ['org.apache.metron.parsers.logstash.BasicLogstashParser'],
  configSchema: logstashConfigSchema,
  build: buildLogstash,
});
