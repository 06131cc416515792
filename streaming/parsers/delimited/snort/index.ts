import { defineParser } from '../../parser.js';
import { snortConfigSchema } from './config.js';
import { buildSnortParser } from './snort.js';

/** The Snort alert_csv parser (Metron's `BasicSnortParser`). */
export const snortParser = defineParser({
  name: 'snort',
  metronClasses: ['org.apache.metron.parsers.snort.BasicSnortParser'],
  configSchema: snortConfigSchema,
  build: buildSnortParser,
});
