import { defineParser } from '../../parser.js';
import { grokConfigSchema } from './config.js';
import { buildGrokParser } from './grok.js';

/** The generic grok parser component (Metron's `GrokParser`; the yaf and squid sensors use it). */
export const grokParser = defineParser({
  name: 'grok',
  metronClasses: ['org.apache.metron.parsers.GrokParser'],
  configSchema: grokConfigSchema,
  build: (config, ctx) => buildGrokParser(config, ctx),
});
