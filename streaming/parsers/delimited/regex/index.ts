import { defineParser } from '../../parser.js';
import { regexConfigSchema } from './config.js';
import { buildRegexParser } from './regex.js';

/** The regular-expressions parser (Metron's `RegularExpressionsParser`): named groups become fields. */
export const regexParser = defineParser({
  name: 'regex',
  metronClasses: ['org.apache.metron.parsers.regex.RegularExpressionsParser'],
  configSchema: regexConfigSchema,
  build: buildRegexParser,
});
