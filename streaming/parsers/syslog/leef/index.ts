import { defineParser } from '../../parser.js';
import { leefConfigSchema } from './config.js';
import { buildLeef } from './leef.js';

/** The IBM LEEF 1.0 / 2.0 parser component (Metron's `LEEFParser`). */
export const leefParser = defineParser({
  name: 'leef',
  metronClasses: ['org.apache.metron.parsers.leef.LEEFParser'],
  configSchema: leefConfigSchema,
  build: (_config, ctx) => buildLeef(ctx),
});
