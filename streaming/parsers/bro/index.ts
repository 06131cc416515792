import { defineParser } from '../parser.js';
import { parseBro } from './bro.js';
import { broConfigSchema } from './config.js';

/** The Bro/Zeek JSON parser component (Metron's `BasicBroParser`). */
export const broParser = defineParser({
  name: 'bro',
  metronClasses: ['org.apache.metron.parsers.bro.BasicBroParser'],
  configSchema: broConfigSchema,
  build: () => parseBro,
});
