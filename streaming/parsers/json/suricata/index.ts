import { defineParser } from '../../parser.js';
import { suricataConfigSchema } from './config.js';
import { buildSuricata } from './suricata.js';

/** Suricata EVE JSON (Metron had no parser for it). */
export const suricataParser = defineParser({
  name: 'suricata',
  metronClasses: [],
  configSchema: suricataConfigSchema,
  build: buildSuricata,
});
