import { defineParser } from '../../parser.js';
import { sourcefireConfigSchema } from './config.js';
import { buildSourcefireParser } from './sourcefire.js';

/** The Sourcefire alert parser component (Metron's `BasicSourcefireParser`). */
export const sourcefireParser = defineParser({
  name: 'sourcefire',
  metronClasses: ['org.apache.metron.parsers.sourcefire.BasicSourcefireParser'],
  configSchema: sourcefireConfigSchema,
  build: buildSourcefireParser,
});
