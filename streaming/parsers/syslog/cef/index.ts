import { defineParser } from '../../parser.js';
import { buildCef } from './cef.js';
import { cefConfigSchema } from './config.js';

/** The ArcSight CEF parser component (Metron's `CEFParser`). */
export const cefParser = defineParser({
  name: 'cef',
  metronClasses: ['org.apache.metron.parsers.cef.CEFParser'],
  configSchema: cefConfigSchema,
  build: (_config, ctx) => buildCef(ctx),
});
