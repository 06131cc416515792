import { defineParser } from '../../parser.js';
import { fireEyeConfigSchema } from './config.js';
import { buildFireEyeParser } from './fireeye.js';

/** The FireEye fenotify (CEF) alert parser component (Metron's `BasicFireEyeParser`). */
export const fireEyeParser = defineParser({
  name: 'fireeye',
  metronClasses: ['org.apache.metron.parsers.fireeye.BasicFireEyeParser'],
  configSchema: fireEyeConfigSchema,
  build: buildFireEyeParser,
});
